#!/usr/bin/env bash
# Tiles against Martin: scripts/bench martin (docs/benchmarks.md, "Vector tiles against Martin").
#
# Martin (https://github.com/maplibre/martin) is a benchmark peer only, never a project
# dependency: it is built once with `cargo install` into $MARTIN_ROOT (default /tmp/martin),
# pinned to $MARTIN_VERSION (default 1.14.0, the newest release this toolchain builds:
# later ones need a newer rustc), features `postgres` only.
#
#  1. creates a fresh landtrace.gpkg from data/ (`landtrace layers --store`), starts the
#     private PostGIS cluster (scripts/bench.d/pg.sh), recreates the database
#     landtrace_bench_tiles and copies the store into it (`landtrace migrate`);
#  2. serves those tables on loopback with `landtrace serve --database` and with Martin
#     (auto-published table sources; the tile set `all` is asked of Martin as the composite
#     source of the same tables in the same order, one MVT layer per table);
#  3. for each server: a fresh start, then every tile of the tile list of the tiles
#     benchmark (tile_list.py, z8-z16 over the county) requested exactly once (cold,
#     $BENCH_ONCE_REPEATS passes on restarted servers, median reported), then a warm run
#     cycling through the list for $BENCH_DURATION; wrk with tiles.lua, Accept-Encoding: gzip;
#  4. compares decoded feature counts per layer on a sample of tiles (compare_tiles.py).
# Drops the database and stops both servers on exit. wrk, both servers and PostgreSQL share
# this machine's CPUs.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/bench.d
# shellcheck source=scripts/bench.d/pg.sh
. "$here/pg.sh"
# shellcheck source=scripts/bench.d/tiles_common.sh
. "$here/tiles_common.sh"
once_bound="${BENCH_ONCE_BOUND:-300s}"
sample="${BENCH_SAMPLE:-300}"
martin_version="${MARTIN_VERSION:-1.14.0}"
martin_root="${MARTIN_ROOT:-/tmp/martin}"
martin="$martin_root/bin/martin"

bench_need_tools
python3 -c 'import mapbox_vector_tile' 2>/dev/null ||
  { echo "python3 with mapbox-vector-tile is missing (pip install mapbox-vector-tile)" >&2; exit 1; }

if [ ! -x "$martin" ] || ! "$martin" --version | grep -qF "$martin_version"; then
  echo "==> building Martin $martin_version into $martin_root (benchmark peer only; takes a while)"
  cargo install martin --version "$martin_version" --no-default-features --features postgres --locked \
    --root "$martin_root"
fi
echo "==> $("$martin" --version)"

bench_build
bench_tmp landtrace-bench-martin bench_pg_cleanup

echo "==> store: landtrace layers --store (created from data/), then landtrace migrate into PostGIS"
"$bin" layers --store "$tmp/landtrace.gpkg" >"$tmp/layers.txt"
bench_pg_up
bench_pg_create_db landtrace_bench_tiles
db="$BENCH_DB_URL"
"$bin" migrate --from "$tmp/landtrace.gpkg" --to "$db" | tail -n 3

lt_port="$(bench_free_port)"
m_port="$(bench_free_port)"
lt_base="http://127.0.0.1:$lt_port"
m_base="http://127.0.0.1:$m_port"

# server NAME: start it; both answer /health when ready
start_server() {
  local name=$1 base
  if [ "$name" = landtrace ]; then
    base=$lt_base
    "$bin" serve --addr "127.0.0.1:$lt_port" --database "$db" >>"$tmp/landtrace.log" 2>&1 &
  else
    base=$m_base
    "$martin" --listen-addresses "127.0.0.1:$m_port" "$db" >>"$tmp/martin.log" 2>&1 &
  fi
  server_pid=$!
  bench_wait_up "$name" "$base" "$tmp/$name.log"
}

# The same tables, in the order of the landtrace tile set `all`.
source_list="$(python3 -c '
import tomllib
with open("tiles/tilesets.toml", "rb") as f:
    print(",".join(tomllib.load(f)["sets"]["all"]["layers"]))')"

echo "==> tile lists"
bench_tile_list "$tmp/landtrace.txt"
sed -E "s#^/tiles/all/([0-9]+/[0-9]+/[0-9]+)\.mvt\$#/$source_list/\1#" "$tmp/landtrace.txt" >"$tmp/martin.txt"
echo "    Martin: /{$source_list}/{z}/{x}/{y}"

bench_machine "wrk, both servers and PostgreSQL"
echo "==> PostgreSQL settings: $(bench_psql -d "$BENCH_PG_DB" -At -c "SELECT string_agg(name || '=' || setting, ' ')
  FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'shared_buffers', 'work_mem', 'jit')")"

# run SERVER NAME MODE DURATION: one wrk run; its BENCH line is printed and goes to
# $tmp/SERVER-NAME.result
run() {
  local server=$1 name=$2 base
  if [ "$server" = landtrace ]; then base=$lt_base; else base=$m_base; fi
  bench_wrk "$tmp/$server-$name" "$server $name" "$base" "$tmp/$server.txt" "$3" "$4" result
}

for server in landtrace martin; do
  for i in $(seq 1 "$once_repeats"); do
    bench_stop_server
    echo "==> starting $server (fresh process: empty tile cache)"
    start_server "$server"
    if [ "$server" = martin ] && [ "$i" = 1 ]; then
      curl -fsS "$m_base/catalog" >"$tmp/catalog.json"
      python3 - "$tmp/catalog.json" "$source_list" <<'PY'
import json, sys
catalog = json.load(open(sys.argv[1]))
tiles = catalog.get("tiles", catalog)
missing = [s for s in sys.argv[2].split(",") if s not in tiles]
print(f"    Martin publishes {len(tiles)} table sources: {', '.join(sorted(tiles))}")
if missing:
    sys.exit(f"Martin does not publish {missing}")
PY
    fi
    run "$server" "cold-once-$i" once "$once_bound"
  done
  run "$server" warm-timed cycle "$duration"
  if [ "$server" = martin ]; then
    echo "==> feature counts, landtrace vs Martin (both running, warm)"
    bench_stop_server
    start_server landtrace
    lt_pid=$server_pid
    start_server martin
    python3 "$here/compare_tiles.py" "$lt_base" "$m_base" "$tmp/landtrace.txt" "$source_list" "$sample" \
      tiles/tilesets.toml | tee "$tmp/compare.txt"
    kill "$lt_pid" 2>/dev/null || true
    wait "$lt_pid" 2>/dev/null || true
  fi
done
bench_stop_server
bench_load_after

# tmp, count, repeats and load(NAME) come from bench_summary
bench_summary <<'PY'
print()
print(f"{count} listed tiles, z8-z16; success = 200 or 204; errors = other status + socket errors")
print(f"{'server':10} {'run':30} {'requests':>9} {'tiles/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'200':>6} {'204':>6}")
rps = {}
for server in ("landtrace", "martin"):
    passes = [load(f"{server}-cold-once-{i}") for i in range(1, repeats + 1)]
    median = sorted(passes, key=lambda p: float(p["rps"]))[len(passes) // 2]
    for label, r in ((f"cold, each tile once (median of {repeats})", median), ("warm, timed", load(f"{server}-warm-timed"))):
        errors = int(r["status_other"]) + int(r["socket_errors"])
        rps[(server, label.split(",")[0])] = float(r["rps"])
        print(f"{server:10} {label:30} {r['requests']:>9} {float(r['rps']):>9.0f} {float(r['p50_ms']):>8.2f} "
              f"{float(r['p99_ms']):>8.2f} {errors:>7} {r['status200']:>6} {r['status204']:>6}")
    print(f"{'':10} cold passes (tiles/s): " + ", ".join(f"{float(p['rps']):.0f}" for p in passes))
print()
for kind in ("cold", "warm"):
    print(f"{kind}: landtrace / Martin = {rps[('landtrace', kind)] / rps[('martin', kind)]:.2f}x tiles/s")
PY
