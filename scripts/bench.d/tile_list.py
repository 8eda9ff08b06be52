#!/usr/bin/env python3
"""Prints the fixed tile list of the tile benchmark (scripts/bench tiles), one path a line.

- z8-z12: every tile covering the county bbox (lon 110.35-111.05, lat 34.95-35.35);
- z13-z16: a deterministic sample of distinct tiles inside that bbox, half drawn around
  the county seat (110.775 E, 35.14 N; roughly normal, sd ~0.03 deg lon / 0.02 deg lat,
  the dense demo data) and half uniformly over the bbox;
- the whole list shuffled deterministically, so every share of it mixes zooms.

Randomness is xorshift64* with fixed seeds (as in crates/spatial/benches/synthetic), and
the normal draws are sums of uniforms (no libm), so the list is the same on every run:
the script prints its SHA-256 to stderr for comparison.
"""
import hashlib
import math
import sys

WEST, EAST, SOUTH, NORTH = 110.35, 111.05, 34.95, 35.35
SEAT_LON, SEAT_LAT = 110.775, 35.14
SEAT_SD_LON, SEAT_SD_LAT = 0.03, 0.02
FULL_ZOOMS = range(8, 13)
SAMPLED = {13: 150, 14: 500, 15: 1000, 16: 1500}
SET = "all"


class XorShift64Star:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF or 1

    def next_u64(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def uniform(self):
        """In [0, 1), 53 bits."""
        return (self.next_u64() >> 11) / float(1 << 53)

    def normalish(self):
        """Irwin-Hall sum of 12 uniforms minus 6: mean 0, sd 1, within +-6."""
        return sum(self.uniform() for _ in range(12)) - 6.0

    def below(self, n):
        return self.next_u64() % n


def tile_x(lon, z):
    return int((lon + 180.0) / 360.0 * (1 << z))


def tile_y(lat, z):
    r = math.radians(lat)
    return int((1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * (1 << z))


def covering(z):
    xs = range(tile_x(WEST, z), tile_x(EAST, z) + 1)
    ys = range(tile_y(NORTH, z), tile_y(SOUTH, z) + 1)
    return [(z, x, y) for x in xs for y in ys]


def sampled(z, count):
    rng = XorShift64Star(0x9E3779B97F4A7C15 ^ (z * 0x1000193))
    seen, out, draw = set(), [], 0
    while len(out) < count:
        if draw % 2 == 0:
            lon = SEAT_LON + SEAT_SD_LON * rng.normalish()
            lat = SEAT_LAT + SEAT_SD_LAT * rng.normalish()
        else:
            lon = WEST + (EAST - WEST) * rng.uniform()
            lat = SOUTH + (NORTH - SOUTH) * rng.uniform()
        draw += 1
        if not (WEST <= lon <= EAST and SOUTH <= lat <= NORTH):
            continue
        t = (z, tile_x(lon, z), tile_y(lat, z))
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def main():
    tiles = [t for z in FULL_ZOOMS for t in covering(z)]
    for z, n in SAMPLED.items():
        tiles += sampled(z, n)
    rng = XorShift64Star(20231129)
    for i in range(len(tiles) - 1, 0, -1):  # Fisher-Yates
        j = rng.below(i + 1)
        tiles[i], tiles[j] = tiles[j], tiles[i]
    text = "".join(f"/tiles/{SET}/{z}/{x}/{y}.mvt\n" for z, x, y in tiles)
    sys.stdout.write(text)
    per_zoom = {}
    for z, _, _ in tiles:
        per_zoom[z] = per_zoom.get(z, 0) + 1
    summary = ", ".join(f"z{z}: {n}" for z, n in sorted(per_zoom.items()))
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    print(f"{len(tiles)} tiles ({summary}); sha256 {digest}", file=sys.stderr)


if __name__ == "__main__":
    main()
