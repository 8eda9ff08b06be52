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
threads="${BENCH_THREADS:-2}"
connections="${BENCH_CONNECTIONS:-64}"
duration="${BENCH_DURATION:-15s}"
once_bound="${BENCH_ONCE_BOUND:-300s}"
once_repeats="${BENCH_ONCE_REPEATS:-3}"
sample="${BENCH_SAMPLE:-300}"
martin_version="${MARTIN_VERSION:-1.14.0}"
martin_root="${MARTIN_ROOT:-/tmp/martin}"
martin="$martin_root/bin/martin"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing wrk (apt-get)"
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "wrk is missing: apt-get install wrk (as root)" >&2
    exit 1
  fi
fi
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }
python3 -c 'import mapbox_vector_tile' 2>/dev/null ||
  { echo "python3 with mapbox-vector-tile is missing (pip install mapbox-vector-tile)" >&2; exit 1; }

if [ ! -x "$martin" ] || ! "$martin" --version | grep -qF "$martin_version"; then
  echo "==> building Martin $martin_version into $martin_root (benchmark peer only; takes a while)"
  cargo install martin --version "$martin_version" --no-default-features --features postgres --locked \
    --root "$martin_root"
fi
echo "==> $("$martin" --version)"

echo "==> building target/release/landtrace"
cargo build --release --locked -p landtrace-cli
bin=target/release/landtrace

tmp="$(mktemp -d "${TMPDIR:-/tmp}/landtrace-bench-martin.XXXXXX")"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  bench_pg_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> store: landtrace layers --store (created from data/), then landtrace migrate into PostGIS"
"$bin" layers --store "$tmp/landtrace.gpkg" >"$tmp/layers.txt"
bench_pg_up
bench_pg_create_db landtrace_bench_tiles
db="$BENCH_DB_URL"
"$bin" migrate --from "$tmp/landtrace.gpkg" --to "$db" | tail -n 3

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
lt_port="$(free_port)"
m_port="$(free_port)"
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
  for _ in $(seq 1 600); do
    if curl -fsS "$base/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "$name did not come up; log:" >&2
  cat "$tmp/$name.log" >&2
  exit 1
}

# The same tables, in the order of the landtrace tile set `all`.
source_list="$(python3 -c '
import tomllib
with open("tiles/tilesets.toml", "rb") as f:
    print(",".join(tomllib.load(f)["sets"]["all"]["layers"]))')"

echo "==> tile lists"
python3 "$here/tile_list.py" >"$tmp/landtrace.txt" 2>"$tmp/tiles.summary"
echo "    $(cat "$tmp/tiles.summary")"
sed -E "s#^/tiles/all/([0-9]+/[0-9]+/[0-9]+)\.mvt\$#/$source_list/\1#" "$tmp/landtrace.txt" >"$tmp/martin.txt"
count="$(wc -l <"$tmp/landtrace.txt")"
echo "    Martin: /{$source_list}/{z}/{x}/{y}"

echo "==> machine: $(nproc) CPUs ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)), shared by" \
  "wrk, both servers and PostgreSQL; load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "==> PostgreSQL settings: $(bench_psql -d "$BENCH_PG_DB" -At -c "SELECT string_agg(name || '=' || setting, ' ')
  FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'shared_buffers', 'work_mem', 'jit')")"

# run SERVER NAME MODE DURATION: one wrk run; its BENCH line goes to $tmp/SERVER-NAME.result
run() {
  local server=$1 name=$2 mode=$3 dur=$4 base
  if [ "$server" = landtrace ]; then base=$lt_base; else base=$m_base; fi
  rm -rf "$tmp/done" && mkdir "$tmp/done"
  echo "==> $server $name: wrk -t$threads -c$connections -d$dur --latency ($mode)"
  wrk -t"$threads" -c"$connections" -d"$dur" --timeout 10s --latency -s "$here/tiles.lua" "$base" \
    -- "$tmp/$server.txt" "$mode" "$threads" "$tmp/done" >"$tmp/$server-$name.out"
  grep '^BENCH ' "$tmp/$server-$name.out" | tail -1 | tee "$tmp/$server-$name.result"
}

for server in landtrace martin; do
  for i in $(seq 1 "$once_repeats"); do
    stop_server
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
    stop_server
    start_server landtrace
    lt_pid=$server_pid
    start_server martin
    python3 "$here/compare_tiles.py" "$lt_base" "$m_base" "$tmp/landtrace.txt" "$source_list" "$sample" \
      tiles/tilesets.toml | tee "$tmp/compare.txt"
    kill "$lt_pid" 2>/dev/null || true
    wait "$lt_pid" 2>/dev/null || true
  fi
done
stop_server
echo "==> load after the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews the numbers)"

python3 - "$tmp" "$count" "$once_repeats" <<'PY'
import sys
tmp, count, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    line = open(f"{tmp}/{name}.result").read().split()[1:]
    return dict(kv.split("=", 1) for kv in line)
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
