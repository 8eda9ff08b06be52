#!/usr/bin/env bash
# Layer import benchmark: scripts/bench import
# (docs/benchmarks.md, "Layer import against GDAL").
#
# Two deterministic files over 临猗县, made by this script: BENCH_POINTS points as
# GeoJSON (default 1,000,000) for `waterlogging_points`, and BENCH_POLYGONS polygons
# (default 100,000, 5 vertices each) converted once to an ESRI Shapefile for
# `consolidation_projects`. Each is loaded into a GeoPackage by `landtrace import`
# (every feature checked against the layer's schema and polygon validity through the
# one write path, one audit row each, all or nothing) and by GDAL's `ogr2ogr -f GPKG`
# (no checks, no audit) into a new GeoPackage. Best and median of BENCH_RUNS runs
# (default 3) each, on a fresh copy of the store every run; counts are verified.
#
# BENCH_OLD=path/to/landtrace times that binary too, in the same run on the same files
# (e.g. a copy of the release binary before a change): rows "landtrace (old)".
#
# A file imported on the machine takes up to 2,000,000 features in one write
# (input_limits::Door::FileImport); an HTTP request keeps 100,000.
set -euo pipefail
cd "$(dirname "$0")/../.."
points="${BENCH_POINTS:-1000000}"
polygons="${BENCH_POLYGONS:-100000}"
old="${BENCH_OLD:-}"
# shellcheck source=scripts/bench.d/timing.sh
. scripts/bench.d/timing.sh
bench_setup import

python3 - "$points" "$polygons" "$work" <<'PY'
import json, random, sys
points, polygons, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(13)
# Inside the county's box, away from its edges.
W, S, E, N = 110.35, 34.95, 110.95, 35.35
statuses = ["待治理", "治理中", "已消除"]
with open(f"{work}/points.geojson", "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    for i in range(points):
        x, y = rng.uniform(W, E), rng.uniform(S, N)
        props = {"name": f"积水点{i:07d}", "status": statuses[i % 3], "accuracy": "illustrative"}
        f.write(("," if i else "") + json.dumps({"type": "Feature", "properties": props,
                "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]}}, ensure_ascii=False) + "\n")
    f.write("]}\n")
types = ["增减挂钩", "土地整治"]
with open(f"{work}/polygons.geojson", "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    for i in range(polygons):
        x, y = rng.uniform(W, E - 0.002), rng.uniform(S, N - 0.002)
        d = rng.uniform(0.0003, 0.0015)
        ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
        ring = [[round(a, 7), round(b, 7)] for a, b in ring]
        props = {"name": f"整治项目{i:07d}", "project_type": types[i % 2], "accuracy": "illustrative"}
        f.write(("," if i else "") + json.dumps({"type": "Feature", "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [ring]}}, ensure_ascii=False) + "\n")
    f.write("]}\n")
PY
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$work/polygons.shp" "$work/polygons.geojson"
# A shapefile's field names stop at 10 characters: project_type is project_ty there.
printf 'name = "name"\nproject_type = "project_ty"\naccuracy = "accuracy"\n' >"$work/fields.toml"
"$bin" layers --store "$work/base.gpkg" --data data >/dev/null
count() { ogrinfo -so "$1" "$2" | sed -n 's/^Feature Count: //p'; }
base_points="$(count "$work/base.gpkg" waterlogging_points)"
base_polygons="$(count "$work/base.gpkg" consolidation_projects)"

expect() { # what, got, wanted
  [ "$2" -eq "$3" ] || { echo "$1: stored $2, expected $3" >&2; exit 1; }
}
{
  time_runs points-landtrace "$bin" import waterlogging_points "$work/points.geojson" --store "$work/s.gpkg"
  expect "landtrace points" "$(count "$work/s.gpkg" waterlogging_points)" $((base_points + points))
  if [ -n "$old" ]; then
    time_runs points-old "$old" import waterlogging_points "$work/points.geojson" --store "$work/s.gpkg"
    expect "old landtrace points" "$(count "$work/s.gpkg" waterlogging_points)" $((base_points + points))
  fi
  time_runs points-ogr2ogr ogr2ogr -f GPKG "$work/g.gpkg" "$work/points.geojson" -nln waterlogging_points
  expect "ogr2ogr points" "$(count "$work/g.gpkg" waterlogging_points)" "$points"
  time_runs polygons-landtrace "$bin" import consolidation_projects "$work/polygons.shp" \
    --fields "$work/fields.toml" --store "$work/s.gpkg"
  expect "landtrace polygons" "$(count "$work/s.gpkg" consolidation_projects)" $((base_polygons + polygons))
  if [ -n "$old" ]; then
    time_runs polygons-old "$old" import consolidation_projects "$work/polygons.shp" \
      --fields "$work/fields.toml" --store "$work/s.gpkg"
    expect "old landtrace polygons" "$(count "$work/s.gpkg" consolidation_projects)" $((base_polygons + polygons))
  fi
  time_runs polygons-ogr2ogr ogr2ogr -f GPKG "$work/g.gpkg" "$work/polygons.shp" -nln consolidation_projects \
    -nlt PROMOTE_TO_MULTI
  expect "ogr2ogr polygons" "$(count "$work/g.gpkg" consolidation_projects)" "$polygons"
} | tee "$work/bench.txt"
echo "machine: $(nproc) cores, $(uname -r); $(ogrinfo --version); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$points" "$polygons" "$work/bench.txt" <<'PY'
import statistics, sys
n = {"points": int(sys.argv[1]), "polygons": int(sys.argv[2])}
times = {}
for line in open(sys.argv[3]):
    if line.startswith("BENCH "):
        _, name, t = line.split(); times.setdefault(name, []).append(float(t))
print("| run | best | median | features/s (best) | vs ogr2ogr (best) |")
print("| --- | --- | --- | --- | --- |")
for kind in ["points", "polygons"]:
    gdal = min(times[f"{kind}-ogr2ogr"])
    for tool in ["landtrace", "old", "ogr2ogr"]:
        if f"{kind}-{tool}" not in times:
            continue
        t = times[f"{kind}-{tool}"]
        shown = "landtrace (old)" if tool == "old" else tool
        print(f"| {kind} ({n[kind]:,}), {shown} | {min(t):.3f} s | {statistics.median(t):.3f} s | "
              f"{n[kind] / min(t):,.0f} | {min(t) / gdal:.2f}x the time |")
PY
