from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project

# Every embedded store of the suite (and of the processes it starts) runs its queries on
# one thread: the suite runs two test processes on two cores, and the books are small, so
# a second thread each adds contention, not speed (a fifth less processor time, measured).
os.environ.setdefault("STETHOSCOPE_THREADS", "1")

PG_ENV = "STETHOSCOPE_TEST_POSTGRES_URL"
# the databases the suite makes on the test server (tests/drop_databases.py sweeps them)
PG_PREFIX = "stethoscope_t_"
# the two stores every scoring test runs on; the Postgres one needs a server (see below)
STORES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store made by this code, empty and closed, to copy. Migrating a new file
    takes 0.16-0.6 s and opening a copy 0.02-0.06 s (measured), for each of the hundreds of
    tests that start on an empty project. Tests of making or upgrading a store open a folder
    of their own (``open_project``) and make it themselves."""
    folder = tmp_path_factory.mktemp("empty-store")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(folder) as p:
        p.store  # noqa: B018 (made and migrated on first use)
    assert not (folder / "stethoscope.duckdb.wal").exists(), "closed with its log checkpointed"
    return folder / "stethoscope.duckdb"


def built_once(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    build: Callable[[Path], object],
) -> Path:
    """The folder ``name``, made by ``build(folder)`` once per test run: under pytest-xdist
    the first worker to need it builds it in the run's temporary folder (its workers share
    its parent), under a lock, and the others wait for it and read it. A build that failed
    half-way is made again; a whole one is renamed into place, so none is seen half-made."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    folder = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.exists():
            making = shared / f"{name}.making"
            shutil.rmtree(making, ignore_errors=True)
            making.mkdir()
            build(making)
            making.rename(folder)
    return folder


@pytest.fixture
def project(tmp_path: Path, empty_store: Path) -> Iterator[Project]:
    """An empty project in a temporary folder, on its own embedded database (a copy of
    ``empty_store``)."""
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    shutil.copyfile(empty_store, tmp_path / "stethoscope.duckdb")
    with Project.open(tmp_path) as p:
        yield p


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write(name, text) -> path of a file in the test's folder."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write


ACCOUNTS_CSV = """\
id,name,owner,segment,industry,plan,arr,seats,customer_since,renewal_date,region
a1,Acme,dana@x.example,smb,retail,starter,1200,5,2024-01-01,2025-01-01,emea
a2,Beta,lee@x.example,enterprise,healthcare,enterprise,99000.5,200,2023-06-15,2025-06-15,na
"""


def accounts_book(p: Project) -> None:
    """Import ACCOUNTS_CSV into ``p`` (a ``filled_project`` fill: "accounts")."""
    path = p.settings.project_dir / "accounts.csv"
    path.write_text(ACCOUNTS_CSV)
    p.import_file("accounts", path)


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `stethoscope ARGS` in a fresh process, as a user would."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "stethoscope", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `stethoscope ARGS` in this process, in ``cwd``: what ``run_cli`` does without
    starting Python again (about 0.5 s of imports a call). For commands that neither read
    stdin, serve, nor meet another process's lock; those keep ``run_cli``."""
    from click.testing import CliRunner

    from stethoscope.cli import main, output

    runner = CliRunner()
    # the consoles took their width when imported; a new process reads COLUMNS=200
    widths = output.console.width, output.err.width
    output.console.width = output.err.width = 200
    code = 0
    here = Path.cwd()
    argv = sys.argv
    with runner.isolation(env={"COLUMNS": "200", **(env or {})}) as (out, err, _):
        os.chdir(cwd)
        sys.argv = ["stethoscope", *args]
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.argv = argv
            os.chdir(here)
            output.console.width, output.err.width = widths
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return subprocess.CompletedProcess(["stethoscope", *args], code, stdout, stderr)


def _url_db(url: str, name: str) -> str:
    head, _, tail = url.partition("://")
    authority, _, rest = tail.partition("/")
    query = rest.partition("?")[2]
    return f"{head}://{authority}/{name}" + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the test Postgres server (STETHOSCOPE_TEST_POSTGRES_URL). Without one the
    Postgres tests skip, saying why; on CI (CI=true) they fail instead."""
    url = os.environ.get(PG_ENV)
    on_ci = os.environ.get("CI", "").lower() == "true"
    why = None
    if not url:
        why = f"{PG_ENV} is not set (make test sets it)"
    else:
        try:
            import psycopg

            psycopg.connect(_url_db(url, "postgres"), connect_timeout=5).close()
        except ImportError:
            why = "psycopg is not installed (pip install -e '.[test]')"
        except Exception as e:
            why = f"Postgres at {url} is unreachable: {str(e).strip()}"
    if why:
        if on_ci:
            pytest.fail(f"{why}; the Postgres tests must run on CI", pytrace=False)
        pytest.skip(why)
    assert url is not None
    return url


MYSQL_ENV = "STETHOSCOPE_TEST_MYSQL_URL"


@pytest.fixture(scope="session")
def mysql_server() -> str:
    """The URL of the test MySQL or MariaDB server (STETHOSCOPE_TEST_MYSQL_URL, e.g.
    mysql://root@127.0.0.1:3306/test). Without one the tests that read a table in place
    from it skip, saying why; on CI (CI=true) they fail instead."""
    from urllib.parse import urlsplit

    url = os.environ.get(MYSQL_ENV)
    on_ci = os.environ.get("CI", "").lower() == "true"
    why = None
    if not url:
        why = f"{MYSQL_ENV} is not set (make test sets it)"
    else:
        try:
            import pymysql

            parts = urlsplit(url)
            pymysql.connect(
                host=parts.hostname,
                port=parts.port or 3306,
                user=parts.username or "root",
                password=parts.password or "",
                database=parts.path.lstrip("/") or None,
                connect_timeout=5,
            ).close()
        except ImportError:
            why = "pymysql is not installed (pip install -e '.[test]')"
        except Exception as e:
            why = f"MySQL at {url} is unreachable: {str(e).strip()}"
    if why:
        if on_ci:
            pytest.fail(f"{why}; the MySQL tests must run on CI", pytrace=False)
        pytest.skip(why)
    assert url is not None
    return url


@pytest.fixture(scope="session")
def new_postgres_database(postgres_server: str) -> Iterator[Callable[..., str]]:
    """new() -> the URL of a fresh database (stethoscope_t_<random>) on the test server,
    migrated: a copy of one database this session migrated (CREATE DATABASE ... TEMPLATE:
    0.2 s, where migrating a new one takes 0.8 s, measured). new(empty=True): one with no
    tables, for the tests of making and upgrading a store; new(like=name): a copy of the
    database ``name`` this session made and filled (golden_project). Every one made is dropped at
    the end of the session. They commit without waiting for the disk (synchronous_commit
    off: a fifth of the Postgres tests' time, measured): what they test is a transaction's
    effect, not surviving a crash of the server, which test_postgres_restart proves on a
    server of its own."""
    import psycopg

    admin = _url_db(postgres_server, "postgres")
    made: list[str] = []
    template: list[str] = []

    def create(template_of: str | None = None) -> str:
        # the time it was made is in its name, for the sweep of tests/drop_databases.py
        name = f"{PG_PREFIX}{int(time.time())}_{secrets.token_hex(4)}"
        using = f' TEMPLATE "{template_of}"' if template_of else ""
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"{using}')
            con.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        made.append(name)
        return name

    def new(*, empty: bool = False, like: str | None = None) -> str:
        if empty:
            return _url_db(postgres_server, create())
        if like is not None:  # a copy of a database this session made (no session on it)
            return _url_db(postgres_server, create(like))
        if not template:
            name = create()
            folder = Path(tempfile.mkdtemp(prefix="pg-template-"))
            url = _url_db(postgres_server, name)
            (folder / "stethoscope.toml").write_text(f"database_url = {url!r}\n")
            with Project.open(folder) as p:
                p.store  # noqa: B018 (made and migrated on first use)
            shutil.rmtree(folder)
            template.append(name)
        return _url_db(postgres_server, create(template[0]))

    yield new

    # DROP DATABASE waits for a checkpoint (measured 10-20 s each on a busy shared server,
    # 11-80 s for a worker's databases at the end of a suite, against 0.2 s for CREATE), and
    # nothing the suite proves depends on it: the drops go to a process of their own, which
    # the suite's answer does not wait for (tests/drop_databases.py). It also drops what an
    # earlier suite's dropper did not get to (killed with its CI job, say): databases of
    # this naming, made over an hour ago.
    dropper = str(Path(__file__).with_name("drop_databases.py"))
    subprocess.run(
        [sys.executable, dropper, "--detach", admin, *made],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# the Java options of the suite's Spark sessions (spark_session, and a test's own process)
TEST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark session for the whole test run (one starts in 6-8 s): 2 cores,
    2 shuffle partitions, no web UI, errors only in its log, no adaptive plans or code
    generation. Without PySpark or Java the
    Spark tests skip, saying why; on CI (CI=true) they fail instead. A project with
    compute = "spark" and spark_master = "local[2]" finds this session and uses it."""
    on_ci = os.environ.get("CI", "").lower() == "true"
    why = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        why = "PySpark is not installed (pip install -e '.[test]' installs it)"
    if why is None and not (
        shutil.which("java") or Path(os.environ.get("JAVA_HOME", "/-"), "bin", "java").exists()
    ):
        why = "Java is not installed (Spark needs Java 17: apt-get install openjdk-17-jre-headless)"
    if why:
        if on_ci:
            pytest.fail(f"{why}; the Spark tests must run on CI", pytrace=False)
        pytest.skip(why)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("stethoscope-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        # the books are tiny: re-planning stages and generating code for each query cost
        # more than they save (one date of the demo book: 16 s with both, 10-11 s without)
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        # and short-lived: the JVM's second compiler (C2) and parallel collector spend
        # more than they return in a few minutes of small queries (one date of the demo
        # book three times: 54 s of CPU with them, 30 s without, at load 10-14)
        .config("spark.driver.extraJavaOptions", TEST_JVM)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def store_templates(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, request: pytest.FixtureRequest
) -> Callable[[str, str, Callable[[Project], object]], str]:
    """store_templates(name, store, fill) -> a store of kind ``store`` filled once by
    ``fill(project)``, to copy (``filled_project``): the DuckDB file's path (once per test
    run, for all its processes), or the name of a Postgres database (once per process).
    ``name`` names what ``fill`` puts in it."""
    made: dict[tuple[str, str], str] = {}

    def build(folder: Path, url: str, fill: Callable[[Project], object]) -> None:
        (folder / "stethoscope.toml").write_text(f"database_url = {url!r}\n")
        with Project.open(folder) as p:
            fill(p)
        assert not (folder / "stethoscope.duckdb.wal").exists(), "closed, log checkpointed"

    def get(name: str, store: str, fill: Callable[[Project], object]) -> str:
        if (name, store) not in made:
            if store == "postgres":
                url = request.getfixturevalue("new_postgres_database")()
                build(tmp_path_factory.mktemp(f"{name}-pg"), url, fill)
                made[name, store] = url.rsplit("/", 1)[1].partition("?")[0]
            else:
                folder = built_once(
                    tmp_path_factory,
                    worker_id,
                    f"{name}-store",
                    lambda f: build(f, "stethoscope.duckdb", fill),
                )
                made[name, store] = str(folder / "stethoscope.duckdb")
        return made[name, store]

    return get


def filled_store(
    request: pytest.FixtureRequest,
    store: str,
    folder: Path,
    name: str,
    fill: Callable[[Project], object],
) -> None:
    """Make ``folder`` a project on a fresh copy of a store of kind ``store`` that
    ``fill(project)`` filled once (``store_templates``): a copy of the file, or CREATE
    DATABASE ... TEMPLATE, is what a new empty store costs anyway, where loading a book
    into each test's store cost 0.1-0.3 s a test."""
    source = request.getfixturevalue("store_templates")(name, store, fill)
    if store == "postgres":
        url = request.getfixturevalue("new_postgres_database")(like=source)
    else:
        url = "stethoscope.duckdb"
        shutil.copyfile(source, folder / url)
    (folder / "stethoscope.toml").write_text(f"database_url = {url!r}\n")


def filled_project(
    request: pytest.FixtureRequest,
    store: str,
    folder: Path,
    name: str,
    fill: Callable[[Project], object],
) -> Project:
    """``filled_store``, opened."""
    filled_store(request, store, folder, name, fill)
    return Project.open(folder)


def golden_project(request: pytest.FixtureRequest, store: str, folder: Path) -> Project:
    """A project in ``folder`` with the golden book (tests/engine/test_golden) and its
    model, on a fresh copy of a store of kind ``store`` (``filled_project``)."""
    from tests.engine.test_golden import GOLDEN, load_golden

    shutil.copy(GOLDEN / "model.yaml", folder / "model.yaml")
    return filled_project(request, store, folder, "golden", load_golden)


# demo_book(folder, accounts=, months=, end=, seed=): demo books made once per test run and
# copied: a loaded store is a file, and several tests start from the same book (loading
# 300-400 accounts of the demo takes 3-5 s, copying its file a few hundredths)
DemoBook = Callable[..., Path]


@pytest.fixture(scope="session")
def demo_book(request: pytest.FixtureRequest) -> DemoBook:
    """demo_book(folder, accounts=, months=, end=, seed=) -> ``folder``, now a project on a
    copy of a store holding that demo book (``Project.load_demo``), made on first use.

    Each book is made once per test run, for all its processes (``filled_store``)."""

    def make(folder: Path, *, accounts: int, months: int, end: dt.date, seed: int = 0) -> Path:
        def fill(p: Project) -> None:
            p.load_demo(accounts=accounts, months=months, end=end, seed=seed)

        folder.mkdir(parents=True, exist_ok=True)
        name = f"demo-book-{accounts}-{months}-{end.isoformat()}-{seed}"
        filled_store(request, "duckdb", folder, name, fill)
        return folder

    return make


def open_project(
    request: pytest.FixtureRequest, store: str, folder: Path, *, empty: bool = False
) -> Project:
    """A project in ``folder`` on a fresh store of kind ``store`` (duckdb: a file in the
    folder, a copy of ``empty_store`` unless ``empty``, when the project makes it; postgres:
    a new database on the test server, migrated unless ``empty``)."""
    if store == "postgres":
        new: Callable[..., str] = request.getfixturevalue("new_postgres_database")
        url = new(empty=empty)
    else:
        url = "stethoscope.duckdb"
        if not empty:
            shutil.copyfile(request.getfixturevalue("empty_store"), folder / url)
    (folder / "stethoscope.toml").write_text(f"database_url = {url!r}\n")
    return Project.open(folder)
