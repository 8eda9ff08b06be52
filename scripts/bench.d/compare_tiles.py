#!/usr/bin/env python3
"""Compares decoded MVT feature counts per layer, landtrace against Martin (scripts/bench martin).

    compare_tiles.py LANDTRACE_BASE MARTIN_BASE LIST MARTIN_SOURCE SAMPLE TILESETS_TOML

LIST holds landtrace paths (/tiles/all/{z}/{x}/{y}.mvt, from tile_list.py); the same tile
is asked of Martin as /{MARTIN_SOURCE}/{z}/{x}/{y} (a composite of the same tables, one
MVT layer per table source). SAMPLE tiles are taken evenly from the list. Layers are
compared only at zooms inside the landtrace tile set's range for that layer (tilesets.toml);
Martin's auto-published tables have no such range, so its features outside it are
reported apart. Decoding uses the PyPI package mapbox-vector-tile.
"""
import gzip
import sys
import tomllib
import urllib.error
import urllib.request

import mapbox_vector_tile


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response.status, body
    except urllib.error.HTTPError as error:
        return error.code, b""


def counts(body):
    if not body:
        return {}
    return {name: len(layer["features"]) for name, layer in mapbox_vector_tile.decode(body).items()}


def main():
    landtrace, martin, list_path, source, sample, tilesets_path = sys.argv[1:7]
    sample = int(sample)
    with open(tilesets_path, "rb") as f:
        tilesets = tomllib.load(f)
    zooms = {name: (cfg.get("minzoom", 0), cfg.get("maxzoom", 30)) for name, cfg in tilesets["layers"].items()}
    layers = source.split(",")
    paths = [line.strip() for line in open(list_path) if line.strip()]
    step = max(1, len(paths) // sample)
    chosen = paths[::step][:sample]

    per_layer = {name: {"tiles": 0, "equal": 0, "lt": 0, "martin": 0, "examples": []} for name in layers}
    outside = {name: 0 for name in layers}
    statuses = {"landtrace": {}, "martin": {}}
    for path in chosen:
        z, x, y = path[len("/tiles/all/"):-len(".mvt")].split("/")
        status_lt, body_lt = fetch(landtrace + path)
        status_m, body_m = fetch(f"{martin}/{source}/{z}/{x}/{y}")
        statuses["landtrace"][status_lt] = statuses["landtrace"].get(status_lt, 0) + 1
        statuses["martin"][status_m] = statuses["martin"].get(status_m, 0) + 1
        if status_lt not in (200, 204) or status_m not in (200, 204):
            print(f"  {path}: HTTP landtrace {status_lt}, martin {status_m}", file=sys.stderr)
            continue
        lt, m = counts(body_lt), counts(body_m)
        for name in layers:
            lo, hi = zooms.get(name, (0, 30))
            if not lo <= int(z) <= hi:
                outside[name] += m.get(name, 0)
                continue
            row = per_layer[name]
            a, b = lt.get(name, 0), m.get(name, 0)
            row["tiles"] += 1
            row["lt"] += a
            row["martin"] += b
            if a == b:
                row["equal"] += 1
            elif len(row["examples"]) < 3:
                row["examples"].append(f"{z}/{x}/{y}: {a} vs {b}")

    print(f"feature counts in {len(chosen)} sampled tiles (every {step}th of the list); "
          f"HTTP statuses landtrace {statuses['landtrace']}, martin {statuses['martin']}")
    print(f"{'layer':24} {'tiles':>6} {'same count':>10} {'landtrace':>10} {'martin':>8}  first differences (z/x/y: landtrace vs martin)")
    total_tiles = total_equal = 0
    for name in layers:
        row = per_layer[name]
        total_tiles += row["tiles"]
        total_equal += row["equal"]
        print(f"{name:24} {row['tiles']:>6} {row['equal']:>10} {row['lt']:>10} {row['martin']:>8}  {'; '.join(row['examples'])}")
    print(f"layer-tiles with the same feature count: {total_equal} of {total_tiles}")
    extra = {name: n for name, n in outside.items() if n}
    if extra:
        print(f"features Martin serves at zooms outside the landtrace layer's range (not compared): {extra}")


if __name__ == "__main__":
    main()
