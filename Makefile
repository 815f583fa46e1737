# The two commands a new user needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := backend/.venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

WEB_STAMP := frontend/dist/index.html
WEB_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/package-lock.json frontend/vite.config.ts frontend/vite-precompress.ts

.PHONY: install web run test test-backend services lint typecheck lock bench clean

install: $(STAMP)

$(STAMP): backend/requirements.lock backend/pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/uv pip sync --quiet --python $(BIN)/python backend/requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e backend
	@touch $@

# The web app, built once and again only when its sources change (with .br/.gz copies of its files and no
# source maps, see frontend/vite-precompress.ts); the API serves it at /.
web: $(WEB_STAMP)

$(WEB_STAMP): $(WEB_SOURCES)
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && npx vite build --logLevel warn

run: install web
	$(BIN)/cryptomon serve

services:
	scripts/ensure-services.sh

test: install services
	scripts/run-tests.sh

test-backend: install services
	cd backend && .venv/bin/pytest

# Style and boundaries: ruff, the import contracts (DESIGN.md §3), and the web app's ESLint (feature boundaries).
lint: install
	cd backend && .venv/bin/ruff check . ../bench && .venv/bin/ruff format --check app tests ../bench && .venv/bin/lint-imports --no-cache
	cd frontend && (test -d node_modules || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) && npm run --silent lint

typecheck: install
	cd backend && .venv/bin/mypy app

lock: install
	cd backend && .venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes --quiet -o requirements.lock

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var backend/var frontend/node_modules frontend/dist
