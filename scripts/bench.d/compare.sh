#!/usr/bin/env bash
# Old against new, side by side: scripts/bench compare OLD_REV [NEW_REV]
# (docs/benchmarks.md, "Old and new side by side").
#
# For a change that must keep every benchmark at least as fast. Builds the release
# binary of OLD_REV (a git worktree under target/compare/, its own target dir, kept
# for the next run) and of NEW_REV the same way, or of the working tree when
# NEW_REV is not given; starts both servers at once on stores
# each made by its own binary from the bundled data, warms both tile caches, then
# runs BENCH_ROUNDS (default 3) interleaved rounds (of BENCH_WHAT, default
# "tiles locate"), each: warm tiles (tiles.lua over the
# tile list, cycling) and GET /api/locate at one point, on the old and then the new
# server, with the same wrk settings (BENCH_THREADS, BENCH_CONNECTIONS,
# BENCH_DURATION as the other tile benchmarks). Prints requests/s and p99 per run,
# then the median of each and the ratio new/old. Both servers share the machine's
# CPUs with wrk, one at a time under load; the load average is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/bench.d
# shellcheck source=scripts/bench.d/tiles_common.sh
. "$here/tiles_common.sh"

old_rev="${1:?usage: scripts/bench compare OLD_REV [NEW_REV]}"
new_rev="${2:-}"
rounds="${BENCH_ROUNDS:-3}"
what="${BENCH_WHAT:-tiles locate}"

# build_rev REV: the release binary of REV, built in a worktree under target/compare/
# with its own target dir (both kept for the next run); prints its path last.
build_rev() {
  local sha short src
  sha="$(git rev-parse --verify "$1^{commit}")"
  short="${sha:0:10}"
  src="target/compare/src-$short"
  if [ ! -d "$src" ]; then
    mkdir -p target/compare
    git worktree add --detach "$src" "$sha" >/dev/null
  fi
  echo "==> building the release binary of $1 ($short) in $src" >&2
  (cd "$src" && CARGO_TARGET_DIR="$PWD/../target-$short" cargo build --release --locked -p landtrace-cli >&2)
  echo "target/compare/target-$short/release/landtrace"
}

bench_need_tools
old_bin="$(build_rev "$old_rev")"
if [ -n "$new_rev" ]; then
  new_bin="$(build_rev "$new_rev")"
  echo "==> old: $old_rev, new: $new_rev"
else
  bench_build
  new_bin="$bin"
  echo "==> old: $old_rev, new: the working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes'))"
fi

old_pid=""
new_pid=""
stop_both() {
  for p in $old_pid $new_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
bench_tmp landtrace-bench-compare stop_both
bench_tile_list "$tmp/tiles.txt"

start() { # start NAME BIN PORT: a fresh store made by BIN itself, then serve it
  local name=$1 b=$2 port=$3
  LANDTRACE_DATA="$PWD/data" "$b" layers --store "$tmp/$name.gpkg" >/dev/null
  LANDTRACE_DATA="$PWD/data" "$b" serve --addr "127.0.0.1:$port" --store "$tmp/$name.gpkg" >"$tmp/$name.log" 2>&1 &
  server_pid=$!
  bench_wait_up "$name server" "http://127.0.0.1:$port" "$tmp/$name.log"
}
old_port="$(bench_free_port)"
start old "$old_bin" "$old_port"
old_pid=$server_pid
new_port="$(bench_free_port)"
start new "$new_bin" "$new_port"
new_pid=$server_pid
server_pid=""

echo "==> warming both tile caches (one pass over the list each)"
for port in "$old_port" "$new_port"; do
  rm -rf "$tmp/done" && mkdir "$tmp/done"
  wrk -t"$threads" -c16 -d120s -s "$here/tiles.lua" "http://127.0.0.1:$port" -- "$tmp/tiles.txt" once "$threads" "$tmp/done" >/dev/null
done
bench_machine "both servers (one at a time under load) and wrk"

locate_path="/api/locate?lon=110.7745&lat=35.1405"
: >"$tmp/runs.txt"
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    port=$old_port
    [ "$side" = new ] && port=$new_port
    if [[ " $what " == *" tiles "* ]]; then
      rm -rf "$tmp/done" && mkdir "$tmp/done"
      out="$(wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency -s "$here/tiles.lua" \
        "http://127.0.0.1:$port" -- "$tmp/tiles.txt" cycle "$threads" "$tmp/done")"
      echo "tiles $side $(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")" | tee -a "$tmp/runs.txt"
    fi
    if [[ " $what " == *" locate "* ]]; then
      out="$(wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency "http://127.0.0.1:$port$locate_path")"
      echo "locate $side $(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")" | tee -a "$tmp/runs.txt"
    fi
  done
done
bench_load_after

python3 - "$tmp/runs.txt" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    what, side, rps, p99 = line.split()
    runs.setdefault((what, side), []).append(float(rps))
print("==> median requests/s over the rounds (ratio new/old; above 1 is faster)")
for what in ("tiles", "locate"):
    if (what, "old") not in runs:
        continue
    old, new = statistics.median(runs[(what, "old")]), statistics.median(runs[(what, "new")])
    print(f"    {what:<7} old {old:>10,.0f}  new {new:>10,.0f}  ratio {new / old:.2f}")
EOF
