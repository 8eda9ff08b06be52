#!/usr/bin/env bash
# Tile-serving benchmark: scripts/bench tiles (docs/benchmarks.md, "Vector tiles").
#
# Builds the release binary, starts a fresh server on a free loopback port with a
# fresh store in a temp dir, generates the fixed tile list (tile_list.py), and
# measures GET /tiles/all/{z}/{x}/{y}.mvt with wrk (tiles.lua, Accept-Encoding: gzip):
#   1. cold, exactly once: every listed tile requested once on a fresh server
#      ($BENCH_ONCE_REPEATS passes, default 3, each on a restarted server; median reported);
#   2. cold, timed: a restarted server (empty tile cache, same store) cycling through
#      the list for $BENCH_DURATION; only the first pass over the list is cold;
#   3. warm, timed: right after, the same list again (every tile cached).
# Stops the server on exit. Loopback only; wrk and the server share this machine's CPUs.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/bench.d
# shellcheck source=scripts/bench.d/tiles_common.sh
. "$here/tiles_common.sh"
once_bound="${BENCH_ONCE_BOUND:-120s}" # upper bound for one exactly-once pass

bench_need_tools
bench_build
bench_tmp landtrace-bench-tiles

port="$(bench_free_port)"
base="http://127.0.0.1:$port"
store="$tmp/landtrace.gpkg"

start_server() {
  "$bin" serve --addr "127.0.0.1:$port" --store "$store" >>"$tmp/server.log" 2>&1 &
  server_pid=$!
  bench_wait_up server "$base" "$tmp/server.log"
}
cached_tiles() {
  curl -fsS "$base/health" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("cached_tiles", "?"))'
}

echo "==> tile list"
bench_tile_list "$tmp/tiles.txt"

bench_machine "the server and wrk"

# run NAME MODE DURATION: one wrk run, its report printed; its BENCH line goes to $tmp/NAME.result
run() {
  bench_wrk "$tmp/$1" "$1" "$base" "$tmp/tiles.txt" "$2" "$3" report
}

echo "==> starting a fresh server on $base (store $store)"
for i in $(seq 1 "$once_repeats"); do
  if [ "$i" -gt 1 ]; then
    echo "==> restarting the server (same store, empty tile cache)"
    bench_stop_server
  fi
  start_server
  echo "    cached tiles: $(cached_tiles)"
  run "cold-once-$i" once "$once_bound"
  echo "    cached tiles after the pass: $(cached_tiles) (list: $count)"
done

echo "==> restarting the server (same store, empty tile cache)"
bench_stop_server
start_server
echo "    cached tiles: $(cached_tiles)"
run cold-timed cycle "$duration"
run warm-timed cycle "$duration"
echo "    cached tiles: $(cached_tiles)"
bench_stop_server
bench_load_after

# tmp, count, repeats and load(NAME) come from bench_summary
bench_summary <<'PY'
passes = [load(f"cold-once-{i}") for i in range(1, repeats + 1)]
print()
print("exactly-once passes (tiles/s, p50 ms, p99 ms): "
      + "; ".join(f"{float(p['rps']):.0f}, {float(p['p50_ms']):.2f}, {float(p['p99_ms']):.2f}" for p in passes))
median = sorted(passes, key=lambda p: float(p["rps"]))[len(passes) // 2]
rows = [(f"cold, each tile once (median of {repeats})", median),
        ("cold start, timed (1st pass cold)", load("cold-timed")),
        ("warm, timed", load("warm-timed"))]
print()
print(f"tiles/all, {count} listed tiles; success = 200 or 204; errors = other status + socket errors")
print(f"{'run':36} {'requests':>9} {'seconds':>8} {'tiles/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'MB/s':>7}")
for label, r in rows:
    errors = int(r["status_other"]) + int(r["socket_errors"])
    print(f"{label:36} {r['requests']:>9} {float(r['seconds']):>8.2f} {float(r['rps']):>9.0f} "
          f"{float(r['p50_ms']):>8.2f} {float(r['p99_ms']):>8.2f} {errors:>7} {float(r['bytes_per_s']) / 1e6:>7.2f}")
once = rows[0][1]
assert all(p["status200"] == once["status200"] for p in passes), "passes disagree on 200 counts"
print()
print(f"tiles in the list: {once['status200']} x 200 (with features), {once['status204']} x 204 (empty), "
      f"{once['status_other']} other; exactly-once pass complete: {once['complete']}")
timed = rows[1][1]
if int(timed["requests"]) >= count:
    print(f"cold timed run: {count} of its {timed['requests']} requests "
          f"({100 * count / int(timed['requests']):.1f} %) were first-pass (cold) requests")
PY
