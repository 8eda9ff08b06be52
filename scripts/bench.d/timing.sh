# Sourced by the import benchmarks (import.sh, trace_import.sh): their set-up, and
# runs of a command on a fresh copy of "$work/base.gpkg" each time.
#
# bench_setup NAME: checks for GDAL's tools and python3, builds the release binary,
# sets $bin to it and $work to a scratch folder removed on exit.
bench_setup() {
  local tool
  for tool in ogr2ogr ogrinfo python3; do
    command -v "$tool" >/dev/null || { echo "$1 benchmark needs $tool (apt-get install gdal-bin python3)" >&2; exit 1; }
  done
  cargo build --release --locked -p landtrace-cli
  bin="${CARGO_TARGET_DIR:-$PWD/target}/release/landtrace"
  work="$(mktemp -d "/tmp/landtrace-bench-$1.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
}

#
# time_runs NAME COMMAND...: BENCH_RUNS (default 3) runs, each after copying the base
# store to "$work/s.gpkg" and removing "$work/g.gpkg" (GDAL's output); prints one
# "BENCH NAME SECONDS" line per run; stops the benchmark if a run fails.
time_runs() {
  local name="$1"; shift
  for _ in $(seq "${BENCH_RUNS:-3}"); do
    cp "$work/base.gpkg" "$work/s.gpkg"; rm -f "$work/g.gpkg"
    local t0 t1
    t0="$(date +%s.%N)"; "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }; t1="$(date +%s.%N)"
    echo "BENCH $name $(python3 -c "print(f'{$t1 - $t0:.3f}')")"
  done
}
