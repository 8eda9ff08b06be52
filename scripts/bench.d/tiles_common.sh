# Sourced by the tile benchmarks (tiles.sh, martin.sh): wrk runs of tiles.lua over the tile
# list of tile_list.py against servers started one at a time. Expects the repository root as
# the working directory and $here set to scripts/bench.d.
#
# Settings, read when sourced: BENCH_THREADS (default 2) and BENCH_CONNECTIONS (64) of wrk,
# BENCH_DURATION (15s) of a timed run, BENCH_ONCE_REPEATS (3) exactly-once passes; as
# $threads, $connections, $duration and $once_repeats.
#
#   bench_need_tools             wrk (installed with apt-get when missing, as root), python3, curl
#   bench_build                  builds target/release/landtrace; sets $bin
#   bench_tmp NAME [CLEANUP]     makes the temp dir $tmp (NAME.XXXXXX); on exit stops the
#                                server, runs the command CLEANUP if given and removes $tmp
#   bench_free_port              prints a free loopback port
#   bench_wait_up NAME BASE LOG  after starting a server in the background and setting
#                                $server_pid: waits until it answers BASE/health; when it exits
#                                or never answers, prints LOG and exits 1
#   bench_stop_server            stops the server $server_pid, if it runs
#   bench_tile_list OUT          writes the tile list to OUT, prints its summary; sets $count
#   bench_machine SHARED_BY      prints the CPUs, who shares them and the load before the run
#   bench_load_after             prints the load after the run
#   bench_wrk STEM LABEL BASE LIST MODE DURATION SHOW
#                                one wrk run of tiles.lua against BASE over the paths in LIST
#                                (MODE once or cycle); wrk's report goes to STEM.out, its BENCH
#                                line to STEM.result; SHOW `report` prints the report,
#                                `result` only the BENCH line
#   bench_summary                runs the Python on stdin (the summary) with tmp, count and
#                                repeats ($tmp, $count, $once_repeats) and load(NAME), the
#                                BENCH line of $tmp/NAME.result as a dict, defined
threads="${BENCH_THREADS:-2}"
connections="${BENCH_CONNECTIONS:-64}"
duration="${BENCH_DURATION:-15s}"
once_repeats="${BENCH_ONCE_REPEATS:-3}"
server_pid=""

bench_need_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> installing wrk (apt-get)"
      apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    else
      echo "wrk is missing: apt-get install wrk (as root)" >&2
      exit 1
    fi
  fi
  command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
  command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }
}

bench_build() {
  echo "==> building target/release/landtrace"
  cargo build --release --locked -p landtrace-cli
  bin=target/release/landtrace
}

bench_tmp() {
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  bench_extra_cleanup="${2:-}"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  bench_stop_server
  if [ -n "$bench_extra_cleanup" ]; then "$bench_extra_cleanup"; fi
  rm -rf "$tmp"
}

bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bench_wait_up() {
  local name=$1 base=$2 log=$3
  for _ in $(seq 1 600); do
    if curl -fsS "$base/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "$name did not come up; log:" >&2
  cat "$log" >&2
  exit 1
}

bench_stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

bench_tile_list() {
  python3 "$here/tile_list.py" >"$1" 2>"$tmp/tiles.summary"
  echo "    $(cat "$tmp/tiles.summary")"
  count="$(wc -l <"$1")"
}

bench_machine() {
  echo "==> machine: $(nproc) CPUs ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)), shared by $1;" \
    "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_load_after() {
  echo "==> load after the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews the numbers)"
}

bench_wrk() {
  local stem=$1 label=$2 base=$3 list=$4 mode=$5 dur=$6 show=$7
  local cmd=(wrk -t"$threads" -c"$connections" -d"$dur" --timeout 10s --latency -s "$here/tiles.lua" "$base"
    -- "$list" "$mode" "$threads" "$tmp/done")
  rm -rf "$tmp/done" && mkdir "$tmp/done"
  echo "==> $label: wrk -t$threads -c$connections -d$dur --latency ($mode)"
  if [ "$show" = report ]; then
    "${cmd[@]}" | tee "$stem.out"
    grep '^BENCH ' "$stem.out" | tail -1 >"$stem.result"
  else
    "${cmd[@]}" >"$stem.out"
    grep '^BENCH ' "$stem.out" | tail -1 | tee "$stem.result"
  fi
}

bench_summary() {
  local preamble='import sys
tmp, count, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    line = open(f"{tmp}/{name}.result").read().split()[1:]
    return dict(kv.split("=", 1) for kv in line)
'
  python3 -c "$preamble$(cat)" "$tmp" "$count" "$once_repeats"
}
