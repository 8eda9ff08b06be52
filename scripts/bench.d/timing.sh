# Sourced by the import benchmarks (import.sh, trace_import.sh): runs of a command
# on a fresh copy of "$work/base.gpkg" each time.
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
