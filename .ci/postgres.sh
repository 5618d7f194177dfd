#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (installed from Debian's packages if missing).
# Source it: it exports TEST_POSTGRES_URL and defines stop_postgres.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
PG_DATA=$(mktemp -d /tmp/draft-review-pg.XXXXXX)
PG_PORT=${PG_PORT:-54329}
chown postgres "$PG_DATA"
su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_DATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DATA' -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp\" -w -l '$PG_DATA/log' start" >/dev/null
export TEST_POSTGRES_URL="postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/postgres"
stop_postgres() {
  su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DATA' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$PG_DATA"
}
