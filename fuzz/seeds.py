#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets to fuzz/corpus/<target>/.

Seeds are small real inputs: the bundled demo layers of data/, the forms and
tracks of the tests, and a few hand-made edge cases. Targets whose first input
byte is a selector (layer, CRS, encoding, track options) get it prepended here.
Run it after changing a seed; the files it writes are committed, so fuzzing
never depends on this script.
"""

import json
import shutil
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# Index of each layer in landtrace_domain::LayerKind::ALL (the selector byte of
# geojson_parse_features).
LAYER_INDEX = {
    "urban_grade_zones": 3,
    "collective_grade_zones": 4,
    "truck_ban_zone": 6,
    "expropriation_areas": 7,
    "consolidation_projects": 8,
    "sponge_projects": 9,
    "sponge_facilities": 10,
    "waterlogging_points": 11,
    "origin_points": 12,
    "village_clinics": 13,
    "freight_sources": 14,
    "truck_passes": 15,
}


def demo(name: str) -> str:
    return (ROOT / "data" / "demo" / f"{name}.geojson").read_text(encoding="utf-8")


def first_features(text: str, n: int) -> str:
    """A FeatureCollection of the first `n` features of `text` (for big layers)."""
    doc = json.loads(text)
    doc["features"] = doc["features"][:n]
    return json.dumps(doc, ensure_ascii=False)


def write(target: str, seeds: dict) -> None:
    folder = CORPUS / target
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, content in seeds.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)


def with_selector(selector: int, text) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return bytes([selector]) + data


# --- layer GeoJSON import -------------------------------------------------
layer_seeds = {}
for layer, index in LAYER_INDEX.items():
    text = demo(layer)
    if len(text) > 4000:
        text = first_features(text, 3)
    layer_seeds[layer] = with_selector(index, text)
layer_seeds["single_feature"] = with_selector(
    14, '{"type":"Feature","geometry":{"type":"Point","coordinates":[110.7,35.1]},"properties":{"name":"a"}}'
)
layer_seeds["null_geometry"] = with_selector(
    15, '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":null}]}'
)
layer_seeds["polygon_with_hole"] = with_selector(
    7,
    '{"type":"Feature","properties":{"name":"x","decision_no":"1","accuracy":"illustrative"},'
    '"geometry":{"type":"Polygon","coordinates":[[[110.70,35.10],[110.80,35.10],[110.80,35.20],[110.70,35.20],'
    "[110.70,35.10]],[[110.74,35.14],[110.76,35.14],[110.76,35.16],[110.74,35.14]]]}}",
)
write("geojson_parse_features", layer_seeds)

# --- parcel files ----------------------------------------------------------
parcel_geojson = {
    "expropriation_areas_wgs84": with_selector(0, demo("expropriation_areas")),
    "consolidation_projects_gcj02": with_selector(1, demo("consolidation_projects")),
    "mixed_rows": with_selector(
        0,
        '{"type":"FeatureCollection","features":[{"type":"Feature","id":"A-1","properties":{},'
        '"geometry":{"type":"Polygon","coordinates":[[[110.70,35.10],[110.71,35.10],[110.71,35.11],[110.70,35.10]]]}},'
        '{"type":"Feature","properties":{"name":"二号"},"geometry":{"type":"Point","coordinates":[0,0]}},'
        '{"type":"Feature","properties":{},"geometry":null}]}',
    ),
    "bare_multipolygon": with_selector(
        1,
        '{"type":"MultiPolygon","coordinates":[[[[110.70,35.10],[110.71,35.10],[110.71,35.11],[110.70,35.10]]],'
        "[[[110.72,35.10],[110.73,35.10],[110.73,35.11],[110.72,35.10]]]]}",
    ),
    "bow_tie": with_selector(
        0,
        '{"type":"Feature","properties":{"id":7},"geometry":{"type":"Polygon","coordinates":'
        "[[[110.77,35.14],[110.78,35.15],[110.78,35.14],[110.77,35.15],[110.77,35.14]]]}}",
    ),
}
write("read_parcels_geojson", parcel_geojson)

write(
    "read_parcels_csv_wkt",
    {
        "wkt_rows": with_selector(
            0,
            "\ufeffid,wkt\nP1,\"POLYGON((110.70 35.10,110.71 35.10,110.71 35.11,110.70 35.10))\"\n"
            "P2,POLYGON((0 0\n"
            'P3,"MULTIPOLYGON(((110.70 35.10,110.71 35.10,110.71 35.11,110.70 35.10)),'
            '((110.72 35.10,110.73 35.10,110.73 35.11,110.72 35.10)))"\n',
        ),
        "geometry_column_gcj02": with_selector(
            1,
            "名称,geometry,面积\n一号,\"POLYGON((110.70 35.10,110.71 35.10,110.71 35.11,110.70 35.11,110.70 35.10),"
            '(110.702 35.102,110.704 35.102,110.704 35.104,110.702 35.102))",1\n二号,POINT(110 35),2\n',
        ),
        "no_wkt_column": with_selector(0, "a,b\n1,2\n"),
    },
)

# --- origin-point collection form -----------------------------------------
FORM_HEADER = (
    "序号,种养殖主体名称,主体类型,产品名称,乡镇,村,经度,纬度,联系人,联系方式,种养规模,规模单位,生产方式,追溯方式,采集日期"
)
FORM_ROWS = [
    "1,黑盒测试豇豆种植户,种养殖户,豇豆,猗氏镇,王村,110.70,35.15,测试甲,139 1234 0001,0.49,亩,露地,承诺达标合格证,2023-06-13",
    "2,黑盒测试嵋阳家庭农场,家庭农场,韭菜,崞阳镇,曹家营村,110.80,35.20,测试乙,13912340002,12,亩,设施,追溯码,2023/6/14",
    '3,黑盒测试生猪养殖专业合作社,农民专业合作社,生猪,庙上乡,北贯村,110.68,35.17,测试丙,03594028132,120,头,,'
    '"动物检疫合格证明、耳标",2023-06-15',
]
form = "\r\n".join([FORM_HEADER] + FORM_ROWS) + "\r\n"
titled = "附件1\r\n重点农产品产地溯源信息采集表\r\n填报单位：,,\r\n" + form
tabbed = "\n".join(line.replace(",", "\t") for line in [FORM_HEADER] + FORM_ROWS[:2]) + "\n"
english = (
    "subject_name,subject_type,product,township,village,lon,lat,contact_phone,scale,scale_unit,collected_on\n"
    "测试农场,家庭农场,苹果,临晋镇,,110.6,35.1,13800000000,5,亩,2023年6月1日\n"
)
write(
    "origin_form_csv",
    {
        "utf8_auto": with_selector(0, form),
        "utf8_bom": with_selector(1, b"\xef\xbb\xbf" + form.encode("utf-8")),
        "gbk_auto": with_selector(0, form.encode("gbk")),
        "gbk_explicit": with_selector(2, titled.encode("gbk")),
        "tab_separated": with_selector(0, tabbed),
        "english_headers": with_selector(1, english),
        "units_in_header": with_selector(0, "种养殖主体名称,产品名称,种养规模（头）\n示例猪场,生猪,30\n"),
    },
)

record = {
    "lon": 110.70, "lat": 35.15, "subject_name": "黑盒测试令牌农场", "subject_type": "家庭农场",
    "product": "韭菜", "township": "猗氏镇", "contact_name": "测试丁", "contact_phone": "13912340004",
    "scale": 2.0, "scale_unit": "亩", "collected_on": "2023-06-13",
}
first_origin = json.loads(demo("origin_points"))["features"][0]["properties"]
write(
    "check_origin_record",
    {
        "api_record": json.dumps(record, ensure_ascii=False),
        "stored_record": json.dumps(first_origin, ensure_ascii=False),
        "pig_farm": json.dumps(
            {"subject_name": "示例猪场", "subject_type": "农民专业合作社", "product": "生猪", "township": "庙上乡",
             "village": "北贯村", "contact_phone": "0359-4028132", "scale": "120头", "trace_means": "耳标、追溯码",
             "industrialised": "是", "collected_on": "2023/6/15", "updated_on": "2023年7月1日"},
            ensure_ascii=False,
        ),
    },
)

# --- tracks ----------------------------------------------------------------
TRACK = [("2024-05-01T10:00:00+08:00", 110.745, 35.14), ("2024-05-01T10:00:30+08:00", 110.76, 35.14),
         ("2024-05-01T10:01:00+08:00", 110.775, 35.14), ("2024-05-01T21:59:50+08:00", 110.78, 35.15),
         ("2024-05-01T22:00:10+08:00", 110.781, 35.15)]
csv_track = "time,lon,lat\n" + "".join(f"{t},{lon},{lat}\n" for t, lon, lat in TRACK)
csv_aliases = "\ufeffSpeed,LNG,Timestamp,latitude\r\n\r\n3,110.77,\"1714564800\",35.14\r\n4,110.78,1714564830.5,35.14\r\n"
csv_errors = "time,lon,lat\n,110,35\n2024-05-01T00:00:00,110,35\n1,abc,35\n1,110\n1,NaN,35\n1,110,95\n2,110.77,35.14\n"
write(
    "track_csv",
    {
        "track_wgs84": with_selector(0, csv_track),
        "track_gcj02_day_gap": with_selector(5, csv_track),
        "aliases_bom_quotes": with_selector(0, csv_aliases),
        "record_errors_no_gap": with_selector(2, csv_errors),
        "unbounded_gap": with_selector(6, "time,lon,lat\n0,110.77,35.14\n100000000000,110.77,35.14\n"),
    },
)
gpx_track = (
    '<?xml version="1.0"?>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n'
    + "".join(f'  <trkpt lat="{lat}" lon="{lon}"><ele>380</ele><time>{t}</time></trkpt>\n' for t, lon, lat in TRACK)
    + "</trkseg></trk></gpx>\n"
)
gpx_odd = (
    '<gpx><!-- <trkpt lat="1" lon="1"><time>1970-01-01T00:00:00Z</time></trkpt> -->'
    '<trk><trkseg><trkpt lon="110.75"\n lat="35.14"><time>\n 2024-05-01T00:00:01.5Z\n</time>'
    "<extensions><![CDATA[ <time>x</time> > ]]></extensions></trkpt><trkpt lat='35.14' lon='110.76'/>"
    '<gpx:trkpt lat="35.14" lon="110.77"><gpx:time>2024-05-01T00:00:03Z</gpx:time>'
    '<trkpt lat="NaN" lon="110"><time>1</time></trkpt></trkseg></trk></gpx>'
)
write(
    "track_gpx",
    {
        "track_wgs84": with_selector(0, gpx_track),
        "track_gcj02": with_selector(1, gpx_track),
        "comments_cdata_prefixes": with_selector(0, gpx_odd),
    },
)
points = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"time": t}}
        for t, lon, lat in TRACK
    ]
    + [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [110.79, 35.15]},
        "properties": {"time": 1714571000.5}}],
}
line = {
    "type": "Feature",
    "geometry": {"type": "LineString", "coordinates": [[lon, lat] for _, lon, lat in TRACK]},
    "properties": {"times": [t for t, _, _ in TRACK[:-1]] + [None]},
}
write(
    "track_geojson",
    {
        "points": with_selector(0, json.dumps(points)),
        "line_string_gcj02": with_selector(1, json.dumps(line)),
        "coord_times_mismatch": with_selector(
            0,
            '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString",'
            '"coordinates":[[110.5,35.25]]},"properties":{"coordTimes":[]}}]}',
        ),
    },
)

# --- times, dates, names ----------------------------------------------------
times = ["2024-05-01T12:00:00Z", "2024-05-01t20:00:00+0800", "2024-05-01 07:30:00-04:30", "2024-05-01T20:00:00+08",
         "2024-05-01T12:00:00.123999Z", "2016-12-31T23:59:60Z", "1969-12-31T23:59:59Z", "0001-01-01T00:00:00+08:00",
         "9999-12-31T23:59:59-12:00", "1714564800.25", "-1.5", "2023-02-29T12:00:00Z"]
write("track_time", {f"t{i:02}": t for i, t in enumerate(times)})
write("truck_ban_time", {f"t{i:02}": t for i, t in enumerate(times)})
write(
    "truck_ban_query",
    {
        "measured_with_pass": json.dumps(
            {"at": "2023-05-31T22:00:00Z",
             "vehicle": {"length_mm": 9000, "total_mass_kg": 18000, "body": "open", "energy": "fuel",
                         "plate": "晋M12345"},
             "inside_zone": True, "on_boundary_road": False,
             "pass": {"plate": "晋M12345", "valid_from": "2023-03-01", "valid_to": "2023-05-31",
                      "windows": [{"start_minute": 0, "end_minute": 1440}], "area": "whole_zone", "source": "paper"}},
            ensure_ascii=False,
        ),
        "class_only": '{"at":"2023-06-01T10:00:00+08:00","vehicle":{"class":"heavy","body":"open","energy":"fuel"},'
        '"inside_zone":true,"on_boundary_road":false}',
        "pass_record": json.dumps(json.loads(demo("truck_passes"))["features"][1]["properties"], ensure_ascii=False),
    },
)
write("date_parse", {f"d{i:02}": d for i, d in enumerate(
    ["2023-06-13", "2024-02-29", "0001-01-01", "9999-12-31", "2023/6/14", "2023.06.15", "2023年6月1日", "２０２３-０６-１３"])})
write("iso_week_parse", {f"w{i:02}": w for i, w in enumerate(
    ["2023-W24", "2020W53", "2023-w5", "0001-W01", "9999-W52", " 2021-W01 "])})
write("crs_parse", {f"c{i:02}": c for i, c in enumerate(["EPSG:4326", "4490", "cgcs2000", " gcj-02 ", "GCJ02"])})
write("tile_coord", {f"t{i:02}": t for i, t in enumerate(
    ["0/0/0.mvt", "14/13427/6498.mvt", "24/16777215/16777215.mvt", "25/0/0.mvt", "3/8/0.mvt"])})
write("money_parse_yuan", {f"m{i:02}": m for i, m in enumerate(["800000", "800000.5", "1805.25", "0.01",
                                                                "1000000000000000"])})
write("sponge_surfaces", {f"s{i:02}": s for i, s in enumerate(
    ["屋面=6000;混凝土或沥青路面=5000;绿地=7000", "绿地：1200平方米，屋面=300㎡", "水面=10m²\n透水铺装=20m2"])})


# --- land approval coordinate files (建设用地报批 坐标文件) --------------------------
def approval_square(ring: int, east: float, north: float, size: float, prefix: str = "37") -> list:
    corners = [(0, 0), (0, size), (size, size), (size, 0), (0, 0)]
    return [
        f"J{i % 4 + 1},{ring},{3890150 + north + dn:.3f},{prefix}{479040 + east + de:.3f}"
        for i, (dn, de) in enumerate(corners)
    ]


def approval_file(zone_lines: str, prefix: str = "37") -> str:
    one = approval_square(1, 0, 0, 100, prefix) + approval_square(2, 35, 35, 30, prefix) + approval_square(
        3, 160, 0, 50, prefix
    )
    two = approval_square(1, 260, 0, 60, prefix)[:-1]
    return (
        "[属性描述]\n格式版本号=1.01\n数据产生单位=临猗县自然资源局\n数据产生日期=2024-5-1\n"
        f"坐标系=2000国家大地坐标系\n{zone_lines}\n投影类型=高斯克吕格\n计量单位=米\n精度=0.01\n转换参数=,,,,,,\n"
        "[地块坐标]\n15,1.1600,1,一号地块,面,,商服用地,05,@\n" + "\n".join(one) + "\n"
        "4,0.3600,2,二号地块,面,,住宅用地,07,@\n" + "\n".join(two) + "\n"
    )


approval = approval_file("几度分带=3\n带号=37")
write(
    "approval_coordinates",
    {
        "zone37_prefixed_utf8": approval,
        "zone37_prefixed_gbk": approval.encode("gbk"),
        "bom_crlf": b"\xef\xbb\xbf" + approval.replace("\n", "\r\n").encode("utf-8"),
        "zone19_six_degrees_unprefixed": approval_file("几度分带=6\n带号=19", prefix=""),
        "zone_from_eastings": approval_file("几度分带=\n带号="),
        "zone_mismatch": approval_file("几度分带=3\n带号=38"),
        "xian80": approval.replace("2000国家大地坐标系", "1980西安坐标系").encode("gbk"),
        "short_row": approval.replace("J2,1,3890150.000,37479140.000", "J2,1,3890150.000", 1),
    },
)

# --- WKB ----------------------------------------------------------------------
def wkb_header(kind: int, little: bool = True) -> bytes:
    return struct.pack("<BI" if little else ">BI", 1 if little else 0, kind)


def wkb_coords(coords, little=True) -> bytes:
    fmt = "<" if little else ">"
    return struct.pack(fmt + "I", len(coords)) + b"".join(struct.pack(fmt + "dd", x, y) for x, y in coords)


RING = [(110.70, 35.10), (110.80, 35.10), (110.80, 35.20), (110.70, 35.10)]
HOLE = [(110.74, 35.14), (110.76, 35.14), (110.76, 35.16), (110.74, 35.14)]
polygon_body = struct.pack("<I", 2) + wkb_coords(RING) + wkb_coords(HOLE)
write(
    "wkb_decode",
    {
        "point": wkb_header(1) + struct.pack("<dd", 110.77, 35.14),
        "point_big_endian": wkb_header(1, False) + struct.pack(">dd", 110.77, 35.14),
        "line_string": wkb_header(2) + wkb_coords(RING),
        "polygon_with_hole": wkb_header(3) + polygon_body,
        "multi_point": wkb_header(4) + struct.pack("<I", 2) + wkb_header(1) + struct.pack("<dd", 1, 2)
        + wkb_header(1, False) + struct.pack(">dd", 3, 4),
        "multi_line_string": wkb_header(5) + struct.pack("<I", 1) + wkb_header(2) + wkb_coords(HOLE),
        "multi_polygon": wkb_header(6) + struct.pack("<I", 2) + wkb_header(3) + polygon_body
        + wkb_header(3) + struct.pack("<I", 1) + wkb_coords(HOLE),
        "empty_polygon": wkb_header(3) + struct.pack("<I", 0),
    },
)
print("seeds written to", CORPUS)
