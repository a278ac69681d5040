#!/usr/bin/env bash
# Prepares a machine to run kubegrade from this checkout: local PostgreSQL and Redis up, packages
# installed from the lockfile, the Prisma client generated, the database migrated.
# Safe to run again. Used by the quick start and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/kubegrade}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

wait_for() {
  local what=$1 probe=$2
  for _ in $(seq 1 60); do
    if "$probe"; then return 0; fi
    sleep 0.5
  done
  echo "$what did not come up" >&2
  return 1
}

say "PostgreSQL"
if ! postgres_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and cannot be started from here." >&2
    echo "Start it (or set DATABASE_URL), or use 'docker compose up'." >&2
    exit 1
  fi
fi
wait_for PostgreSQL postgres_up

say "Redis"
if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  else
    echo "Redis is not running on 127.0.0.1:6379 and redis-server is not installed." >&2
    exit 1
  fi
fi
wait_for Redis redis_up

say "kubectl (for the simulated-cluster tests)"
if ! command -v kubectl >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client
  else
    echo "kubectl is missing: install Debian's kubernetes-client package to run every test." >&2
  fi
fi

say "Chromium (for the browser tests; playwright-core drives it, never a downloaded browser)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "chromium is missing: install Debian's chromium package to run the browser tests." >&2
  fi
fi

say "npm packages (from the lockfile)"
npm ci --no-audit --no-fund

say "Prisma client"
npm run --silent generate

say "Database migrations"
npm run --silent db:migrate
