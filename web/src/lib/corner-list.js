// A pasted corner list (界址点坐标) read into a parcel polygon. Pure.
//
// Lines as surveyors write them: `J1 3890148.98 37479039.53` (point name, X = northing,
// Y = easting with its zone number — the Chinese survey convention), `J1,1,X,Y` (with a
// ring number, as land approval coordinate files), plain `X Y` pairs, or `lon,lat`
// pairs; separated by spaces, tabs, commas (also ，、；). The CRS is recognised by the
// numbers' ranges as the server does (crates/spatial gauss_kruger::detect): an easting
// above 10⁷ carries its zone number (13–23 a 6° zone, 25–45 a 3° zone), a plain easting
// (100–900 km) with a northing of China is the county's zone EPSG:4546 (CGCS2000 3° CM
// 111°E), degrees are lon/lat (EPSG:4490 CGCS2000 ≈ WGS84). A chosen CRS is taken as
// given. The ring is closed automatically and checked: at least 3 distinct corners, no
// repeated corner, no edges crossing (a corner out of order). Every problem names its
// line, in the page language.

import { t } from './i18n.js';

/** The county's zone: CGCS2000 / 3-degree Gauss-Kruger CM 111E (no zone number). */
export const COUNTY_ZONE = 'EPSG:4546';
/** The CRS choices of the paste box ('' = recognised by range). */
export const CORNER_CRS = ['', 'EPSG:4546', 'EPSG:4525', 'EPSG:4490', 'EPSG:4326'];

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const NORTHINGS = [1_700_000, 6_000_000];
const PLAIN_EASTINGS = [100_000, 900_000];

/** The EPSG code of an easting carrying its zone number, or null. */
function numberedZone(easting) {
  if (!(easting >= 1e7 && easting < 1e8)) return null;
  const zone = Math.floor(easting / 1e6);
  if (Math.abs(easting - (zone * 1e6 + 500_000)) >= 500_000) return null;
  if (zone >= 13 && zone <= 23) return `EPSG:${4491 + zone - 13}`;
  if (zone >= 25 && zone <= 45) return `EPSG:${4513 + zone - 25}`;
  return null;
}
const isNorthing = (v) => v >= NORTHINGS[0] && v < NORTHINGS[1];
const isPlainEasting = (v) => v >= PLAIN_EASTINGS[0] && v < PLAIN_EASTINGS[1];

/**
 * What a pair of numbers is: `{crs, northingFirst}` for Gauss-Krüger (either order),
 * `{crs: 'EPSG:4490', lonFirst}` for degrees of China, or null.
 */
export function recognise(a, b) {
  if (isNorthing(a) && (numberedZone(b) || isPlainEasting(b))) return { crs: numberedZone(b) ?? COUNTY_ZONE, northingFirst: true };
  if (isNorthing(b) && (numberedZone(a) || isPlainEasting(a))) return { crs: numberedZone(a) ?? COUNTY_ZONE, northingFirst: false };
  const lon = (v) => v >= 73 && v <= 136;
  const lat = (v) => v >= 3 && v <= 54;
  if (lon(a) && lat(b)) return { crs: 'EPSG:4490', lonFirst: true };
  if (lat(a) && lon(b)) return { crs: 'EPSG:4490', lonFirst: false };
  return null;
}

const isGeographic = (crs) => ['EPSG:4490', 'EPSG:4326'].includes(crs);

/** Splits a line into a point name (or null), an optional ring number and the numbers. */
function fields(line) {
  const parts = line.trim().split(/[\s,，、;；]+/).filter(Boolean);
  let name = null;
  if (parts.length && !NUMBER.test(parts[0])) name = parts.shift();
  return { name, parts };
}

/** Whether segments p1p2 and p3p4 cross (proper intersection or touching). */
function segmentsCross(p1, p2, p3, p4) {
  const d = (a, b, c) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  const d1 = d(p3, p4, p1);
  const d2 = d(p3, p4, p2);
  const d3 = d(p1, p2, p3);
  const d4 = d(p1, p2, p4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (a, b, c) => Math.min(a[0], b[0]) <= c[0] && c[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= c[1] && c[1] <= Math.max(a[1], b[1]);
  return (d1 === 0 && on(p3, p4, p1)) || (d2 === 0 && on(p3, p4, p2)) || (d3 === 0 && on(p1, p2, p3)) || (d4 === 0 && on(p1, p2, p4));
}

/** Shoelace area in the ring's own units (positive counter-clockwise in x=east, y=north). */
const planarSigned = (ring) => ring.reduce((s, p, i) => {
  const q = ring[(i + 1) % ring.length];
  return s + (p[0] * q[1] - q[0] * p[1]);
}, 0) / 2;

/**
 * Reads `text` in `crs` ('' or absent: recognised by range). Returns `{parcel, crs, corners,
 * clockwise, notes, errors}`: `parcel` a GeoJSON Polygon in `crs` with [easting, northing]
 * or [lon, lat] positions (null when there are errors), `corners` `[{line, name, x, y}]`
 * as read (x = northing / lat, y = easting / lon), `errors` `[{line, message}]` (line 0:
 * the whole list).
 */
export function parseCornerList(text, crs = '') {
  const errors = [];
  const notes = [];
  const rows = [];
  const lines = String(text ?? '').replace(/^\uFEFF/, '').split(/\r?\n/);
  const rings = new Set();
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    if (!/\d/.test(trimmed)) return; // a header such as 点号 X Y
    const { name, parts } = fields(trimmed);
    const bad = parts.find((p) => !NUMBER.test(p));
    if (bad !== undefined) return errors.push({ line, message: t('corners_not_number', bad) });
    const nums = parts.map(Number);
    let pair;
    if (nums.length === 2) pair = nums;
    else if (nums.length === 3 && Number.isInteger(nums[0]) && nums[0] < 1000) {
      rings.add(nums[0]);
      pair = nums.slice(1);
    } else return errors.push({ line, message: t('corners_count', nums.length) });
    rows.push({ line, name, a: pair[0], b: pair[1] });
  });
  if (rings.size > 1) errors.push({ line: 0, message: t('corners_rings', rings.size) });

  // The CRS: chosen, or recognised from the first pair, every pair checked against it.
  let used = crs || '';
  if (!used) {
    const first = rows.map((r) => recognise(r.a, r.b)).find(Boolean);
    if (first) {
      used = first.crs;
      notes.push(t('corners_recognised', used));
    } else if (rows.length) errors.push({ line: rows[0].line, message: t('corners_unknown_crs') });
  }
  const corners = [];
  for (const r of rows) {
    if (!used) break;
    const rec = recognise(r.a, r.b);
    let easting;
    let northing;
    if (isGeographic(used)) {
      if (rec?.lonFirst === undefined) { errors.push({ line: r.line, message: t('corners_out_of_range', used) }); continue; }
      [easting, northing] = rec.lonFirst ? [r.a, r.b] : [r.b, r.a];
    } else {
      if (rec?.northingFirst === undefined) { errors.push({ line: r.line, message: t('corners_out_of_range', used) }); continue; }
      [northing, easting] = rec.northingFirst ? [r.a, r.b] : [r.b, r.a];
      const zoned = numberedZone(easting);
      const code = Number(used.replace('EPSG:', ''));
      const usedNumbered = (code >= 4491 && code <= 4501) || (code >= 4513 && code <= 4533);
      if (zoned ? zoned !== used : usedNumbered) {
        errors.push({ line: r.line, message: zoned ? t('corners_other_zone', zoned) : t('corners_out_of_range', used) });
        continue;
      }
    }
    corners.push({ line: r.line, name: r.name ?? `J${corners.length + 1}`, x: northing, y: easting });
  }
  if (!rows.length && !errors.length) errors.push({ line: 0, message: t('corners_empty') });

  // Closed automatically: a last corner repeating the first is the closing one.
  const ring = corners.map((c) => [c.y, c.x]);
  if (ring.length > 1 && ring[0][0] === ring.at(-1)[0] && ring[0][1] === ring.at(-1)[1]) {
    ring.pop();
    corners.pop();
    notes.push(t('corners_closed'));
  }
  for (let i = 1; i < ring.length; i++) {
    const j = ring.findIndex((p) => p[0] === ring[i][0] && p[1] === ring[i][1]);
    if (j < i) errors.push({ line: corners[i].line, message: t('corners_repeated', corners[j].name) });
  }
  if (!errors.length && corners.length < 3) errors.push({ line: 0, message: t('corners_too_few', corners.length) });
  if (!errors.length) {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      for (let j = i + 2; j < n; j++) {
        if (i === 0 && j === n - 1) continue; // neighbours through the closing edge
        if (segmentsCross(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n])) {
          errors.push({ line: corners[j].line,
            message: t('corners_crossing', { a: `${corners[i].name}–${corners[(i + 1) % n].name}`, b: `${corners[j].name}–${corners[(j + 1) % n].name}` }) });
        }
      }
    }
  }
  errors.sort((a, b) => a.line - b.line);
  const clockwise = ring.length >= 3 ? planarSigned(ring) < 0 : null;
  return {
    parcel: errors.length ? null : { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
    crs: used || null,
    corners,
    clockwise,
    notes,
    errors,
  };
}
