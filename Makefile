# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
UV      := $(VENV)/bin/uv
STETH   := $(VENV)/bin/stethoscope
DEMO    ?= .demo
# pytest-xdist workers for `make test` (files are spread over them; 0 runs in one process)
TEST_WORKERS ?= 2
export STETHOSCOPE_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export STETHOSCOPE_TEST_MYSQL_URL ?= mysql://root@127.0.0.1:3306/test

.PHONY: demo test test-fast install install-test chromium java lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv

# Packages come from uv's cache when it holds everything they need (--offline), and from the
# indexes otherwise. Online, uv revalidates every cached download; where the index's server
# answers a revalidation as modified, uv builds pyspark's source distribution again, 19 s of
# a 26 s install, while from the cache the whole install takes about a second.
UV_INSTALL = $(UV) pip install --quiet --python $(PY)
# Bytecode is compiled at install: every command starts faster, also where the environment
# forbids writing it at run time (PYTHONDONTWRITEBYTECODE). The packages' own test suites and
# vendored copies are never imported here and are left out (15 s instead of 20 s on 2 cores).
COMPILE = $(PY) -m compileall -q -j0 -x '/(tests?|_vendor|pip)/' $(VENV)/lib src > /dev/null

install: $(PY)
	@$(UV_INSTALL) --offline -e . 2>/dev/null || $(UV_INSTALL) -e .
	@$(COMPILE)

install-test: $(PY)
	@$(UV_INSTALL) --offline -e '.[test]' 2>/dev/null || $(UV_INSTALL) -e '.[test]'
	@$(COMPILE)
	@$(MAKE) --no-print-directory chromium
	@$(MAKE) --no-print-directory java

# The dashboard's browser tests drive Debian's chromium (Playwright cannot download its own
# browsers everywhere). Installed when missing and this machine allows it: as root with apt.
# Otherwise nothing happens here, and those tests skip saying why (on CI they fail).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (timeout 900 apt-get install -y -qq chromium >/dev/null 2>&1 \
	     || { timeout 300 apt-get update -qq >/dev/null 2>&1 && timeout 900 apt-get install -y -qq chromium >/dev/null 2>&1; }) \
	    || echo "note: could not install chromium; the browser tests will skip" >&2; \
	  fi; }

# The Spark tests (marked spark: compute = "spark", PySpark from the test extra) need Java 17.
# Installed when missing and this machine allows it, as chromium is; otherwise those tests
# skip saying why (on CI they fail).
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (timeout 900 apt-get install -y -qq openjdk-17-jre-headless >/dev/null 2>&1 \
	     || { timeout 300 apt-get update -qq >/dev/null 2>&1 && timeout 900 apt-get install -y -qq openjdk-17-jre-headless >/dev/null 2>&1; }) \
	    || echo "note: could not install Java 17; the Spark tests will skip" >&2; \
	  fi; }

# Generate the demo book into $(DEMO)/, score its last $(DEMO_DAYS) days with the four-signals preset, show the
# red accounts with the most ARR, then serve the dashboard on it with a demo sign-in (an
# editor who owns accounts; its password is made once and kept in $(DEMO)/demo-password).
# `make demo SERVE=no` stops before serving.
SERVE   ?= yes
DEMO_DAYS ?= 30
demo: install
	@test -f $(DEMO)/model.yaml || $(STETH) init $(DEMO) --preset four-signals
	$(STETH) --project $(DEMO) demo --force
	$(STETH) --project $(DEMO) run --from $$($(PY) -c 'import datetime as d; print(d.datetime.now(d.UTC).date() - d.timedelta(days=$(DEMO_DAYS) - 1))')
	COLUMNS=120 $(STETH) --project $(DEMO) scores --band red --sort arr --desc --limit 10
	@$(PY) -m stethoscope.demo_user $(DEMO)
	@echo
	@echo "Next: why an account scores as it does:  $(STETH) --project $(DEMO) explain ACCOUNT"
	@if [ "$(SERVE)" = "no" ]; then \
	  echo "      the dashboard:  $(STETH) --project $(DEMO) serve   # then open http://127.0.0.1:8765/"; \
	else \
	  echo "The dashboard: open http://127.0.0.1:8765/ and sign in as above (Ctrl-C stops it)."; \
	  exec $(STETH) --project $(DEMO) serve; \
	fi

# The whole suite. pytest's exit code 5 (no test collected) is a failure: a suite that
# runs nothing proves nothing.
test: install-test
	@$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The inner loop, under a minute on 2 cores: the model, the source contract, the hand-scored
# golden books and the small helpers, on DuckDB only. No Postgres, no server, browser or
# command-line process, no demo book of thousands of accounts (-m "not slow and not postgres":
# mark a test `slow` when it starts one of those or takes more than a few seconds). It proves
# less than `make test`, which runs every test and is what a change must pass.
FAST_TESTS ?= tests/model tests/contract tests/engine/test_golden.py tests/engine/test_rounding.py tests/test_*.py
test-fast: install-test
	@$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow and not postgres" $(FAST_TESTS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: install-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

# `make bench` first prints the recorded figures, then this machine's speed on fixed work
# (bench/machine.py: figures of different machines compare only beside it), then runs every
# other script of bench/.
# bench/service.py measures latency with wrk (Debian's package, C) when it is there, and
# falls back to Python's httpx, which takes much of a small machine's CPU itself.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    timeout 600 apt-get install -y -qq wrk >/dev/null 2>&1 \
	    || echo "note: could not install wrk; bench/service.py measures with httpx only" >&2; \
	  fi; }
	@echo "== the current figures (bench/figures.toml, docs/benchmarks.md); the scripts measure them again:"
	@$(PY) bench/table.py
	@echo "== bench/machine.py"; $(PY) bench/machine.py
	@for b in bench/*.py; do case "$$b" in bench/table.py|bench/machine.py) continue;; esac; \
	  echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
