#!/usr/bin/env python3
"""Generate the bundled ILLUSTRATIVE demo layers of landtrace for 临猗县 (adcode 140821).

    python3 scripts/prepare-demo-data.py

Writes WGS84 (EPSG:4326, lon/lat) GeoJSON FeatureCollections to data/demo/<table_name>.geojson,
with table and property names exactly as in crates/domain/src/layers.rs, and copies the official
township/village code list to data/divisions/.

Everything written to data/demo/ is invented or placed approximately ("accuracy": "illustrative"):
the gazette (临猗县人民政府公报 2023年第2期) publishes texts and tables, not maps. Do not use the
demo layers for any decision.

Python 3.11 standard library only. Deterministic: fixed random seeds, coordinates rounded to
7 decimals, stable ordering; re-running gives byte-identical files.

Inputs (first existing location wins):
  * yuncheng-counties-gcj02.geojson and linyi-townships-villages.csv (+ LICENSE-china-division):
    $LANDTRACE_SHARED_DATA, /work/shared/data/admin-boundaries, data/divisions (CSV only)
  * optional check: data/boundaries/yuncheng-counties-wgs84.geojson (feature adcode 140821)

County containment: every generated point/vertex is placed so that it is inside the GCJ-02 county
boundary (after converting the WGS84 point to GCJ-02) and at least 1.5 km from that boundary; this
rule alone decides the placement, so the output does not depend on whether the WGS84 boundary file
exists. If the WGS84 file exists, the script additionally asserts that every point/vertex is inside
it with a margin of at least 300 m.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
DIVISIONS = ROOT / "data" / "divisions"
WGS84_BOUNDARIES = ROOT / "data" / "boundaries" / "yuncheng-counties-wgs84.geojson"
SHARED_CANDIDATES = [
    Path(os.environ["LANDTRACE_SHARED_DATA"]) if os.environ.get("LANDTRACE_SHARED_DATA") else None,
    Path("/work/shared/data/admin-boundaries"),
]
COUNTY_ADCODE = "140821"

ILLUSTRATIVE = "illustrative"

# --------------------------------------------------------------------------------------------
# Local metric frame around the urban centre of 猗氏镇 (county seat).
# --------------------------------------------------------------------------------------------
LON0 = 110.775
LAT0 = 35.140
WGS84_A = 6378137.0
WGS84_E2 = 0.00669437999014


def _kx(lat: float) -> float:
    """Metres per degree of longitude at `lat` on the WGS84 ellipsoid (N cos(phi) * pi/180)."""
    p = math.radians(lat)
    return math.pi / 180.0 * WGS84_A * math.cos(p) / math.sqrt(1.0 - WGS84_E2 * math.sin(p) ** 2)


def _ky(lat: float) -> float:
    """Metres per degree of latitude at `lat` on the WGS84 ellipsoid (meridional radius M * pi/180)."""
    p = math.radians(lat)
    return math.pi / 180.0 * WGS84_A * (1.0 - WGS84_E2) / (1.0 - WGS84_E2 * math.sin(p) ** 2) ** 1.5


KX0 = _kx(LAT0)  # ~91,135 m per degree of longitude
KY0 = _ky(LAT0)  # ~110,943 m per degree of latitude
# The simple constants of the brief, used only to print a second area figure for comparison.
KX_SIMPLE = 91040.0
KY_SIMPLE = 110950.0


def r7(v: float) -> float:
    return round(v, 7)


def ll(x: float, y: float, lon0: float = LON0, lat0: float = LAT0) -> tuple[float, float]:
    """Local metres (east, north) from (lon0, lat0) -> WGS84 lon/lat rounded to 7 decimals."""
    return (r7(lon0 + x / KX0), r7(lat0 + y / KY0))


def xy(p: tuple[float, float]) -> tuple[float, float]:
    """WGS84 lon/lat -> local metres (east, north) from the urban centre."""
    return ((p[0] - LON0) * KX0, (p[1] - LAT0) * KY0)


def ring_area_m2(ring: list) -> float:
    """Signed area (m², CCW positive) of a lon/lat ring on the WGS84 ellipsoid, computed in the
    ellipsoidal sinusoidal projection centred at the county seat (an equal-area projection)."""
    pts = [((p[0] - LON0) * _kx(p[1]), (p[1] - LAT0) * KY0) for p in ring]
    return _shoelace(pts)


def ring_area_simple_m2(ring: list) -> float:
    pts = [((p[0] - LON0) * KX_SIMPLE, (p[1] - LAT0) * KY_SIMPLE) for p in ring]
    return _shoelace(pts)


def _shoelace(pts: list) -> float:
    s = 0.0
    n = len(pts)
    for i in range(n):
        x1, y1 = pts[i]
        x2, y2 = pts[(i + 1) % n]
        s += x1 * y2 - x2 * y1
    return s / 2.0


def multipolygon_area_m2(mp: list, simple: bool = False) -> float:
    f = ring_area_simple_m2 if simple else ring_area_m2
    total = 0.0
    for poly in mp:
        total += abs(f(poly[0]))
        for hole in poly[1:]:
            total -= abs(f(hole))
    return total


# --------------------------------------------------------------------------------------------
# Planar geometry helpers (work on lon/lat rings; distances in local metres).
# Rings are lists of (lon, lat) WITHOUT the closing vertex; closing happens on output.
# --------------------------------------------------------------------------------------------


def point_in_ring(p, ring) -> bool:
    x, y = p
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            xc = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xc:
                inside = not inside
        j = i
    return inside


def point_in_polygon(p, poly) -> bool:
    if not point_in_ring(p, poly[0]):
        return False
    return not any(point_in_ring(p, h) for h in poly[1:])


def point_in_multipolygon(p, mp) -> bool:
    return any(point_in_polygon(p, poly) for poly in mp)


def _seg_dist_m(p, a, b) -> float:
    px, py = xy(p)
    ax, ay = xy(a)
    bx, by = xy(b)
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L))
    return math.hypot(ax + t * dx - px, ay + t * dy - py)


def dist_to_ring_m(p, ring) -> float:
    n = len(ring)
    return min(_seg_dist_m(p, ring[i], ring[(i + 1) % n]) for i in range(n))


def dist_to_boundary_m(p, mp) -> float:
    return min(dist_to_ring_m(p, r) for poly in mp for r in poly)


def _segments_cross(a, b, c, d) -> bool:
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4:
        return True

    def on(p, q, r):
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    return (o1 == 0 and on(a, b, c)) or (o2 == 0 and on(a, b, d)) or (o3 == 0 and on(c, d, a)) or (
        o4 == 0 and on(c, d, b)
    )


def rings_touch(r1, r2) -> bool:
    n1, n2 = len(r1), len(r2)
    for i in range(n1):
        a, b = r1[i], r1[(i + 1) % n1]
        for j in range(n2):
            if _segments_cross(a, b, r2[j], r2[(j + 1) % n2]):
                return True
    return False


def ring_is_simple(r) -> bool:
    n = len(r)
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            if _segments_cross(r[i], r[(i + 1) % n], r[j], r[(j + 1) % n]):
                return False
    return True


def ring_inside(inner, outer, gap_m: float) -> bool:
    """True if ring `inner` lies strictly inside ring `outer`, at least gap_m from its edges."""
    if rings_touch(inner, outer):
        return False
    if not all(point_in_ring(p, outer) for p in inner):
        return False
    if any(point_in_ring(p, inner) for p in outer):
        return False
    return all(dist_to_ring_m(p, outer) >= gap_m for p in inner) and all(
        dist_to_ring_m(p, inner) >= gap_m for p in outer
    )


def rings_disjoint(r1, r2, gap_m: float) -> bool:
    if rings_touch(r1, r2):
        return False
    if any(point_in_ring(p, r2) for p in r1) or any(point_in_ring(p, r1) for p in r2):
        return False
    return all(dist_to_ring_m(p, r2) >= gap_m for p in r1) and all(dist_to_ring_m(p, r1) >= gap_m for p in r2)


def ccw(ring):
    return ring if ring_area_m2(ring) > 0 else list(reversed(ring))


def cw(ring):
    return list(reversed(ccw(ring)))


def centroid(ring):
    """Area centroid of a lon/lat ring (planar in degrees, fine at this size)."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        c = x1 * y2 - x2 * y1
        a += c
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    a /= 2.0
    return (r7(cx / (6 * a)), r7(cy / (6 * a)))


# --------------------------------------------------------------------------------------------
# GCJ-02 <-> WGS84 (the public "China offset" formulas; used only to test points against the
# GCJ-02 county boundary; accuracy ~1 m for the forward formula, which is all we need here).
# --------------------------------------------------------------------------------------------
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def _gcj_dlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _gcj_dlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    dlat = _gcj_dlat(lon - 105.0, lat - 35.0)
    dlon = _gcj_dlon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    m = 1.0 - _GCJ_EE * math.sin(rad) ** 2
    sm = math.sqrt(m)
    dlat = dlat * 180.0 / ((_GCJ_A * (1.0 - _GCJ_EE)) / (m * sm) * math.pi)
    dlon = dlon * 180.0 / (_GCJ_A / sm * math.cos(rad) * math.pi)
    return (lon + dlon, lat + dlat)


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def find_input(name: str, extra: list[Path] = ()) -> Path:
    for d in [c for c in SHARED_CANDIDATES if c is not None] + list(extra):
        if (d / name).is_file():
            return d / name
    sys.exit(f"error: input file {name} not found in {SHARED_CANDIDATES + list(extra)}")


def load_county(path: Path):
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    for feat in fc["features"]:
        if str(feat["properties"].get("adcode")) == COUNTY_ADCODE:
            g = feat["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            # drop closing vertices
            return [[[tuple(c) for c in r[:-1]] for r in poly] for poly in polys]
    sys.exit(f"error: no feature with adcode {COUNTY_ADCODE} in {path}")


GCJ_PATH = find_input("yuncheng-counties-gcj02.geojson", [ROOT / "data" / "boundaries"])
COUNTY_GCJ = load_county(GCJ_PATH)
COUNTY_WGS = load_county(WGS84_BOUNDARIES) if WGS84_BOUNDARIES.is_file() else None
GCJ_MARGIN_M = 1500.0
WGS_MARGIN_M = 300.0


def _dist_gcj_m(g, mp):
    # distances in the GCJ frame: same local scale as WGS84 (the offset is ~500 m, scales identical)
    return min(
        _seg_dist_m(g, r[i], r[(i + 1) % len(r)]) for poly in mp for r in poly for i in range(len(r))
    )


def in_county(p) -> bool:
    """Placement rule: inside the GCJ-02 county boundary, >= 1.5 km from it."""
    g = wgs84_to_gcj02(*p)
    return point_in_multipolygon(g, COUNTY_GCJ) and _dist_gcj_m(g, COUNTY_GCJ) >= GCJ_MARGIN_M


def check_in_county_wgs(p, what: str) -> None:
    if COUNTY_WGS is None:
        return
    assert point_in_multipolygon(p, COUNTY_WGS), f"{what} {p} outside the WGS84 county boundary"
    d = dist_to_boundary_m(p, COUNTY_WGS)
    assert d >= WGS_MARGIN_M, f"{what} {p} only {d:.0f} m from the WGS84 county boundary"


def read_divisions(path: Path):
    towns, villages = {}, {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "township":
                towns[row["code"]] = row["name"]
            elif row["kind"] == "village":
                villages.setdefault(row["parent_code"], []).append((row["code"], row["name"]))
    for v in villages.values():
        v.sort()
    return towns, villages


def short_village(name: str) -> str:
    for suffix in ("社区居民委员会", "居民委员会", "村委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


DIV_CSV = find_input("linyi-townships-villages.csv", [DIVISIONS])
DIV_LICENSE = find_input("LICENSE-china-division", [DIVISIONS])
TOWNS, VILLAGES = read_divisions(DIV_CSV)
TOWN_CODE = {name: code for code, name in TOWNS.items()}
assert len(TOWNS) == 14, f"expected 14 townships, got {len(TOWNS)}"
assert sum(len(v) for v in VILLAGES.values()) == 284, "expected 284 villages/communities"

# Approximate WGS84 positions of the township seats (from general knowledge of the county's
# geography; NOT surveyed, may be off by kilometres). Listed in data/README.md.
TOWN_SEATS = {
    "猗氏镇": (110.775, 35.140),
    "嵋阳镇": (110.825, 35.205),
    "临晋镇": (110.555, 35.150),
    "七级镇": (110.600, 35.225),
    "东张镇": (110.480, 35.180),
    "孙吉镇": (110.465, 35.245),
    "三管镇": (110.690, 35.070),
    "牛杜镇": (110.840, 35.085),
    "耽子镇": (110.600, 35.060),
    "角杯镇": (110.410, 35.100),
    "楚侯乡": (110.830, 35.160),
    "庙上乡": (110.680, 35.170),
    "北辛乡": (110.720, 35.085),
    "北景乡": (110.780, 35.220),
}
assert set(TOWN_SEATS) == set(TOWN_CODE), "township seat names must match the official list"
for _name, _p in TOWN_SEATS.items():
    assert in_county(_p), f"seat of {_name} too close to / outside the county boundary"


def village_label(name: str) -> str:
    """黄斗景村委会 -> 黄斗景村, 王村村委会 -> 王村."""
    short = short_village(name)
    return short if short.endswith("村") or not name.endswith("村委会") else short + "村"


def village_code(town: str, village: str) -> str:
    code = TOWN_CODE.get(town)
    if code is None:
        sys.exit(f"error: township {town} not in the official list")
    # the list writes 黄斗景村委会 (village 黄斗景) but 王村村委会 (village 王村): accept both forms
    hits = [c for c, n in VILLAGES[code] if village in (n, short_village(n), short_village(n) + "村")]
    if len(hits) != 1:
        sys.exit(f"error: village {town}{village} found {len(hits)} times in the official list")
    return hits[0]


# --------------------------------------------------------------------------------------------
# Shape generation
# --------------------------------------------------------------------------------------------


def radial_ring_m(rng, n, a, b, jitter, rot_deg=0.0, ang_jitter=0.25):
    """Irregular star-shaped ring (metres, CCW) around (0,0) based on an a x b ellipse."""
    rot = math.radians(rot_deg)
    out = []
    for k in range(n):
        t = 2.0 * math.pi * (k + rng.uniform(-ang_jitter, ang_jitter)) / n
        re = a * b / math.sqrt((b * math.cos(t)) ** 2 + (a * math.sin(t)) ** 2)
        r = re * (1.0 + rng.uniform(-jitter, jitter))
        x, y = r * math.cos(t), r * math.sin(t)
        out.append((x * math.cos(rot) - y * math.sin(rot), x * math.sin(rot) + y * math.cos(rot)))
    return out


def scaled_ring(ring_m, cx, cy, target_m2, lon0=LON0, lat0=LAT0):
    """Scale a metre ring about its origin so that the rounded lon/lat ring has `target_m2`."""
    s = 1.0
    for _ in range(6):
        ring = [ll(cx + s * x, cy + s * y, lon0, lat0) for x, y in ring_m]
        s *= math.sqrt(target_m2 / abs(ring_area_m2(ring)))
    ring = [ll(cx + s * x, cy + s * y, lon0, lat0) for x, y in ring_m]
    assert ring_is_simple(ring)
    return ccw(ring)


def close(ring):
    return [[p[0], p[1]] for p in ring] + [[ring[0][0], ring[0][1]]]


def mp_geom(polys):
    """polys: list of [outer, hole, ...] rings (unclosed) -> GeoJSON MultiPolygon (RFC 7946 winding)."""
    coords = []
    for poly in polys:
        rings = [close(ccw(poly[0]))] + [close(cw(h)) for h in poly[1:]]
        coords.append(rings)
    return {"type": "MultiPolygon", "coordinates": coords}


def pt_geom(p):
    return {"type": "Point", "coordinates": [p[0], p[1]]}


def feature(props, geom):
    return {"type": "Feature", "properties": {k: v for k, v in props.items() if v is not None}, "geometry": geom}


def assert_polygon_in_county(ring, what):
    for p in ring:
        assert in_county(p), f"{what}: vertex {p} too close to / outside the county boundary"


# --------------------------------------------------------------------------------------------
# 1. Urban land-grade zones, truck-ban zone, expropriation areas
# --------------------------------------------------------------------------------------------
KM2 = 1_000_000.0
UNION_KM2 = 30.42  # 临政发〔2023〕8号: central urban area 30.42 km² graded
G1_NET_KM2 = 3.5
HOLE_KM2 = 0.1
G2_NET_KM2 = 9.0
G1_OUTER_KM2 = G1_NET_KM2 + HOLE_KM2  # 3.6
G2_OUTER_KM2 = G1_OUTER_KM2 + G2_NET_KM2 - HOLE_KM2  # 12.5 (grade-1 ∪ grade-2)

SRC_URBAN = (
    "illustrative: invented shape around the county seat, total area sized to the 30.42 km² graded "
    "under 临政发〔2023〕8号 (the grade map is not published); not surveyed"
)
SRC_TRUCK = (
    "illustrative: digitised approximately from the gazette text 临政发〔2023〕5号 (boundary road "
    "centrelines placed approximately, see data/README.md); not surveyed"
)
SRC_EXPRO = "illustrative: placed approximately from the 四至 text of {doc}; not surveyed"

rng_u = random.Random(1408210001)
G1 = scaled_ring(radial_ring_m(rng_u, 14, 1150, 1000, 0.10, rot_deg=10), 0, 0, G1_OUTER_KM2 * KM2)
HOLE = scaled_ring(radial_ring_m(rng_u, 7, 190, 165, 0.12), -350, 420, HOLE_KM2 * KM2)
G2 = scaled_ring(radial_ring_m(rng_u, 18, 2300, 1730, 0.06), 0, 0, G2_OUTER_KM2 * KM2)
G3 = scaled_ring(radial_ring_m(rng_u, 24, 3550, 2730, 0.045), 0, 0, UNION_KM2 * KM2)
assert 8 <= len(G1) <= 20
assert ring_inside(HOLE, G1, 100), "grade-1 hole must lie inside the grade-1 core"
assert ring_inside(G1, G2, 300), "grade-1 core must lie inside grade-2 outer ring"
assert ring_inside(G2, G3, 300), "grade-2 outer ring must lie inside grade-3 outer ring"

# Each zone reuses the exact vertex lists of its neighbours: no gaps, no overlaps.
URBAN_MP = {
    1: [[G1, HOLE]],
    2: [[G2, G1], [HOLE]],
    3: [[G3, G2]],
}
URBAN_NAMES = {1: "城区一级地", 2: "城区二级地", 3: "城区三级地"}


def _line(p, q):
    """Line through p, q as (a, b, c) with a*x + b*y = c, unit normal (a, b) pointing left of p->q."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    L = math.hypot(dx, dy)
    a, b = -dy / L, dx / L
    return (a, b, a * p[0] + b * p[1])


def _offset(line, d):
    a, b, c = line
    return (a, b, c + d)


def _meet(l1, l2):
    a1, b1, c1 = l1
    a2, b2, c2 = l2
    det = a1 * b2 - a2 * b1
    return ((c1 * b2 - c2 * b1) / det, (a1 * c2 - a2 * c1) / det)


# Road centrelines (local metres from the centre), ILLUSTRATIVE positions; listed in data/README.md.
# Each is oriented so that the zone lies to its LEFT; the zone edge is the centreline offset 20 m.
ROADS_M = {
    "丰喜大道": ((-2900, -1790), (2900, -1710)),  # south boundary, west -> east
    "东环路": ((2240, -2400), (2290, 2400)),  # east boundary, south -> north
    "峨嵋大道": ((2900, 1800), (-2900, 1700)),  # north boundary, east -> west
    "西环路": ((-2220, 2400), (-2260, -2400)),  # west boundary, north -> south
    # notch at the north-east: 五一路 north of 五一北岗 and 北环路 west of 五一北岗 are excluded
    "五一路": ((1500, -1500), (1500, 1800)),  # south -> north; 五一北岗 is at (1500, 1300)
    "北环路": ((1500, 1300), (780, 1800)),  # from 五一北岗 north-west to 峨嵋大道
}
INSET_M = 20.0
WUYI_BEIGANG_M = (1500, 1300)

_S = _offset(_line(*ROADS_M["丰喜大道"]), INSET_M)
_E = _offset(_line(*ROADS_M["东环路"]), INSET_M)
_N = _offset(_line(*ROADS_M["峨嵋大道"]), INSET_M)
_W = _offset(_line(*ROADS_M["西环路"]), INSET_M)
# The notch: the excluded stretches and the land between them; the zone stays 20 m away from
# 五一路 (zone east of it) and from 北环路 (zone south-west of it).
_WUYI_E = _offset(_line(ROADS_M["五一路"][1], ROADS_M["五一路"][0]), INSET_M)  # left of N->S = east
_BEIHUAN_SW = _offset(_line(ROADS_M["北环路"][1], ROADS_M["北环路"][0]), INSET_M)  # left of NW->SE = SW
TRUCK_M = [
    _meet(_W, _S),  # SW
    _meet(_S, _E),  # SE
    _meet(_E, _N),  # NE
    _meet(_N, _WUYI_E),  # north edge at 五一路 (+20 m east)
    _meet(_WUYI_E, _BEIHUAN_SW),  # apex near 五一北岗
    _meet(_BEIHUAN_SW, _N),  # north edge at 北环路 (+20 m south-west)
    _meet(_N, _W),  # NW
]
TRUCK = ccw([ll(x, y) for x, y in TRUCK_M])
assert ring_is_simple(TRUCK)
# Issue 15: the zone is the land between the boundary road centrelines (no notch: the land
# between the excluded stretches and 峨嵋大道 is in the zone); the road surfaces (a road layer,
# `truck_ban_roads`: centreline + width) are not in it. `TRUCK` (inset 20 m, notched) is kept
# only as the placement area of the other demo data, so that their positions do not change.
_S0, _E0, _N0, _W0 = (_line(*ROADS_M[r]) for r in ("丰喜大道", "东环路", "峨嵋大道", "西环路"))
TRUCK_ZONE_M = [_meet(_W0, _S0), _meet(_S0, _E0), _meet(_E0, _N0), _meet(_N0, _W0)]
TRUCK_ZONE = ccw([ll(x, y) for x, y in TRUCK_ZONE_M])
assert ring_is_simple(TRUCK_ZONE)
# Road widths, metres (ILLUSTRATIVE, until the traffic police supply surveyed ones).
ROAD_WIDTH_M = {"丰喜大道": 40.0, "东环路": 30.0, "峨嵋大道": 40.0, "西环路": 30.0, "五一路": 24.0, "北环路": 24.0}
_WUYI_TOP = _meet(_line(*ROADS_M["五一路"]), _N0)
_BEIHUAN_TOP = _meet(_line(*ROADS_M["北环路"]), _N0)
TRUCK_ROADS = [
    # (name, role, side or stretch, centreline in local metres)
    ("丰喜大道", "boundary", "south", ROADS_M["丰喜大道"]),
    ("东环路", "boundary", "east", ROADS_M["东环路"]),
    ("峨嵋大道", "boundary", "north", ROADS_M["峨嵋大道"]),
    ("西环路", "boundary", "west", ROADS_M["西环路"]),
    ("五一路", "excluded", "五一北岗以北", (WUYI_BEIGANG_M, _WUYI_TOP)),
    ("北环路", "excluded", "五一北岗以西", (WUYI_BEIGANG_M, _BEIHUAN_TOP)),
]


def road_surface_m(p, q, width):
    """The road surface of centreline p->q: the rectangle width/2 either side (flat ends)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    L = math.hypot(dx, dy)
    nx, ny = -dy / L * width / 2, dx / L * width / 2
    return [(p[0] + nx, p[1] + ny), (p[0] - nx, p[1] - ny), (q[0] - nx, q[1] - ny), (q[0] + nx, q[1] + ny)]
assert ring_inside(TRUCK, G3, 100), "truck-ban zone must lie inside the graded urban area"
TRUCK_PROPS = {
    "name": "城区货车禁行区域",
    "hours": "06:00-22:00",
    "document": "临政发〔2023〕5号",
    "in_force": "2023-03-01",
    "accuracy": ILLUSTRATIVE,
    "source": SRC_TRUCK,
}

# Expropriation areas near the old town centre (metres). Sides follow the 四至 of the decisions.
EXPRO = [
    {
        "project": "壕村小区及油厂家属院",
        "decision_no": "临政发〔2023〕10号",
        "east": "东城路",
        "west": "铭基云台府项目",
        "north": "古城墙",
        "south": "规划的古坊街",
        # S side = 古坊街, E side = 东城路, N side (kinked) = old city wall, W side = 铭基云台府
        "ring_m": [(250, 120), (515, 110), (525, 330), (390, 348), (255, 326)],
    },
    {
        "project": "国税局家属院（鑫星小区）",
        "decision_no": "临政发〔2023〕11号",
        "east": "外贸小区",
        "west": "临猗二中",
        "north": "丽庭书苑项目",
        "south": "府西街",
        "ring_m": [(-560, -430), (-362, -436), (-355, -242), (-458, -238), (-555, -236)],
    },
]
for e in EXPRO:
    e["ring"] = ccw([ll(x, y) for x, y in e["ring_m"]])
    a = abs(ring_area_m2(e["ring"])) / KM2
    assert 0.03 <= a <= 0.08, f"{e['project']}: area {a:.4f} km² outside 0.03-0.08"
    assert ring_inside(e["ring"], G1, 50), f"{e['project']} must lie inside the grade-1 core"
    assert rings_disjoint(e["ring"], HOLE, 50), f"{e['project']} must not touch the grade-1 hole"
    assert ring_inside(e["ring"], TRUCK, 50), f"{e['project']} must lie inside the truck-ban zone"
assert rings_disjoint(EXPRO[0]["ring"], EXPRO[1]["ring"], 50)


def in_urban(p, margin_m=0.0) -> bool:
    return point_in_ring(p, G3) or (margin_m > 0 and dist_to_ring_m(p, G3) < margin_m)


# --------------------------------------------------------------------------------------------
# 2. Collective construction-land grade zones and land-consolidation projects
# --------------------------------------------------------------------------------------------
SRC_COLL = (
    "illustrative: invented zone around an approximate township seat / village cluster (the "
    "collective grade map of 临政发〔2023〕8号 is not published); not surveyed"
)
SRC_CONS = "illustrative: invented project boundary (no project list is published); not surveyed"
GRADE_CN = {1: "一", 2: "二", 3: "三", 4: "四"}

# (township, label, grade, offset from seat east/north in m, approx area km², vertices)
COLLECTIVE_SPEC = [
    ("临晋镇", "临晋镇区", 1, (0, 0), 1.6, 12),
    ("北景乡", "北景乡区", 1, (0, 0), 1.1, 11),
    ("嵋阳镇", "嵋阳镇区", 2, (0, 0), 0.9, 10),
    ("孙吉镇", "孙吉镇区", 2, (0, 0), 0.9, 10),
    ("牛杜镇", "牛杜镇区", 2, (0, 0), 0.8, 10),
    ("楚侯乡", "楚侯乡区", 2, (0, 0), 0.7, 10),
    ("七级镇", "七级镇区", 3, (0, 0), 0.7, 9),
    ("三管镇", "三管镇区", 3, (0, 0), 0.7, 9),
    ("东张镇", "东张镇区", 3, (0, 0), 0.6, 9),
    ("耽子镇", "耽子镇区", 3, (0, 0), 0.6, 9),
    ("猗氏镇", "猗氏镇西部村庄集聚区", 3, (-5600, -1200), 0.5, 9),
    ("角杯镇", "角杯镇区", 4, (0, 0), 0.5, 8),
    ("庙上乡", "庙上乡区", 4, (0, 0), 0.45, 8),
]

rng_c = random.Random(1408210002)
COLLECTIVE = []
for town, label, grade, (ox, oy), akm2, nv in COLLECTIVE_SPEC:
    lon0, lat0 = TOWN_SEATS[town]
    r = math.sqrt(akm2 * KM2 / math.pi)
    ring = scaled_ring(
        radial_ring_m(rng_c, nv, r * 1.2, r / 1.2, 0.12, rot_deg=rng_c.uniform(0, 180)),
        ox,
        oy,
        akm2 * KM2,
        lon0,
        lat0,
    )
    assert_polygon_in_county(ring, label)
    assert all(not in_urban(p, 500) for p in ring) and not rings_touch(ring, G3), f"{label} overlaps the urban zones"
    for other in COLLECTIVE:
        assert rings_disjoint(ring, other["ring"], 200), f"{label} overlaps {other['name']}"
    COLLECTIVE.append(
        {
            "grade": grade,
            "name": f"{label}集体建设用地{GRADE_CN[grade]}级地",
            "township_code": TOWN_CODE[town],
            "ring": ring,
        }
    )

# (name, type, township, offset from seat (m), size (w, h) m, rotation deg, status, accepted_on)
CONSOLIDATION_SPEC = [
    ("角杯镇2021年度土地整治项目（示例）", "土地整治", "角杯镇", (2600, -1400), (1900, 1100), 15, "已验收", "2022-11-18"),
    ("孙吉镇2022年度土地整治项目（示例）", "土地整治", "孙吉镇", (1800, -2600), (1500, 900), -20, "实施中", None),
    ("七级镇城乡建设用地增减挂钩项目（示例）", "增减挂钩", "七级镇", (-1900, -1500), (420, 300), 8, "已验收", "2023-04-20"),
    ("耽子镇城乡建设用地增减挂钩项目（示例）", "增减挂钩", "耽子镇", (1600, 1700), (330, 250), -12, "立项", None),
]
# 立项 dates (invented): with accepted_on, the scope of 临政发〔2023〕9号 第二条 (gazette line 1348).
CONSOLIDATION_APPROVED_ON = {
    "角杯镇2021年度土地整治项目（示例）": "2021-04-12",
    "孙吉镇2022年度土地整治项目（示例）": "2022-05-09",
    "七级镇城乡建设用地增减挂钩项目（示例）": "2022-03-15",
    "耽子镇城乡建设用地增减挂钩项目（示例）": "2023-08-21",
}
rng_k = random.Random(1408210003)
CONSOLIDATION = []
for name, ptype, town, (ox, oy), (w, h), rot, status, acc in CONSOLIDATION_SPEC:
    lon0, lat0 = TOWN_SEATS[town]
    # a field-block outline: rectangle corners plus jittered mid-points
    base = [(-w / 2, -h / 2), (0, -h / 2), (w / 2, -h / 2), (w / 2, 0), (w / 2, h / 2), (0, h / 2), (-w / 2, h / 2), (-w / 2, 0)]
    t = math.radians(rot)
    pts = []
    for x, y in base:
        x += rng_k.uniform(-0.06, 0.06) * w
        y += rng_k.uniform(-0.06, 0.06) * h
        pts.append((ox + x * math.cos(t) - y * math.sin(t), oy + x * math.sin(t) + y * math.cos(t)))
    ring = ccw([ll(x, y, lon0, lat0) for x, y in pts])
    assert ring_is_simple(ring)
    assert_polygon_in_county(ring, name)
    assert not any(in_urban(p, 500) for p in ring)
    for c in COLLECTIVE:
        assert rings_disjoint(ring, c["ring"], 200), f"{name} overlaps {c['name']}"
    for c in CONSOLIDATION:
        assert rings_disjoint(ring, c["ring"], 200), f"{name} overlaps {c['name']}"
    CONSOLIDATION.append(
        {"name": name, "project_type": ptype, "township_code": TOWN_CODE[town], "status": status, "accepted_on": acc, "ring": ring}
    )


# --------------------------------------------------------------------------------------------
# 3. Sponge-city facilities and waterlogging points (inside the urban area)
# --------------------------------------------------------------------------------------------
SRC_SPONGE = (
    "illustrative: invented facility; 临政办发〔2023〕11号 names the facility kinds but gives no "
    "facility list or locations; not surveyed"
)
SRC_WATERLOG = "illustrative: invented waterlogging point (临政办发〔2023〕11号 gives no list); not surveyed"

SRC_SPONGE_PROJECT = (
    "illustrative: invented project outline and surface breakdown (no project list is published); not surveyed"
)

# Three sponge-city projects (海绵城市建设项目) in the urban area, each a rectangle in local metres
# (centre x, centre y, width, height) whose area equals the sum of its `surfaces` (m²; surface keys
# of data/sponge/runoff-coefficients.csv). Target 80 % (年径流总量控制率) for all three. With the
# bundled coefficients and curve (H = 21 mm at 80 %, an assumption) project 1 and 3 meet the target
# and project 2 (a road, mostly sealed) does not.
SPONGE_PROJECT_SPEC = [
    {
        "name": "县城老旧小区海绵化改造工程（示例）",
        "project_type": "改建",
        "status": "建成",
        "accepted_on": "2023-05-20",
        "box": (-900, -1100, 141.42, 141.42),
        "surfaces": [("屋面", 6000), ("混凝土或沥青路面", 5000), ("绿地", 7000), ("透水铺装", 2000)],
    },
    {
        "name": "城区道路海绵化改造工程（示例）",
        "project_type": "改建",
        "status": "在建",
        "accepted_on": None,
        "box": (1300, -700, 400, 55),
        "surfaces": [("屋面", 9000), ("混凝土或沥青路面", 8000), ("绿地", 3000), ("绿化屋面", 1000), ("透水铺装", 1000)],
    },
    {
        "name": "城东新建小区海绵城市建设工程（示例）",
        "project_type": "新建",
        "status": "规划",
        "accepted_on": None,
        "box": (-2000, 1200, 160, 125),
        "surfaces": [("屋面", 5000), ("混凝土或沥青路面", 4000), ("绿地", 8000), ("透水铺装", 2500), ("水面", 500)],
    },
]
# Facilities per project (index into SPONGE_PROJECT_SPEC): name, kind, shape, measures.
# shape: ("rect", dx, dy, w, h) in metres from the project centre (area_m2 = w * h), or ("point", dx, dy).
# Storage: area_m2 x storage_depth_m, or volume_m3 for tanks and ponds; permeable paving and pipes
# store nothing here.
SPONGE_FACILITY_SPEC = [
    (0, "示例透水铺装01", "透水铺装", ("rect", -40, 35, 50, 40), {}),
    (0, "示例下沉式绿地01", "下沉式绿地", ("rect", 30, 40, 40, 20), {"storage_depth_m": 0.15}),
    (0, "示例雨水花园01", "雨水花园/生物滞留设施", ("rect", 35, -30, 20, 15), {"storage_depth_m": 0.25}),
    (0, "示例植草沟01", "植草沟", ("rect", -30, -50, 50, 3), {"storage_depth_m": 0.1}),
    (0, "示例调蓄池01", "调蓄池", ("point", 0, 0), {"volume_m3": 120.0}),
    (1, "示例透水铺装02", "透水铺装", ("rect", -120, 18, 100, 10), {}),
    (1, "示例下沉式绿地02", "下沉式绿地", ("rect", 0, -18, 60, 10), {"storage_depth_m": 0.1}),
    (1, "示例雨水花园02", "雨水花园/生物滞留设施", ("rect", 120, -18, 25, 10), {"storage_depth_m": 0.2}),
    (1, "示例植草沟02", "植草沟", ("rect", 120, 18, 100, 2), {"storage_depth_m": 0.1}),
    (1, "示例排水管网01", "排水管网", ("point", -150, 0), {}),
    (2, "示例透水铺装03", "透水铺装", ("rect", -45, 25, 50, 50), {}),
    (2, "示例下沉式绿地03", "下沉式绿地", ("rect", 30, 40, 35, 20), {"storage_depth_m": 0.2}),
    (2, "示例雨水塘01", "雨水塘/湿塘", ("rect", 40, -30, 25, 20), {"volume_m3": 180.0}),
    (2, "示例旱溪01", "旱溪", ("rect", -40, -40, 40, 5), {"storage_depth_m": 0.2}),
    (2, "示例调蓄池02", "调蓄池", ("point", 0, -5), {"volume_m3": 150.0}),
]


def rect_ring(cx, cy, w, h):
    """Axis-aligned rectangle (metres, centre and size) as a CCW lon/lat ring."""
    return ccw([ll(cx - w / 2, cy - h / 2), ll(cx + w / 2, cy - h / 2), ll(cx + w / 2, cy + h / 2), ll(cx - w / 2, cy + h / 2)])


SPONGE_PROJECTS = []
for spec in SPONGE_PROJECT_SPEC:
    cx, cy, w, h = spec["box"]
    ring = rect_ring(cx, cy, w, h)
    total = sum(a for _, a in spec["surfaces"])
    area = abs(ring_area_m2(ring))
    assert abs(area - total) / total < 0.005, (spec["name"], area, total)
    assert ring_inside(ring, G3, 100), f"{spec['name']} must lie inside the graded urban area"
    for e in EXPRO:
        assert rings_disjoint(ring, e["ring"], 100), f"{spec['name']} must not touch {e['project']}"
    for other in SPONGE_PROJECTS:
        assert rings_disjoint(ring, other["ring"], 100), f"{spec['name']} overlaps {other['name']}"
    SPONGE_PROJECTS.append(
        {
            "name": spec["name"],
            "project_type": spec["project_type"],
            "responsible_unit": "县住建局",
            "status": spec["status"],
            "surfaces": ";".join(f"{k}={v}" for k, v in spec["surfaces"]),
            # 临政办发〔2023〕11号 line 2274: a number (≥ 80 %) for new projects only.
            "target_percent": 80.0 if spec["project_type"] == "新建" else None,
            "accepted_on": spec["accepted_on"],
            "ring": ring,
        }
    )

SPONGE = []
for k, name, kind, shape, measures in SPONGE_FACILITY_SPEC:
    spec, project = SPONGE_PROJECT_SPEC[k], SPONGE_PROJECTS[k]
    cx, cy = spec["box"][:2]
    if shape[0] == "rect":
        _, dx, dy, w, h = shape
        ring = rect_ring(cx + dx, cy + dy, w, h)
        assert ring_inside(ring, project["ring"], 3), f"{name} must lie inside {project['name']}"
        for other in SPONGE:
            if other["ring"] is not None:
                assert rings_disjoint(ring, other["ring"], 3), f"{name} overlaps {other['name']}"
        area, p = float(w * h), None
    else:
        _, dx, dy = shape
        ring, area, p = None, None, ll(cx + dx, cy + dy)
        assert point_in_ring(p, project["ring"]) and dist_to_ring_m(p, project["ring"]) > 3, name
    status = spec["status"]
    SPONGE.append(
        {
            "name": name,
            "kind": kind,
            "project": project["name"],
            "responsible_unit": "县住建局",
            "status": status,
            "area_m2": area,
            "volume_m3": measures.get("volume_m3"),
            "accepted_on": spec["accepted_on"] if status == "建成" else None,
            "storage_depth_m": measures.get("storage_depth_m"),
            "ring": ring,
            "p": p,
        }
    )
for s_ in SPONGE:
    if s_["ring"] is None:
        for other in SPONGE:
            if other["ring"] is not None:
                assert not point_in_ring(s_["p"], other["ring"]), f"{s_['name']} lies in {other['name']}"

WATERLOG_SPEC = [
    # names refer to the illustrative road layout of data/README.md; positions are invented
    ("东城路南段低洼处（示例）", (560, -300), "治理中", None),
    ("府西街西段（示例）", (-900, -470), "待治理", None),
    ("五一路中段（示例）", (1500, 600), "已消除", "2023-08-20"),
    ("丰喜大道与西环路交叉口（示例）", _meet(_line(*ROADS_M["丰喜大道"]), _line(*ROADS_M["西环路"])), "待治理", None),
    ("峨嵋大道下穿通道（示例）", _meet(_line(*ROADS_M["峨嵋大道"]), _line((0, -100), (0, 100))), "治理中", None),
    ("城南低洼片区（示例）", (300, -2400), "已消除", "2022-10-15"),
]
WATERLOG = []
for name, (x, y), status, eliminated in WATERLOG_SPEC:
    p = ll(x, y)
    assert point_in_ring(p, G3), name
    assert (status == "已消除") == (eliminated is not None), name
    WATERLOG.append({"name": name, "status": status, "eliminated_on": eliminated, "p": p})


# --------------------------------------------------------------------------------------------
# 4. Origin points of key farm products (fake records)
# --------------------------------------------------------------------------------------------
SRC_ORIGIN = (
    "illustrative: fake record generated by scripts/prepare-demo-data.py; subject, names and phone "
    "numbers are invented; position not surveyed"
)
PRODUCTS = ["豇豆", "韭菜", "芹菜", "鸡蛋", "乌鸡", "肉牛", "肉羊", "大口黑鲈", "乌鳢", "鳊鱼", "大黄鱼", "生猪"]
OTHER_CROPS = ["苹果", "石榴", "冬枣", "梨", "桃", "葡萄"]
ALIAS = {
    "豇豆": "豆角", "韭菜": "韭", "芹菜": "本芹", "鸡蛋": "蛋鸡鲜蛋", "乌鸡": "乌骨鸡", "肉牛": "黄牛",
    "肉羊": "湖羊", "大口黑鲈": "加州鲈", "乌鳢": "黑鱼", "鳊鱼": "武昌鱼", "大黄鱼": "黄花鱼", "生猪": "猪",
}
VEG = {"豇豆", "韭菜", "芹菜"}
FISH = {"大口黑鲈", "乌鳢", "鳊鱼", "大黄鱼"}
# product -> (industry, unit, threshold of 临政办发〔2023〕19号, above-threshold range, below range)
SCALE = {
    "豇豆": ("种植业", "亩", 0.5, (1.0, 60.0), (0.1, 0.4)),
    "韭菜": ("种植业", "亩", 0.5, (1.0, 40.0), (0.1, 0.4)),
    "芹菜": ("种植业", "亩", 0.5, (1.0, 50.0), (0.1, 0.4)),
    "鸡蛋": ("畜牧业", "只", 500, (600, 30000), (100, 450)),
    "乌鸡": ("畜牧业", "只", 1000, (1200, 20000), (200, 900)),
    "肉牛": ("畜牧业", "头", 5, (6, 400), (1, 4)),
    "肉羊": ("畜牧业", "头", 50, (60, 1200), (10, 45)),
    "生猪": ("畜牧业", "头", 30, (40, 5000), (5, 28)),
    "大口黑鲈": ("渔业", "亩", 10, (12.0, 200.0), (2.0, 8.0)),
    "乌鳢": ("渔业", "亩", 10, (12.0, 150.0), (2.0, 8.0)),
    "鳊鱼": ("渔业", "亩", 10, (12.0, 300.0), (2.0, 8.0)),
    "大黄鱼": ("渔业", "亩", 10, (10.5, 60.0), (2.0, 8.0)),
    "其他": ("种植业", "亩", 0.5, (2.0, 200.0), None),
}
SUBJECT_TYPES = ["企业", "农民合作社", "家庭农场", "种养殖户", "农村经纪人"]
SUBJECT_WEIGHTS = [10, 30, 25, 30, 5]
NAME_WORDS = [
    "丰源", "绿野", "金穗", "康农", "鑫禾", "沃土", "惠农", "田园", "绿源", "嘉禾",
    "润泽", "盛丰", "福临", "裕民", "晋南", "黄河湾", "峨嵋", "涑水", "瑞丰", "众诚",
]
# the six traceability means of 临政办发〔2023〕19号, in its order; a record joins its means with "、"
TRACE_ORDER = ["承诺达标合格证", "追溯码", "耳标", "动物检疫合格证", "包装标识", "其他"]
CERTS = ["绿色食品", "无公害农产品", "有机产品", "农产品地理标志"]
N_ORIGIN_KEY = 288  # 24 records for each of the 12 key products
N_ORIGIN_OTHER = 12
N_BELOW = 15  # ~5 % below the mandatory-collection threshold

rng_o = random.Random(1408210005)
town_names = sorted(TOWN_CODE, key=lambda n: TOWN_CODE[n])
products = [PRODUCTS[i % 12] for i in range(N_ORIGIN_KEY)] + ["其他"] * N_ORIGIN_OTHER
rng_o.shuffle(products)
towns_for = [town_names[i % 14] for i in range(len(products))]
rng_o.shuffle(towns_for)
key_idx = [i for i, p in enumerate(products) if p != "其他"]
below = set(rng_o.sample(key_idx, N_BELOW))

# fake grid officers (2 per township) and collectors (1 per township). Every fake mobile number
# is 1380000xxxx: subjects 1380000 0001-0999, grid officers 1380000 8001-8028, collectors
# 1380000 9001-9014 (enterprises give a fake landline 0359-4xxxxxx instead).
OFFICERS = {}
COLLECTORS = {}
for k, t in enumerate(town_names):
    OFFICERS[t] = [(f"示例网格员{2 * k + j + 1:02d}", f"1380000{8000 + 2 * k + j + 1:04d}") for j in range(2)]
    COLLECTORS[t] = (f"示例采集员{k + 1:02d}", f"1380000{9000 + k + 1:04d}")


def place_near(rng, seat, sigma_m, max_m, avoid_urban=True):
    lon0, lat0 = seat
    for _ in range(100000):
        x, y = rng.gauss(0, sigma_m), rng.gauss(0, sigma_m)
        if math.hypot(x, y) > max_m:
            continue
        p = ll(x, y, lon0, lat0)
        if avoid_urban and in_urban(p, 300):
            continue
        if in_county(p):
            return p
    raise RuntimeError(f"could not place a point near {seat}")


def fmt_scale(unit, v):
    return round(v, 1) if unit == "亩" else float(int(v))


ORIGIN = []
used_names = set()
for i, product in enumerate(products):
    n = i + 1
    town = towns_for[i]
    tcode = TOWN_CODE[town]
    vills = [v for v in VILLAGES[tcode] if v[1].endswith("村委会")] or VILLAGES[tcode]
    vcode, vname = rng_o.choice(vills)
    p = place_near(rng_o, TOWN_SEATS[town], 2200, 7000)
    stype = rng_o.choices(SUBJECT_TYPES, SUBJECT_WEIGHTS)[0]
    industry, unit, thr, above_rng, below_rng = SCALE[product]
    if product == "其他":
        crop = rng_o.choice(OTHER_CROPS)
        alias = crop
        cat = "果品"
    else:
        crop = product
        alias = ALIAS[product]
        cat = (
            "蔬菜种植" if product in VEG else "水产养殖" if product in FISH else
            {"鸡蛋": "蛋鸡养殖", "乌鸡": "乌鸡养殖", "肉牛": "肉牛养殖", "肉羊": "肉羊养殖", "生猪": "生猪养殖"}[product]
        )
    for _ in range(1000):
        word = rng_o.choice(NAME_WORDS)
        if stype == "企业":
            kind_word = "农业科技" if industry == "种植业" else "牧业" if industry == "畜牧业" else "水产"
            name = f"临猗县{town[:-1]}示例{word}{kind_word}有限公司"
        elif stype == "农民合作社":
            name = f"临猗县{town[:-1]}示例{word}{cat}专业合作社"
        elif stype == "家庭农场":
            name = f"临猗县{town}示例{word}家庭农场"
        elif stype == "种养殖户":
            name = f"示例种养殖户{n:04d}"
        else:
            name = f"示例农村经纪人{n:04d}"
        if name not in used_names:
            break
    else:
        raise RuntimeError("could not find a unique subject name")
    used_names.add(name)
    lo, hi = below_rng if i in below else above_rng
    # log-uniform sizes: many small, few large
    v = math.exp(rng_o.uniform(math.log(lo), math.log(hi)))
    scale = fmt_scale(unit, v)
    if i in below:
        assert scale < thr, (product, scale)
    else:
        assert scale >= thr, (product, scale)
    if product in VEG or product == "其他":
        mode = rng_o.choice(["露地", "设施"]) if product != "其他" else "露地"
        months = range(4, 12)
    elif product in FISH:
        # fish below the 10 亩 pond threshold are open ponds (露地), never 工厂化 tanks, so the
        # record is below the threshold under either rule of 临政办发〔2023〕19号
        mode = "露地" if i in below else rng_o.choice(["露地", "露地", "露地", "设施"])
        months = range(5, 12)
    else:
        mode = "设施"
        months = range(1, 13)
    market = f"2023-{rng_o.choice(list(months)):02d}-{rng_o.randint(1, 28):02d}"
    means = {"承诺达标合格证"}
    if product in {"肉牛", "肉羊", "生猪"}:
        means |= {"耳标", "动物检疫合格证"}
    elif product == "乌鸡":
        means.add("动物检疫合格证")
    for extra in ("追溯码", "包装标识"):
        if rng_o.random() < 0.35:
            means.add(extra)
    if rng_o.random() < 0.03:
        means.add("其他")
    trace = "、".join(m for m in TRACE_ORDER if m in means)
    cert = rng_o.choice(CERTS) if rng_o.random() < 0.25 else None
    officer = rng_o.choice(OFFICERS[town])
    collector = COLLECTORS[town]
    ORIGIN.append(
        {
            "subject_name": name,
            "subject_type": stype,
            "industry": industry,
            "product": product,
            "alias": alias,
            "certification": cert,
            "base_address": f"临猗县{town}{village_label(vname)}示例基地{n:04d}号",
            "township_code": tcode,
            "village_code": vcode,
            "contact_name": f"示例联系人{n:04d}",
            "contact_phone": f"0359-{4000000 + n}" if stype == "企业" else f"1380000{n:04d}",
            "scale": scale,
            "scale_unit": unit,
            "market_date": market,
            "production_mode": mode,
            "trace_means": trace,
            "credit_rating": rng_o.choices(["A", "B", "C"], [55, 35, 10])[0],
            "grid_officer_name": officer[0],
            "grid_officer_phone": officer[1],
            "collector_name": collector[0],
            "collector_phone": collector[1],
            "p": p,
        }
    )
assert {o["township_code"] for o in ORIGIN} == set(TOWNS)
assert set(PRODUCTS) <= {o["product"] for o in ORIGIN}

# Fields of the record's life cycle, drawn with a generator of their own (the records above stay
# as they were). 工厂化 fish ponds: the 设施 fish records are industrialised (threshold 0.3 亩), with
# small ponds; one below-threshold fish record is an industrialised tank of 0.2 亩.
rng_t = random.Random(1408210007)
FISH_INDUSTRIAL_THRESHOLD = 0.3
below_fish_done = False
for i, o in enumerate(ORIGIN):
    if o["product"] not in FISH:
        continue
    if i in below and not below_fish_done:
        o["production_mode"], o["scale"], o["industrialised"] = "设施", 0.2, 1
        below_fish_done = True
    elif o["production_mode"] == "设施" and i not in below:
        o["industrialised"] = 1
        o["scale"] = round(math.exp(rng_t.uniform(math.log(0.5), math.log(6.0))), 1)
    else:
        o["industrialised"] = 0
assert below_fish_done

# One subject, several bases: six subjects get a second base (a record of its own with the same
# subject name, type, product and contact), three in their own township, three in another.
SECOND_BASES = 6
candidates = [o for o in ORIGIN if o["subject_type"] in ("企业", "农民合作社", "家庭农场") and o["product"] != "其他"]
for j, o in enumerate(rng_t.sample(candidates, SECOND_BASES)):
    n = len(ORIGIN) + 1
    town = next(t for t in town_names if TOWN_CODE[t] == o["township_code"])
    if j % 2 == 1:
        town = town_names[(town_names.index(town) + 5) % len(town_names)]
    tcode = TOWN_CODE[town]
    vills = [v for v in VILLAGES[tcode] if v[1].endswith("村委会")] or VILLAGES[tcode]
    vcode, vname = rng_t.choice(vills)
    officer = rng_t.choice(OFFICERS[town])
    second = dict(o)
    second.update(
        {
            "base_address": f"临猗县{town}{village_label(vname)}示例基地{n:04d}号",
            "township_code": tcode,
            "village_code": vcode,
            "grid_officer_name": officer[0],
            "grid_officer_phone": officer[1],
            "collector_name": COLLECTORS[town][0],
            "collector_phone": COLLECTORS[town][1],
            "p": place_near(rng_t, TOWN_SEATS[town], 2200, 7000),
        }
    )
    ORIGIN.append(second)

# Collection dates spread over June-August 2023 (so the weekly ledger of 2023-W23..W35 changes
# from week to week); about half of the records were updated later, most in September-November
# (so `due?as_of=2023-12-01` lists both overdue and current records). Times are Beijing time.
COLLECT_FROM, COLLECT_DAYS = (2023, 6, 1), 92  # 2023-06-01 .. 2023-08-31
UPDATE_FROM, UPDATE_DAYS = (2023, 9, 1), 91  # 2023-09-01 .. 2023-11-30
LATE_UPDATE_FROM, LATE_UPDATE_DAYS = (2023, 11, 1), 30  # 2023-11-01 .. 2023-11-30


def day_after(start, days):
    import datetime as _dt

    return (_dt.date(*start) + _dt.timedelta(days=days)).isoformat()


for o in ORIGIN:
    collected = day_after(COLLECT_FROM, rng_t.randrange(COLLECT_DAYS))
    r = rng_t.random()
    if r < 0.45:
        updated = None
    elif r < 0.6:
        updated = day_after(tuple(int(x) for x in collected.split("-")), rng_t.randint(7, 40))
    elif r < 0.8:
        updated = day_after(UPDATE_FROM, rng_t.randrange(UPDATE_DAYS))
    else:
        updated = day_after(LATE_UPDATE_FROM, rng_t.randrange(LATE_UPDATE_DAYS))
    created_at = f"{collected}T{rng_t.randint(8, 17):02d}:{rng_t.randrange(60):02d}:00+08:00"
    updated_at = created_at if updated is None else f"{updated}T{rng_t.randint(8, 17):02d}:{rng_t.randrange(60):02d}:00+08:00"
    o.update(
        {
            "collected_on": collected,
            "updated_on": updated,
            "created_at": created_at,
            "created_by": "demo",
            "updated_at": updated_at,
            "updated_by": "demo",
        }
    )


def threshold_of(o) -> float:
    if o.get("industrialised") == 1:
        return FISH_INDUSTRIAL_THRESHOLD
    return SCALE[o["product"]][2]


for o in ORIGIN:
    industry, unit = SCALE[o["product"]][:2]
    assert (o["industry"], o["scale_unit"]) == (industry, unit), o["subject_name"]
    livestock_only = {"耳标", "动物检疫合格证"} & set(o["trace_means"].split("、"))
    assert not livestock_only or industry == "畜牧业", o["subject_name"]
    assert o["updated_on"] is None or o["updated_on"] > o["collected_on"], o["subject_name"]
    for key in ("contact_phone", "grid_officer_phone", "collector_phone"):
        phone = o[key]
        assert (len(phone) == 11 and phone.startswith("1380000")) or (len(phone) == 12 and phone.startswith("0359-4")), phone
# stable, readable order: township code, product order, subject name
_porder = {p: k for k, p in enumerate(PRODUCTS + ["其他"])}
ORIGIN.sort(key=lambda o: (o["township_code"], _porder[o["product"]], o["contact_name"]))


# --------------------------------------------------------------------------------------------
# 5. Village clinics (临政办发〔2023〕24号) and freight sources (临政办发〔2023〕18号)
# --------------------------------------------------------------------------------------------
SRC_CLINIC = (
    "illustrative: clinic named in 临政办发〔2023〕24号; position invented near an approximate "
    "township seat, not the real site; not surveyed"
)
CLINIC_SPEC = [
    ("猗氏镇", "黄斗景村", "星级创建", None),
    ("嵋阳镇", "曹家营村", "星级创建", None),
    ("临晋镇", "代村", "星级创建", None),
    ("耽子镇", "陶唐村", "星级创建", None),
    ("北景乡", "东村", "星级创建", None),
    ("角杯镇", "吴王村", "星级创建", None),
    ("七级镇", "小张村", "星级创建", None),
    ("角杯镇", "石彪村", "整改", "地势低洼易被水淹（卫生室建在低洼处，遇大雨室内地下涌水、屋顶漏水）"),
    ("三管镇", "王家庄村", "整改", "置换手续问题造成的集体产权问题"),
    ("猗氏镇", "王村", "整改", "因新建舞台拆建卫生室问题"),
]
rng_v = random.Random(1408210006)
CLINICS = []
for town, village, programme, note in CLINIC_SPEC:
    vcode = village_code(town, village)
    for _ in range(100000):
        ang = rng_v.uniform(0, 2 * math.pi)
        dist = rng_v.uniform(4500, 6500) if town == "猗氏镇" else rng_v.uniform(1500, 4000)
        lon0, lat0 = TOWN_SEATS[town]
        p = ll(dist * math.cos(ang), dist * math.sin(ang), lon0, lat0)
        if in_county(p) and not in_urban(p, 500):
            break
    else:
        raise RuntimeError(f"could not place clinic {town}{village}")
    CLINICS.append(
        {
            "name": f"{town}{village}卫生室",
            "township_code": TOWN_CODE[town],
            "village_code": vcode,
            "programme": programme,
            "note": note,
            "p": p,
        }
    )

SRC_FREIGHT = (
    "illustrative: enterprise named in 临政办发〔2023〕18号; position invented (plausible area only), "
    "not the real site; not surveyed"
)
# The 24 names exactly as in the gazette (lines 2794-2796), in gazette order.
FREIGHT_NAMES = [
    "临猗汇鑫商砼有限公司", "临猗鑫得利纺织印染有限公司", "临猗瑞帝斯商砼有限公司", "临猗汇泉商砼有限公司",
    "山西天宇气体有限公司", "临猗县庙上城西口预制厂", "临猗县宏建商砼有限公司", "运城市森泽商砼有限公司",
    "临猗县建通商砼有限公司", "潞安丰喜肥业（集团）有限责任公司临猗分公司", "山西恒通商砼有限公司",
    "运城市王申建材有限公司", "山西阳煤丰喜化工有限责任公司", "临猗县力达商砼有限公司", "山西德信建材有限公司",
    "临猗县跃新商砼有限公司", "临猗县鸿驰商贸有限公司", "山西彦欣建材有限公司", "山西天镞建设工程有限公司",
    "临猗县牛杜张文石料场", "临猗县国腾建筑材料有限公司", "临猗县鼎盛水泥有限公司", "山西新天石建材有限公司",
    "山西志博沥青制作有限公司",
]
assert len(FREIGHT_NAMES) == 24 and len(set(FREIGHT_NAMES)) == 24
CATEGORY_KEYS = [
    ("商砼", "商砼"), ("化工", "化工"), ("肥业", "化肥"), ("建筑材料", "建材"), ("建材", "建材"),
    ("石料", "石料"), ("水泥", "水泥"), ("气体", "气体"), ("预制", "预制"), ("纺织", "纺织"),
    ("沥青", "沥青"), ("商贸", "商贸"),
]


def freight_category(name: str) -> str:
    for key, cat in CATEGORY_KEYS:
        if key in name:
            return cat
    if "建设工程" in name:
        return "建材"  # 山西天镞建设工程有限公司: the name gives no product; assumption, see README
    raise ValueError(name)


# where to put each enterprise: ("urban", angle deg, distance m from centre) or (township, sigma m)
FREIGHT_PLACE = {
    "临猗汇鑫商砼有限公司": ("urban", 200, 3300),
    "临猗鑫得利纺织印染有限公司": ("urban", 10, 3400),
    "临猗瑞帝斯商砼有限公司": ("urban", 160, 3200),
    "临猗汇泉商砼有限公司": ("urban", 300, 3500),
    "山西天宇气体有限公司": ("urban", 255, 3000),
    "临猗县庙上城西口预制厂": ("庙上乡", 1800),
    "临猗县宏建商砼有限公司": ("urban", 225, 3800),
    "运城市森泽商砼有限公司": ("urban", 330, 3900),
    "临猗县建通商砼有限公司": ("urban", 120, 3300),
    "潞安丰喜肥业（集团）有限责任公司临猗分公司": ("urban", 275, 2700),
    "山西恒通商砼有限公司": ("urban", 40, 3600),
    "运城市王申建材有限公司": ("楚侯乡", 1500),
    "山西阳煤丰喜化工有限责任公司": ("urban", 290, 2900),
    "临猗县力达商砼有限公司": ("临晋镇", 2000),
    "山西德信建材有限公司": ("urban", 180, 4300),
    "临猗县跃新商砼有限公司": ("urban", 95, 2900),
    "临猗县鸿驰商贸有限公司": ("urban", 350, 4500),
    "山西彦欣建材有限公司": ("北辛乡", 1800),
    "山西天镞建设工程有限公司": ("urban", 60, 3900),
    "临猗县牛杜张文石料场": ("牛杜镇", 1500),
    "临猗县国腾建筑材料有限公司": ("嵋阳镇", 1800),
    "临猗县鼎盛水泥有限公司": ("urban", 240, 4800),
    "山西新天石建材有限公司": ("三管镇", 1800),
    "山西志博沥青制作有限公司": ("urban", 140, 4600),
}
rng_f = random.Random(1408210007)
FREIGHT = []
for name in FREIGHT_NAMES:
    spec = FREIGHT_PLACE[name]
    if spec[0] == "urban":
        _, ang, dist = spec
        for _ in range(1000):
            a = math.radians(ang + rng_f.uniform(-6, 6))
            d = dist * rng_f.uniform(0.95, 1.05)
            p = ll(d * math.cos(a), d * math.sin(a))
            if in_county(p) and not point_in_ring(p, TRUCK) and dist_to_ring_m(p, TRUCK) >= 150:
                break
        else:
            raise RuntimeError(f"could not place {name}")
    else:
        town, sigma = spec
        for _ in range(100000):
            p = place_near(rng_f, TOWN_SEATS[town], sigma, 3 * sigma)
            if not any(point_in_ring(p, c["ring"]) for c in COLLECTIVE):
                break
    assert not point_in_ring(p, TRUCK), f"{name} must lie outside the truck-ban zone"
    assert not point_in_ring(p, TRUCK_ZONE), f"{name} must lie outside the truck-ban zone"
    FREIGHT.append({"name": name, "category": freight_category(name), "document": "临政办发〔2023〕18号", "p": p})


# --------------------------------------------------------------------------------------------
# 6. Fixed test points (documented in data/README.md) and global checks
# --------------------------------------------------------------------------------------------
HOLE_C = centroid(HOLE)
EXPRO10_C = centroid(EXPRO[0]["ring"])
TEST_POINTS = {
    "P1": (110.775, 35.14),  # grade 1, truck-ban zone, no expropriation area
    "P2": (110.7574272, 35.1381973),  # grade 2 (ring part), truck-ban zone
    "P3": (110.771143, 35.1437851),  # grade-1 hole = grade-2 island, truck-ban zone
    "P4": (110.779276, 35.1419853),  # expropriation area 临政发〔2023〕10号 (grade 1, truck ban)
    "P5": (110.8068212, 35.14),  # grade 3, outside the truck-ban zone
    "P6": (109.9, 35.2),  # outside the county and all bundled neighbours (Shaanxi)
    "P8": (111.5, 35.5),  # in 绛县, a neighbouring county
    "P7": (110.65, 35.115),  # inside the county, in no demo zone
}


def zones_at(p):
    hits = []
    for g, mp in URBAN_MP.items():
        if point_in_multipolygon(p, mp):
            hits.append(f"urban_grade_zones:{g}")
    if point_in_ring(p, TRUCK):
        hits.append("truck_ban_zone")
    for e in EXPRO:
        if point_in_ring(p, e["ring"]):
            hits.append(f"expropriation_areas:{e['decision_no']}")
    for c in COLLECTIVE:
        if point_in_ring(p, c["ring"]):
            hits.append(f"collective_grade_zones:{c['name']}")
    for c in CONSOLIDATION:
        if point_in_ring(p, c["ring"]):
            hits.append(f"consolidation_projects:{c['name']}")
    for c in SPONGE_PROJECTS:
        if point_in_ring(p, c["ring"]):
            hits.append(f"sponge_projects:{c['name']}")
    return hits


def min_edge_dist(p):
    rings = [G1, HOLE, G2, G3, TRUCK] + [e["ring"] for e in EXPRO] + [c["ring"] for c in COLLECTIVE] + [
        c["ring"] for c in CONSOLIDATION + SPONGE_PROJECTS
    ]
    return min(dist_to_ring_m(p, r) for r in rings)


EXPECTED = {
    "P1": ["urban_grade_zones:1", "truck_ban_zone"],
    "P2": ["urban_grade_zones:2", "truck_ban_zone"],
    "P3": ["urban_grade_zones:2", "truck_ban_zone"],
    "P4": ["urban_grade_zones:1", "truck_ban_zone", "expropriation_areas:临政发〔2023〕10号"],
    "P5": ["urban_grade_zones:3"],
    "P6": [],
    "P8": [],
    "P7": [],
}


def check_test_points():
    ok = True
    for k, p in TEST_POINTS.items():
        got = zones_at(p)
        d = min_edge_dist(p)
        if got != EXPECTED[k] or d < 100:
            print(f"test point {k} {p}: zones {got} (expected {EXPECTED[k]}), {d:.0f} m from nearest edge", file=sys.stderr)
            ok = False
    assert point_in_ring(HOLE_C, HOLE) and point_in_ring(EXPRO10_C, EXPRO[0]["ring"])
    assert point_in_ring(TEST_POINTS["P3"], HOLE), "P3 must be in the grade-1 hole"
    assert not in_county(TEST_POINTS["P6"]) and not point_in_multipolygon(wgs84_to_gcj02(*TEST_POINTS["P6"]), COUNTY_GCJ)
    assert in_county(TEST_POINTS["P7"]), "P7 must be inside the county"
    for k in ("P1", "P2", "P3", "P4", "P5", "P7"):
        check_in_county_wgs(TEST_POINTS[k], k)
    if COUNTY_WGS is not None:
        assert not point_in_multipolygon(TEST_POINTS["P6"], COUNTY_WGS)
    if not ok:
        print(f"hint: grade-1 hole centroid {HOLE_C}, 10号 centroid {EXPRO10_C}", file=sys.stderr)
        sys.exit("error: fixed test points do not hold; update TEST_POINTS and data/README.md")


def check_urban_partition():
    """Grid check: every point of the graded area is in exactly one grade zone."""
    n_in = 0
    for i in range(-80, 81):
        for j in range(-62, 63):
            p = ll(i * 50.0 + 7.0, j * 50.0 + 3.0)
            k = sum(point_in_multipolygon(p, mp) for mp in URBAN_MP.values())
            inside = point_in_ring(p, G3)
            assert k == (1 if inside else 0), f"grade zones overlap or leave a gap at {p}"
            n_in += inside
    return n_in


# --------------------------------------------------------------------------------------------
# 7. Output
# --------------------------------------------------------------------------------------------


def write_fc(table: str, features: list) -> None:
    DEMO.mkdir(parents=True, exist_ok=True)
    lines = ['{"type":"FeatureCollection","name":' + json.dumps(table) + ',"features":[']
    body = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    (DEMO / f"{table}.geojson").write_text("\n".join(lines) + "\n", encoding="utf-8")


def all_output_points():
    for g, mp in URBAN_MP.items():
        for poly in mp:
            for r in poly:
                yield from r
    yield from TRUCK
    for coll in (EXPRO, COLLECTIVE, CONSOLIDATION, SPONGE_PROJECTS):
        for e in coll:
            yield from e["ring"]
    for s_ in SPONGE:
        yield from ([s_["p"]] if s_["ring"] is None else s_["ring"])
    for coll in (WATERLOG, ORIGIN, CLINICS, FREIGHT):
        for e in coll:
            yield e["p"]


def write_township_seats() -> None:
    """data/divisions/township-seats.csv: approximate seat positions, joined to the
    official township list by code (the townships layer is drawn at these points)."""
    path = ROOT / "data" / "divisions" / "township-seats.csv"
    rows = ["code,name,lon,lat,accuracy"]
    for name, (lon, lat) in sorted(TOWN_SEATS.items(), key=lambda kv: TOWN_CODE[kv[0]]):
        rows.append(f"{TOWN_CODE[name]},{name},{lon:.7f},{lat:.7f},approximate")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"  wrote {path.relative_to(ROOT)}: {len(rows) - 1} seats")


def main() -> None:
    write_township_seats()
    check_test_points()
    n_grid = check_urban_partition()
    for p in all_output_points():
        assert in_county(p), f"{p} too close to / outside the county boundary"
        check_in_county_wgs(p, "feature vertex")

    # urban grade zones
    feats = []
    for g in (1, 2, 3):
        feats.append(
            feature(
                {"grade": g, "name": URBAN_NAMES[g], "accuracy": ILLUSTRATIVE, "source": SRC_URBAN},
                mp_geom(URBAN_MP[g]),
            )
        )
    write_fc("urban_grade_zones", feats)
    write_fc("truck_ban_zone", [feature(TRUCK_PROPS, mp_geom([[TRUCK_ZONE]]))])
    road_feats = []
    for name, role, where, (p, q) in TRUCK_ROADS:
        width = ROAD_WIDTH_M[name]
        a, b = ll(*p), ll(*q)
        props = {
            "name": name,
            "role": role,
            "side": where if role == "boundary" else None,
            "stretch": where if role == "excluded" else None,
            "width_m": width,
            "centreline": f"LINESTRING({a[0]:.7f} {a[1]:.7f}, {b[0]:.7f} {b[1]:.7f})",
            "document": "临政发〔2023〕5号",
            "accuracy": ILLUSTRATIVE,
            "source": "illustrative: centreline placed approximately (data/README.md), width assumed; "
            "the surface is the centreline widened by width_m/2 either side; not surveyed",
        }
        ring = ccw([ll(x, y) for x, y in road_surface_m(p, q, width)])
        road_feats.append(feature(props, mp_geom([[ring]])))
    write_fc("truck_ban_roads", road_feats)
    write_fc(
        "expropriation_areas",
        [
            feature(
                {
                    "project": e["project"],
                    "decision_no": e["decision_no"],
                    "decision_date": "2023-06-29",
                    "east": e["east"],
                    "west": e["west"],
                    "north": e["north"],
                    "south": e["south"],
                    "accuracy": ILLUSTRATIVE,
                    "source": SRC_EXPRO.format(doc=e["decision_no"]),
                },
                mp_geom([[e["ring"]]]),
            )
            for e in EXPRO
        ],
    )
    write_fc(
        "collective_grade_zones",
        [
            feature(
                {"grade": c["grade"], "name": c["name"], "township_code": c["township_code"], "accuracy": ILLUSTRATIVE, "source": SRC_COLL},
                mp_geom([[c["ring"]]]),
            )
            for c in COLLECTIVE
        ],
    )
    write_fc(
        "consolidation_projects",
        [
            feature(
                {
                    "name": c["name"],
                    "project_type": c["project_type"],
                    "township_code": c["township_code"],
                    "status": c["status"],
                    "approved_on": CONSOLIDATION_APPROVED_ON[c["name"]],
                    "accepted_on": c["accepted_on"],
                    "accuracy": ILLUSTRATIVE,
                    "source": SRC_CONS,
                },
                mp_geom([[c["ring"]]]),
            )
            for c in CONSOLIDATION
        ],
    )
    write_fc(
        "sponge_projects",
        [
            feature(
                {k: v for k, v in c.items() if k != "ring"} | {"accuracy": ILLUSTRATIVE, "source": SRC_SPONGE_PROJECT},
                mp_geom([[c["ring"]]]),
            )
            for c in SPONGE_PROJECTS
        ],
    )
    write_fc(
        "sponge_facilities",
        [
            feature(
                {k: v for k, v in s.items() if k not in ("ring", "p")} | {"accuracy": ILLUSTRATIVE, "source": SRC_SPONGE},
                pt_geom(s["p"]) if s["ring"] is None else mp_geom([[s["ring"]]]),
            )
            for s in SPONGE
        ],
    )
    write_fc(
        "waterlogging_points",
        [
            feature({k: v for k, v in w.items() if k != "p"} | {"accuracy": ILLUSTRATIVE, "source": SRC_WATERLOG}, pt_geom(w["p"]))
            for w in WATERLOG
        ],
    )
    write_fc(
        "origin_points",
        [
            feature({k: v for k, v in o.items() if k != "p"} | {"accuracy": ILLUSTRATIVE, "source": SRC_ORIGIN}, pt_geom(o["p"]))
            for o in ORIGIN
        ],
    )
    write_fc(
        "village_clinics",
        [
            feature({k: v for k, v in c.items() if k != "p"} | {"accuracy": ILLUSTRATIVE, "source": SRC_CLINIC}, pt_geom(c["p"]))
            for c in CLINICS
        ],
    )
    write_fc(
        "freight_sources",
        [
            feature({k: v for k, v in f.items() if k != "p"} | {"accuracy": ILLUSTRATIVE, "source": SRC_FREIGHT}, pt_geom(f["p"]))
            for f in FREIGHT
        ],
    )

    # divisions: byte copies with the licence beside them
    DIVISIONS.mkdir(parents=True, exist_ok=True)
    for src in (DIV_CSV, DIV_LICENSE):
        dst = DIVISIONS / src.name
        if src.resolve() != dst.resolve():
            shutil.copyfile(src, dst)

    # report
    a = {g: multipolygon_area_m2(URBAN_MP[g]) / KM2 for g in URBAN_MP}
    s = {g: multipolygon_area_m2(URBAN_MP[g], simple=True) / KM2 for g in URBAN_MP}
    union = abs(ring_area_m2(G3)) / KM2
    print("areas (km², WGS84 ellipsoid, equal-area; in brackets with 1° = 91,040 m lon / 110,950 m lat):")
    for g in (1, 2, 3):
        print(f"  urban grade {g}: {a[g]:.4f} [{s[g]:.4f}]")
    print(f"    grade-1 hole / grade-2 island: {abs(ring_area_m2(HOLE)) / KM2:.4f}")
    print(f"  urban union (grade 1+2+3): {union:.4f} [{abs(ring_area_simple_m2(G3)) / KM2:.4f}]  (gazette 30.42)")
    assert abs(a[1] + a[2] + a[3] - union) < 1e-6
    assert abs(union - UNION_KM2) / UNION_KM2 < 0.01
    print(f"  truck-ban zone (between the road centrelines): {abs(ring_area_m2(TRUCK_ZONE)) / KM2:.4f}")
    for e in EXPRO:
        print(f"  {e['decision_no']} {e['project']}: {abs(ring_area_m2(e['ring'])) / KM2:.4f}")
    print(f"  collective zones: {len(COLLECTIVE)}, total {sum(abs(ring_area_m2(c['ring'])) for c in COLLECTIVE) / KM2:.3f}")
    for c in CONSOLIDATION:
        print(f"  {c['name']}: {abs(ring_area_m2(c['ring'])) / KM2:.4f}")
    for c in SPONGE_PROJECTS:
        print(f"  {c['name']}: {abs(ring_area_m2(c['ring'])):.0f} m² (surfaces {c['surfaces']})")
    print(f"partition grid check: {n_grid} points, each in exactly one grade zone")
    print("county check: GCJ-02 boundary with 1.5 km margin" + (", WGS84 boundary with 300 m margin" if COUNTY_WGS else " (WGS84 file not present)"))
    below_n = sum(1 for o in ORIGIN if o["scale"] < threshold_of(o))
    subjects = len({o["subject_name"] for o in ORIGIN})
    updated_n = sum(1 for o in ORIGIN if o["updated_on"])
    print(f"origin points: {len(ORIGIN)} records of {subjects} subjects ({below_n} below threshold, {updated_n} updated)")
    print("test points:")
    for k, p in TEST_POINTS.items():
        print(f"  {k} {p[0]:.7f} {p[1]:.7f} -> {zones_at(p) or ['(none)']}")
    for f in sorted(DEMO.glob("*.geojson")):
        n = len(json.loads(f.read_text(encoding="utf-8"))["features"])
        print(f"  wrote {f.relative_to(ROOT)}: {n} features")


if __name__ == "__main__":
    main()
