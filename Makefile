# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
UV      := $(VENV)/bin/uv
STETH   := $(VENV)/bin/stethoscope
DEMO    ?= .demo
export STETHOSCOPE_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test install install-test chromium lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv

# Bytecode is compiled at install: every command starts faster, also where the
# environment forbids writing it at run time (PYTHONDONTWRITEBYTECODE).
install: $(PY)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -e .
	@$(PY) -m compileall -q -j0 $(VENV)/lib src > /dev/null

install-test: $(PY)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -e '.[test]'
	@$(PY) -m compileall -q -j0 $(VENV)/lib src > /dev/null
	@$(MAKE) --no-print-directory chromium

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

# Generate the demo book into $(DEMO)/, score it with the four-signals preset, and show the
# red accounts with the most ARR.
demo: install
	@test -f $(DEMO)/model.yaml || $(STETH) init $(DEMO) --preset four-signals
	$(STETH) --project $(DEMO) demo --force
	$(STETH) --project $(DEMO) run
	COLUMNS=120 $(STETH) --project $(DEMO) scores --band red --sort arr --desc --limit 10
	@echo
	@echo "Next: why an account scores as it does:  $(STETH) --project $(DEMO) explain ACCOUNT"
	@echo "      the service (API, ingest, nightly runs, dashboard sign-in):"
	@echo "      $(STETH) --project $(DEMO) users create --name you@example.com --role admin"
	@echo "      $(STETH) --project $(DEMO) serve   # then open http://127.0.0.1:8765/"

# The whole suite. pytest's exit code 5 (no test collected) is a failure: a suite that
# runs nothing proves nothing.
test: install-test
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: install-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

bench: install-test
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
