#!/usr/bin/env bash
# Everything `make test` runs after install: lint, types, the backend suite on both deployments
# (SQLite + in-process and PostgreSQL + Redis + Celery), and the frontend once it exists.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff"
(cd backend && .venv/bin/ruff check . ../bench && .venv/bin/ruff format --check --quiet app tests ../bench)
echo "== mypy"
(cd backend && .venv/bin/mypy app)
echo "== pytest (embedded and cluster)"
(cd backend && .venv/bin/pytest -q -p no:cacheprovider)

if [ -f frontend/package.json ]; then
  echo "== frontend"
  (cd frontend && npm ci --no-audit --no-fund && npm test)
fi
