#!/usr/bin/env bash
# Point-in-zone benchmark against PostGIS: scripts/bench postgis
# (docs/benchmarks.md, "Zone lookup against PostGIS").
#
# Starts the private cluster of scripts/postgres unless it is running (installing
# PostgreSQL 15 + PostGIS 3 when missing), recreates the database landtrace_bench,
# runs crates/store/benches/locate_vs_postgis.rs against it and drops the database
# afterwards (and stops the cluster if this script started it). Exit status 1 when
# PostGIS and ZoneIndex disagree.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/bench.d/pg.sh
. scripts/bench.d/pg.sh
trap bench_pg_cleanup EXIT
trap 'exit 130' INT TERM

bench_pg_up
bench_pg_create_db landtrace_bench
export LANDTRACE_BENCH_DATABASE_URL="$BENCH_DB_URL"
cargo bench --locked -p landtrace-store --bench locate_vs_postgis
