# The two commands a new user needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := backend/.venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

WEB_STAMP := frontend/dist/index.html
WEB_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/package-lock.json frontend/vite.config.ts frontend/vite-precompress.ts

.PHONY: install install-nlp web run cluster cluster-stop test test-backend services lint typecheck lock bench clean

install: $(STAMP)

$(STAMP): backend/requirements.lock backend/pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/uv pip sync --quiet --python $(BIN)/python backend/requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e backend
	@touch $@

# The TRANSFORMERS sentiment analyser's packages, kept out of the lock: uv would resolve torch to its
# multi-GB CUDA build, and pip takes the CPU one (this machine's pip finds it in /opt/wheels; elsewhere
# `make install-nlp TORCH_INDEX=https://download.pytorch.org/whl/cpu`, docs/SETUP.md). `uv pip sync` removes
# them whenever the lock changes, so this checks the installed versions (0.1 s) and installs only when one
# is missing or another version (about 25 s from pip's cache; no .pyc compiling: the first import does it).
# TRANSFORMERS_VERSION is the pin of the nlp extra in backend/pyproject.toml.
TORCH_VERSION := 2.13.0
TRANSFORMERS_VERSION := 5.17.0
TORCH_INDEX ?=
PIP_NLP = $(BIN)/python -m pip install --quiet --no-compile --disable-pip-version-check
install-nlp: install
	@$(BIN)/python -c 'import importlib.metadata as m, sys; v = m.version; sys.exit(not (v("torch").split("+")[0] == "$(TORCH_VERSION)" and v("transformers") == "$(TRANSFORMERS_VERSION)"))' 2>/dev/null || { \
	  set -e -o pipefail; \
	  $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --quiet; \
	  echo "installing torch $(TORCH_VERSION) (CPU) and transformers $(TRANSFORMERS_VERSION) into $(VENV)"; \
	  $(if $(TORCH_INDEX),$(PIP_NLP) --index-url $(TORCH_INDEX) "torch==$(TORCH_VERSION)";) \
	  $(PIP_NLP) "torch==$(TORCH_VERSION)" "transformers==$(TRANSFORMERS_VERSION)" 2>&1 | { grep -v '^WARNING: Location' || true; }; \
	}

# The web app, built once and again only when its sources change (with .br/.gz copies of its files and no
# source maps, see frontend/vite-precompress.ts); the API serves it at /.
web: $(WEB_STAMP)

$(WEB_STAMP): $(WEB_SOURCES)
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && npx vite build --logLevel warn

run: install web
	$(BIN)/cryptomon serve

# The cluster deployment on this machine: nginx on :8080 before two API processes, a Celery worker, beat,
# the ingest process and a second alert engine, on PostgreSQL and Redis (scripts/cluster.py; logs in
# var/cluster/logs). `make cluster-stop` ends them.
cluster: install web
	$(BIN)/python scripts/cluster.py start

cluster-stop:
	$(BIN)/python scripts/cluster.py stop

services:
	scripts/ensure-services.sh --test-tools

test: install install-nlp web services
	scripts/run-tests.sh

test-backend: install install-nlp services
	cd backend && .venv/bin/pytest

# Style and boundaries: ruff, the import contracts (DESIGN.md §3), and the web app's ESLint (feature boundaries).
lint: install
	cd backend && .venv/bin/ruff check . ../bench ../scripts ../load_tests && .venv/bin/ruff format --check app tests ../bench ../scripts ../load_tests && .venv/bin/lint-imports --no-cache
	cd frontend && (test -d node_modules || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) && npm run --silent lint

typecheck: install
	cd backend && .venv/bin/mypy app

lock: install
	cd backend && .venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes --quiet -o requirements.lock
	# The image's packages (deploy/backend.Dockerfile): the runtime dependencies only, at the versions above.
	cd backend && .venv/bin/uv pip compile pyproject.toml --python-version 3.11 -c requirements.lock \
		--generate-hashes --quiet -o requirements-runtime.lock

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var backend/var frontend/node_modules frontend/dist
