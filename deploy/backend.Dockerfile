# The backend image: every process of the cluster (`cryptomon serve`, `worker`, `beat`, `ingest`, `alerts`,
# `migrate`) and the web app, which the API serves at /.
# Build from the repository root (.dockerignore is there):
#   docker build -f deploy/backend.Dockerfile -t cryptomon-backend .
# Base images are pinned by tag (the Python minor, Debian 12): patch releases with security fixes come with a
# rebuild. Add @sha256:<digest> to each FROM for a bit-for-bit reproducible build.

# --- 1. The web app: frontend/dist, with its .br/.gz copies (the Makefile's `web` target) ---------------------
FROM node:20-bookworm-slim AS web
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npx vite build --logLevel warn

# --- 2. The Python packages: a virtualenv with the runtime lock (no dev tools) and the app, not editable -------
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never
# uv's version is the Makefile's UV_VERSION.
RUN pip install --no-cache-dir "uv==0.13.9" && python -m venv --without-pip /opt/venv
# backend/requirements-runtime.lock is `make lock`'s second file: [project] dependencies only, hashed, at the
# versions of requirements.lock. Wheels only: nothing is compiled, so no image needs a compiler.
COPY backend/requirements-runtime.lock /tmp/
RUN uv pip sync --python /opt/venv/bin/python --require-hashes --only-binary :all: /tmp/requirements-runtime.lock
COPY backend/ /src/backend/
RUN uv pip install --python /opt/venv/bin/python --no-deps /src/backend

# --- 3. The runtime: the virtualenv, the migrations, the web app; no compilers, no package managers' caches ----
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH \
    CRYPTOMON_DATA_DIR=/data CRYPTOMON_FRONTEND_DIR=/srv/frontend/dist
# A home directory: Numba's on-disk cache of the compiled backtest loop and Matplotlib's config go there (the
# package directories are root's). /data/mail and /data/reports exist in the image so that a named volume
# mounted there starts owned by the app's user.
# PostgreSQL's client tools, for `cryptomon backup` and `restore` (pg_dump, pg_restore, psql): Debian's 15, the
# major version of the compose file's server (pg_dump refuses a newer server). Debian's security updates
# within bookworm replace the exact version, so it is not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin cryptomon \
 && mkdir -p /data/mail /data/reports \
 && chown -R cryptomon:cryptomon /data \
 && chmod 700 /data/mail
COPY --from=build /opt/venv /opt/venv
# app/core/migrate.py reads the Alembic scripts from the directory beside the `app` package.
COPY --from=build /src/backend/migrations /opt/venv/lib/python3.11/site-packages/migrations
COPY --from=web /src/frontend/dist /srv/frontend/dist
USER 10001:10001
WORKDIR /data
EXPOSE 8000
# The API's liveness; the compose file gives each other process (worker, beat, ingest, alerts) its own check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"]
CMD ["cryptomon", "serve", "--host", "0.0.0.0", "--port", "8000"]
