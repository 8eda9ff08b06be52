# Sourced by the PostGIS benchmarks (postgis.sh, martin.sh): the private cluster of
# scripts/postgres and a throw-away benchmark database on it.
#
#   bench_pg_up                 start the cluster unless it already runs (then it is
#                               reused as is: `scripts/postgres start` would recreate
#                               landtrace_test under tests that may be using it)
#   bench_pg_create_db NAME     drop NAME if present, create it with PostGIS; sets BENCH_DB_URL
#   bench_pg_cleanup            drop the database; stop the cluster if bench_pg_up started it
BENCH_PG_PORT="${LANDTRACE_PG_PORT:-55432}"
BENCH_PG_BIN=/usr/lib/postgresql/15/bin
BENCH_PG_STARTED=0
BENCH_PG_DB=""

bench_psql() {
  "$BENCH_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$@"
}

bench_pg_up() {
  if [ -x "$BENCH_PG_BIN/pg_isready" ] && "$BENCH_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$BENCH_PG_PORT"; then
    echo "==> private PostgreSQL cluster already running on 127.0.0.1:$BENCH_PG_PORT: using it"
  else
    echo "==> starting the private PostgreSQL cluster (scripts/postgres; installs packages when missing)"
    eval "$(scripts/postgres start)"
    BENCH_PG_STARTED=1
  fi
}

bench_pg_create_db() {
  BENCH_PG_DB=$1
  echo "==> (re)creating database $BENCH_PG_DB with PostGIS"
  bench_psql -d postgres -c "DROP DATABASE IF EXISTS $BENCH_PG_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_PG_DB"
  bench_psql -d "$BENCH_PG_DB" -c "CREATE EXTENSION postgis"
  BENCH_DB_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/$BENCH_PG_DB"
}

bench_pg_cleanup() {
  if [ -n "$BENCH_PG_DB" ]; then
    echo "==> dropping database $BENCH_PG_DB"
    bench_psql -d postgres -c "DROP DATABASE IF EXISTS $BENCH_PG_DB WITH (FORCE)" || true
    BENCH_PG_DB=""
  fi
  if [ "$BENCH_PG_STARTED" = 1 ]; then
    scripts/postgres stop || true
    BENCH_PG_STARTED=0
  fi
}
