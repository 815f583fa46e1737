#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1: start them if installed but stopped,
# install them from Debian's packages if missing; also poppler (pdftoppm). With --test-tools (`make test`), the
# commands only tests run: nginx (the cluster's proxy) and promtool (the Prometheus configuration's checks).
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""

apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for NAME COMMAND...
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && { echo "$name: up"; return 0; }; sleep 0.5; done
  echo "$name did not come up" >&2; return 1
}

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_up; then echo "postgresql: up"; return; fi
  local fresh=""
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "postgresql: installing from Debian packages"; apt_install postgresql; fresh=1
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -n "$fresh" ]; then
    # A fresh cluster asks for passwords on TCP; the tests connect as postgres without one, locally only.
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  echo "postgresql: starting cluster $version/main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for postgresql pg_up
}

ensure_redis() {
  if command -v redis-cli >/dev/null && redis_up; then echo "redis: up"; return; fi
  if ! command -v redis-server >/dev/null; then echo "redis: installing from Debian packages"; apt_install redis-server; fi
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  echo "redis: starting"
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for redis redis_up
}

ensure_poppler() {  # tests/reports render every PDF page to PNG with pdftoppm
  if command -v pdftoppm >/dev/null; then echo "poppler: $(pdftoppm -v 2>&1 | head -1)"; return; fi
  echo "poppler: installing from Debian packages"; apt_install poppler-utils
}

ensure_tool() {  # ensure_tool COMMAND PACKAGE WHY: a command the tests run, from Debian's packages
  if command -v "$1" >/dev/null; then echo "$1: present"; return; fi
  echo "$1: installing $2 from Debian packages ($3)"; apt_install --no-install-recommends "$2"
}

ensure_postgres
ensure_redis
ensure_poppler
if [ "${1:-}" = "--test-tools" ]; then
  ensure_tool nginx nginx-light "tests/test_cluster.py, tests/deploy: the proxy"
  ensure_tool promtool prometheus "tests/deploy: prometheus.yml and the dashboard's queries"
fi
