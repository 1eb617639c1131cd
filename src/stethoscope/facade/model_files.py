"""The project's files, read without its store: the health model and its alert rules.

``ProjectCore`` (and so ``Project``) inherits these; ``RemoteProject`` keeps one of its own,
since a model file is checked on this machine even while a server owns the database. Both
files are parsed once per version of the file: a server reads them on every request.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stethoscope.alerts.rules import Rules
    from stethoscope.model.types import Model
    from stethoscope.settings import Settings

# an `alerts:` key anywhere (a model without one has no rules to read; a false match only
# costs reading the file)
_ALERTS_KEY = re.compile(r"\balerts[\"']?\s*:")


class ModelFiles:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._models: dict[tuple[int, int, int, int], Model] = {}
        self._rules: dict[tuple[Any, ...], Rules] = {}

    def model_path(self, path: Path | str | None = None) -> Path:
        if not path:
            return self._model_file
        p = Path(path)
        return p if p.is_absolute() else Path.cwd() / p

    @functools.cached_property
    def _model_file(self) -> Path:
        p = Path(self.settings.model)
        return p if p.is_absolute() else self.settings.project_dir / p

    def load_model(self, path: Path | str | None = None) -> Model:
        """The health model (the project's model file unless ``path``), validated."""
        file = self.model_path(path)
        # a server reads the model on every request: parsed once per version of the file,
        # known by one stat of it
        try:
            stat = os.stat(file)
        except OSError:
            stat = None
        key = None if stat is None else (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._models.get(key) if key is not None else None
        if cached is not None:
            return cached
        from stethoscope.errors import ModelError
        from stethoscope.model.loader import load_model

        with contextlib.suppress(ValueError):
            file = file.relative_to(Path.cwd())  # errors name the file as the user sees it
        if key is None or not file.is_file():
            raise ModelError(
                f"no model file at {file}",
                hint="create one with `stethoscope init --preset four-signals`",
            )
        cached = load_model(file)
        self._models = {key: cached}
        return cached

    def validate(self, path: Path | str | None = None) -> Model:
        model = self.load_model(path)
        self.alert_rules(path)  # the model file's alert rules too, or the rules file
        return model

    @staticmethod
    def _check_score(m: Model, score: str) -> None:
        from stethoscope.errors import ModelError

        if score not in m.scores:
            raise ModelError(
                f"the model has no score '{score}'", hint=f"scores are: {', '.join(m.scores)}"
            )

    # -- alert rules -------------------------------------------------------------------

    def alert_rules(self, model: Path | str | None = None) -> Rules:
        """The project's alert rules (the ``alert_rules`` file, else the ``alerts:`` key of
        the model file), checked against the model; a ModelError lists every problem."""
        m = self.load_model(model)
        channels = list(self.settings.alert_channels)
        if self.settings.alert_rules:
            path = Path(self.settings.alert_rules)
            if not path.is_absolute():
                path = self.settings.project_dir / path
            with contextlib.suppress(ValueError):
                path = path.relative_to(Path.cwd())
            return self._cached_rules(path, m, channels, embedded=False)
        model_file = Path(self.settings.model) if model is None else Path(model)
        if not model_file.is_absolute():
            base = self.settings.project_dir if model is None else Path.cwd()
            model_file = base / model_file
        with contextlib.suppress(ValueError):
            model_file = model_file.relative_to(Path.cwd())
        if not _ALERTS_KEY.search(m.source):
            # the model file has no alerts: nothing to read twice (nor the playbooks)
            from stethoscope.alerts.rules import Routing, Rules

            return Rules({}, Routing(), {}, str(model_file))
        return self._cached_rules(model_file, m, channels, embedded=True)

    def _cached_rules(self, path: Path, m: Model, channels: list[str], *, embedded: bool) -> Rules:
        """The rules of ``path``, read once per version of the file and of the model (a run
        and the server's requests read them often)."""
        from stethoscope.alerts.rules import load_rules

        try:
            stat = path.stat()
        except OSError:
            return load_rules(path, m, channels=channels, embedded=embedded)
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, m.version, tuple(channels))
        rules = self._rules.get(key)
        if rules is None:
            rules = load_rules(path, m, channels=channels, embedded=embedded)
            self._rules = {key: rules}
        return rules
