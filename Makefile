# Back Stretch Coach: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test test-fast setup setup-dev models bundle bench load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime + local web server.
$(VENV)/.installed-web: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[web]'
	touch $@

# Everything the tests need, each step with its own stamp so a rerun skips what already installed:
# Python dev deps, the npm tools from their lock files (virtual-alexa, apl-suggester, Pyodide), and
# espeak-ng (the audio preview the tests measure; installed with apt when running as root, as CI does).
$(VENV)/.installed-python-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-npm: e2e/package-lock.json tools/pyc/package-lock.json | $(BIN)/python
	npm ci --prefix e2e --no-audit --no-fund --loglevel=error
	npm ci --prefix tools/pyc --no-audit --no-fund --loglevel=error
	touch $@

# apt waits up to 5 minutes for another process's dpkg lock (an unattended upgrade) instead of failing.
APT := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300
$(VENV)/.installed-espeak: | $(BIN)/python
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing espeak-ng"; $(APT) update -qq && $(APT) install -y -qq espeak-ng >/dev/null; \
	  else echo "note: espeak-ng is not installed (sudo apt-get install espeak-ng); its audio test will be skipped"; fi; }
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-python-dev $(VENV)/.installed-npm $(VENV)/.installed-espeak
	touch $@

setup: $(VENV)/.installed-web
setup-dev: $(VENV)/.installed-dev

## make run: set up, then serve the skill on http://127.0.0.1:$(PORT)/ (verification off, for local use)
run: setup
	ASK_SDK_VERIFY_SIGNATURE=false ASK_SDK_VERIFY_TIMESTAMP=false \
	  $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - skill.web:app

## make test: set up everything, then run the whole test suite
test: setup-dev
	$(BIN)/python -m pytest

## make test-fast: the suite without the tests marked slow (walks, node, real servers), while you work
test-fast: setup-dev
	$(BIN)/python -m pytest -m "not slow"

## make bundle: build dist/lambda.zip for AWS Lambda (Python 3.13, arm64, with CPython 3.13 bytecode)
bundle: setup
	npm ci --prefix tools/pyc --no-audit --no-fund --loglevel=error
	$(BIN)/python -m skill_dev.build_lambda

## make bench: measure the skill against a hello-world floor (bench/results.json; see BENCHMARKS.md)
bench: setup-dev
	$(BIN)/python bench/run.py

## make load: 400 simulated people through whole routines against gunicorn + SQLite, every record checked
load: setup-dev
	$(BIN)/python bench/load_test.py --users 400 --concurrency 32 --workers 4

## make models: regenerate interaction_models/ from the content
models: setup
	$(BIN)/python -m skill_dev.interaction_model

clean:
	rm -rf $(VENV) e2e/node_modules tools/pyc/node_modules dist build *.egg-info .pytest_cache
