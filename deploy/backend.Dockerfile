# The backend image: API (`cryptomon serve`), worker (`cryptomon worker`) and beat (`cryptomon beat`).
# Build from the repository root: docker build -f deploy/backend.Dockerfile -t cryptomon .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 CRYPTOMON_DATA_DIR=/data
WORKDIR /srv/backend

COPY backend/requirements.lock backend/pyproject.toml ./
RUN pip install --no-cache-dir "uv==0.13.9" \
 && uv pip install --system --no-cache -r requirements.lock

COPY backend/ ./
# /data/mail exists in the image so that a named volume mounted there starts owned by the app's user.
RUN uv pip install --system --no-cache --no-deps -e . && mkdir -p /data/mail && useradd -r -u 10001 cryptomon \
 && chown cryptomon /data /data/mail && chmod 700 /data/mail
USER cryptomon
EXPOSE 8000
CMD ["cryptomon", "serve", "--host", "0.0.0.0", "--port", "8000"]
