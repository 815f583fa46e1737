#!/usr/bin/env bash
# Everything `make test` runs after install: lint, types, the backend suite on both deployments
# (SQLite + in-process and PostgreSQL + Redis + Celery), and the web app (unit and end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff"
(cd backend && .venv/bin/ruff check . ../bench ../scripts ../load_tests && .venv/bin/ruff format --check --quiet app tests ../bench ../scripts ../load_tests)
echo "== import contracts (DESIGN.md §3: domains, core, cycles)"
(cd backend && .venv/bin/lint-imports --no-cache)
echo "== mypy"
(cd backend && .venv/bin/mypy app)
echo "== pytest (embedded and cluster)"
(cd backend && .venv/bin/pytest -q -p no:cacheprovider --durations=25)  # the slowest, to keep make test short

echo "== frontend (ESLint, types, Vitest, Playwright end-to-end in Debian's Chromium)"
scripts/ensure-chromium.sh
(cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
# The app's API types must be the ones the backend's OpenAPI document generates today.
(cd frontend && npm run --silent gen:api >/dev/null) && git diff --exit-code --stat -- frontend/src/api/schema.d.ts
(cd frontend && npm run lint)
(cd frontend && npm test)
# What a fresh install's Markets screen shows, with the default market sources (every symbol moves).
(cd frontend && E2E_DEFAULT_MARKET=1 node scripts/e2e.mjs e2e/default-market.spec.ts)
