# factdb — the two set-up commands are `make demo` and `make test`; both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= out/demo.db
PYTEST_ARGS ?=

.PHONY: demo test bench bench-quick lint clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[all]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.runtime

## demo: add the bundled sample articles to a fresh SQLite store, show contradictions and a history
demo: $(VENV)/.runtime
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@FACTDB_DATABASE_URL=$(DEMO_DB) BIN=$(BIN) sh samples/demo.sh

## browser: headless Chromium for the report's end-to-end test (Debian's package; needs root,
## otherwise that test skips with the reason — except in CI, where it is required)
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ; } || \
		echo "chromium not installed: the browser test will skip" >&2

## test: install everything (dev extras) and run the whole suite, PostgreSQL included
test: $(VENV)/.dev browser
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## bench: the full benchmark run (long); bench-quick: the same figures on small stores (< 1 minute)
bench: $(VENV)/.dev
	$(BIN)/python -m bench.run --full

bench-quick: $(VENV)/.dev
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache
