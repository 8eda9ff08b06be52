#!/usr/bin/env bash
# Spreadsheet import benchmark: scripts/bench trace-import
# (docs/benchmarks.md, "Origin-point spreadsheet import against GDAL").
#
# The same CSV of the agriculture collection form (BENCH_ROWS rows, default 20,000,
# generated deterministically from data/demo/origin_points.geojson) is loaded into a
# GeoPackage by `landtrace trace import` (every row checked: divisions, phones, units,
# thresholds, the county boundary; one audit row per record) and by GDAL's
# `ogr2ogr` (no checks). Best and median of BENCH_RUNS runs (default 3) each, on a
# fresh copy of the store every run; the loaded feature counts are verified.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${BENCH_ROWS:-20000}"
# shellcheck source=scripts/bench.d/timing.sh
. scripts/bench.d/timing.sh
bench_setup trace-import

python3 - "$rows" "$work/form.csv" <<'PY'
import json, sys
rows, out = int(sys.argv[1]), sys.argv[2]
feats = json.load(open("data/demo/origin_points.geojson"))["features"]
head = "序号,种养殖主体名称,主体类型,所属行业,产品名称,基地地址,乡镇,经度,纬度,联系人,联系方式,种养规模,规模单位,生产方式,追溯方式,采集日期\n"
with open(out, "w", encoding="utf-8") as f:
    f.write(head)
    for i in range(rows):
        p = feats[i % len(feats)]["properties"]
        x, y = feats[i % len(feats)]["geometry"]["coordinates"]
        f.write(f"{i + 1},示例主体{i:06d},{p['subject_type']},{p['industry']},{p['product']},示例地址{i},"
                f"{p['township_code']},{x},{y},示例人{i % 97},1380000{i % 10000:04d},{p['scale']},{p['scale_unit']},"
                f"{p.get('production_mode') or '露地'},承诺达标合格证,2023-06-{1 + i % 28:02d}\n")
PY
"$bin" layers --store "$work/base.gpkg" --data data >/dev/null
base_count="$(ogrinfo -so "$work/base.gpkg" origin_points | sed -n 's/^Feature Count: //p')"

{
  time_runs landtrace-import "$bin" trace import "$work/form.csv" --store "$work/s.gpkg"
  ours="$(ogrinfo -so "$work/s.gpkg" origin_points | sed -n 's/^Feature Count: //p')"
  [ "$ours" -eq $((base_count + rows)) ] || { echo "landtrace stored $ours, expected $((base_count + rows))" >&2; exit 1; }
  time_runs landtrace-dry-run "$bin" trace import "$work/form.csv" --store "$work/s.gpkg" --dry-run
  time_runs gdal-ogr2ogr ogr2ogr -f GPKG "$work/g.gpkg" "$work/form.csv" -oo X_POSSIBLE_NAMES=经度 \
    -oo Y_POSSIBLE_NAMES=纬度 -oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:4326 -nln origin_points
  theirs="$(ogrinfo -so "$work/g.gpkg" origin_points | sed -n 's/^Feature Count: //p')"
  [ "$theirs" -eq "$rows" ] || { echo "ogr2ogr stored $theirs, expected $rows" >&2; exit 1; }
} | tee "$work/bench.txt"
echo "machine: $(nproc) cores, $(uname -r); $(ogrinfo --version)"
python3 - "$rows" "$work/bench.txt" <<'PY'
import statistics, sys
rows = int(sys.argv[1]); times = {}
for line in open(sys.argv[2]):
    if line.startswith("BENCH "):
        _, name, t = line.split(); times.setdefault(name, []).append(float(t))
gdal = min(times["gdal-ogr2ogr"])
print(f"| run | best | median | rows/s (best) | vs ogr2ogr (best) |")
print(f"| --- | --- | --- | --- | --- |")
for name in ["landtrace-import", "landtrace-dry-run", "gdal-ogr2ogr"]:
    t = times[name]
    print(f"| {name} ({rows:,} rows) | {min(t):.3f} s | {statistics.median(t):.3f} s | {rows / min(t):,.0f} | {min(t) / gdal:.2f}x the time |")
PY
