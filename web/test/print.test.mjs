// The pure modules of issue 16's measure, sketch, share and print: lib/measure.js,
// lib/corner-list.js, lib/share-link.js, tools/sketch/state.js (GeoJSON, KML),
// tools/print/state.js (layout, scale bar, corner table).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import geodesic from 'geographiclib-geodesic';

import { fixed } from '../src/lib/format.js';
import { setLang } from '../src/lib/i18n.js';
import { MU_PER_M2, areaM2, fmtArea, fmtLength, lengthM, ringSignedAreaM2 } from '../src/lib/measure.js';
import { COUNTY_ZONE, parseCornerList, recognise } from '../src/lib/corner-list.js';
import { decodeShare, encodeShare, shareUrl } from '../src/lib/share-link.js';
import { featureOf, sketchGeoJSON, sketchKML } from '../src/tools/sketch/state.js';
import {
  PX_PER_MM, cornerRows, metresPerPixel, pageSize, printLayout, roundScale, scaleBar, scaleDenominator,
} from '../src/tools/print/state.js';

setLang('zh');

/** The closed-form area of a lon/lat quadrangle on WGS84 (authalic latitude), the server test's oracle. */
function quadrangle(lon0, lat0, lon1, lat1) {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const e = Math.sqrt(e2);
  const q = (phi) => {
    const s = Math.sin((phi * Math.PI) / 180);
    return s / (1 - e2 * s * s) + (1 / (2 * e)) * Math.log((1 + e * s) / (1 - e * s));
  };
  return ((a * a * (1 - e2)) / 2) * ((lon1 - lon0) * Math.PI / 180) * (q(lat1) - q(lat0));
}
function meridianArc(lat0, lat1) {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const m = (deg) => (a * (1 - e2)) / (1 - e2 * Math.sin((deg * Math.PI) / 180) ** 2) ** 1.5;
  const n = 1000;
  const h = (lat1 - lat0) / n;
  let s = m(lat0) + m(lat1);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * m(lat0 + i * h);
  return ((s * h) / 3) * (Math.PI / 180);
}
const rect = (x0, y0, x1, y1) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

test('areas: a lon/lat cell is the ellipsoidal quadrangle, orientation and holes', () => {
  for (const [x0, y0, x1, y1] of [[110.71, 35.11, 110.72, 35.12], [110.5, 34.9, 110.9, 35.3], [110.77, 35.14, 110.7701, 35.1401]]) {
    const expected = quadrangle(x0, y0, x1, y1);
    const got = areaM2({ type: 'Polygon', coordinates: [rect(x0, y0, x1, y1)] });
    assert.ok(Math.abs(got / expected - 1) < 1e-9, `${got} vs ${expected}`);
    assert.ok(Math.abs(ringSignedAreaM2(rect(x0, y0, x1, y1).reverse()) + expected) < 1e-6 * expected);
  }
  // The server's doc example: a 0.01° cell at 临猗县 is 1,010,990.6 m².
  assert.ok(Math.abs(areaM2({ type: 'Polygon', coordinates: [rect(110.77, 35.14, 110.78, 35.15)] }) - 1010990.6) < 0.1);
  const hole = areaM2({ type: 'Polygon', coordinates: [rect(110.7, 35.1, 110.8, 35.2), rect(110.72, 35.12, 110.73, 35.13)] });
  assert.ok(Math.abs(hole - (quadrangle(110.7, 35.1, 110.8, 35.2) - quadrangle(110.72, 35.12, 110.73, 35.13))) < 1e-3);
  // Against geographiclib (geodesic edges bow poleward of the lon/lat lines): within 5e-6 for a 1 km parcel.
  const ring = [[110.77, 35.14], [110.781, 35.142], [110.779, 35.151], [110.768, 35.148]];
  const poly = geodesic.Geodesic.WGS84.Polygon(false);
  for (const [lon, lat] of ring) poly.AddPoint(lat, lon);
  const gl = Math.abs(poly.Compute(false, true).area);
  assert.ok(Math.abs(areaM2({ type: 'Polygon', coordinates: [[...ring, ring[0]]] }) / gl - 1) < 5e-6);
});

test('lengths are WGS84 geodesics; formats in m/km and m²/亩', () => {
  // A meridian arc 34.5°–35.5°N: ∫ a(1 − e²)/(1 − e² sin²φ)^1.5 dφ (Simpson).
  assert.ok(Math.abs(lengthM([[110.77, 34.5], [110.77, 35.5]]) - meridianArc(34.5, 35.5)) < 0.001);
  assert.equal(fmtLength(856.34), '856.3 m');
  assert.equal(fmtLength(12345.6), '12.346 km');
  assert.equal(MU_PER_M2 * 10000 / 15, 1);
  assert.deepEqual(fmtArea(666.6666667), { m2: '666.67 m²', mu: '1.0000 亩', km2: null });
  assert.equal(fmtArea(2.5e6).km2, '2.5000 km²');
});

test('corner lists: survey lines, pairs and lon/lat, recognised by range', () => {
  const survey = ['点号 X Y', 'J1 3890148.98 37479039.53', 'J2 3890148.98 37479139.53', 'J3 3890248.98 37479139.53', 'J4,3890248.98,37479039.53', 'J1 3890148.98 37479039.53'].join('\n');
  const r = parseCornerList(survey);
  assert.deepEqual(r.errors, []);
  assert.equal(r.crs, 'EPSG:4525');
  assert.equal(r.corners.length, 4, 'the repeated first corner closes the ring');
  assert.deepEqual(r.parcel.coordinates[0][0], [37479039.53, 3890148.98], 'GeoJSON order: easting, northing');
  assert.deepEqual(r.parcel.coordinates[0][4], r.parcel.coordinates[0][0]);
  assert.equal(r.clockwise, false);
  // Plain X Y without zone number: the county's zone; Y X order is recognised too.
  const plain = parseCornerList('3890148.98 479039.53\n3890148.98 479139.53\n3890248.98 479139.53');
  assert.equal(plain.crs, COUNTY_ZONE);
  assert.equal(parseCornerList('479039.53 3890148.98\n479139.53 3890148.98\n479139.53 3890248.98').parcel.coordinates[0][1][0], 479139.53);
  const lonlat = parseCornerList('110.77,35.14\n110.78,35.14\n110.78，35.15');
  assert.equal(lonlat.crs, 'EPSG:4490');
  assert.deepEqual(lonlat.parcel.coordinates[0][2], [110.78, 35.15]);
  // Ring numbers as in approval files; a chosen CRS.
  assert.equal(parseCornerList('J1,1,3890148.98,479039.53\nJ2,1,3890148.98,479139.53\nJ3,1,3890248.98,479139.53', 'EPSG:4546').crs, 'EPSG:4546');
  assert.equal(recognise(110.77, 35.14).lonFirst, true);
  assert.equal(recognise(1, 2), null);
});

test('corner lists: every problem names its line, in Chinese', () => {
  const r = parseCornerList('J1 3890148.98 37479039.53\nJ2 3890148.98 3747x\nJ3 3890248.98\nJ4 3890248.98 37479139.53');
  assert.equal(r.parcel, null);
  assert.deepEqual(r.errors.map((e) => e.line), [2, 3]);
  assert.match(r.errors[0].message, /“3747x”不是数字/);
  assert.match(r.errors[1].message, /此行有 1 个数/);
  // Corners out of order: edges J1–J2 and J3–J4 cross.
  const bow = parseCornerList('J1 0 0\n'.replace('0 0', '3890000 479000') + 'J2 3890100 479100\nJ3 3890000 479100\nJ4 3890100 479000');
  assert.equal(bow.parcel, null);
  assert.match(bow.errors[0].message, /边 J1–J2 与边 J3–J4 相交/);
  assert.match(parseCornerList('J1 3890000 479000\nJ2 3890100 479100\nJ3 3890000 479000\nJ4 3890100 479000').errors[0].message, /与 J1 重复/);
  assert.match(parseCornerList('3890000 479000\n3890100 479100').errors[0].message, /至少需要 3 个/);
  assert.match(parseCornerList('1 2\n3 4\n5 6').errors[0].message, /无法按数值范围识别坐标系/);
  assert.match(parseCornerList('J1 3890148.98 37479039.53', 'EPSG:4546').errors[0].message, /EPSG:4525/);
  assert.match(parseCornerList('110.77 35.14\n110.78 35.14\n110.78 35.15', 'EPSG:4546').errors[0].message, /不在 EPSG:4546 的范围内/);
  assert.equal(parseCornerList('').errors[0].message, '没有坐标');
});

test('share links: encode and decode the view, layers and selection', () => {
  const view = { center: [110.7712345, 35.1412345], zoom: 13.456, layers: ['urban_grade_zones', 'townships'], selected: [110.7723456, 35.1398765] };
  const hash = encodeShare(view);
  assert.equal(hash, '#map=13.46/35.14123/110.77123&layers=urban_grade_zones,townships&sel=110.7723456,35.1398765');
  const back = decodeShare(hash);
  assert.deepEqual(back, { center: [110.77123, 35.14123], zoom: 13.46, layers: view.layers, selected: view.selected });
  assert.deepEqual(decodeShare('#layers=').layers, []);
  assert.deepEqual(decodeShare('#map=99/1/2&sel=500,1'), { center: null, zoom: null, layers: null, selected: null });
  assert.equal(shareUrl('http://h/?lang=en#old', { center: [1, 2], zoom: 3 }), 'http://h/?lang=en#map=3/2/1');
});

test('sketch: measured features as GeoJSON and KML with escaped names', () => {
  const line = featureOf('line', [[110.77, 34.5], [110.77, 35.5]], 1);
  assert.equal(line.properties.name, '测距1');
  assert.ok(Math.abs(line.properties.length_m - meridianArc(34.5, 35.5)) < 0.01);
  const poly = featureOf('polygon', rect(110.71, 35.11, 110.72, 35.12).slice(0, 4), 2);
  assert.ok(Math.abs(poly.properties.area_m2 - quadrangle(110.71, 35.11, 110.72, 35.12)) < 0.01);
  assert.equal(poly.properties.area_mu, Number((poly.properties.area_m2 * 15 / 10000).toFixed(4)));
  const fc = sketchGeoJSON([line, poly, featureOf('point', [[110.7, 35.1]], 3)]);
  assert.equal(fc.features.length, 3);
  assert.ok(!('area_m2' in fc.features[0].properties));
  line.properties.name = 'A&B <测>';
  const kml = sketchKML([line, poly]);
  assert.match(kml, /^<kml xmlns="http:\/\/www.opengis.net\/kml\/2.2">/);
  assert.ok(!kml.includes('A&B <'), 'names are escaped');
  assert.match(kml, /<name>A&#x26;B &#x3C;测><\/name>/);
  assert.match(kml, /<LineString><coordinates>110.77,34.5\n110.77,35.5<\/coordinates><\/LineString>/);
  assert.match(kml, /<Data name="area_m2"><value>/);
});

test('print layout: paper, map box, pixels, scale bar', () => {
  assert.deepEqual(pageSize('A3', 'landscape'), { w: 420, h: 297 });
  const a4 = printLayout({ paper: 'A4', orientation: 'portrait', dpi: 200 });
  assert.deepEqual(a4.map, { w: 190, h: 297 - 20 - 16 - 40 });
  assert.equal(a4.css.w, Math.round(190 * PX_PER_MM));
  assert.equal(a4.pixels.w, Math.round(a4.css.w * 200 / 96));
  assert.equal(a4.pageCss, '@page { size: 210mm 297mm; margin: 10mm; }');
  const a3 = printLayout({ paper: 'A3', orientation: 'landscape', dpi: 300 });
  assert.ok(Math.max(a3.pixels.w, a3.pixels.h) <= 4096, 'capped at the canvas limit');
  assert.ok(a3.dpi < 300);
  const half = printLayout({ withContent: true });
  assert.equal(half.map.h, Math.round((297 - 20 - 16 - 40) / 2));
  // Zoom 14 at 35°N (512-px tiles): 3.913 m per pixel; about 1:14,800 on paper; a bar at most 40 mm.
  const mpp = metresPerPixel(35, 14);
  assert.ok(Math.abs(mpp - (40075016.686 * Math.cos((35 * Math.PI) / 180)) / (512 * 2 ** 14)) < 1e-9);
  assert.ok(Math.abs(scaleDenominator(mpp) - mpp * 1000 / (25.4 / 96)) < 1e-6);
  assert.equal(roundScale(scaleDenominator(mpp)), 15000);
  const bar = scaleBar(mpp, 40);
  assert.equal(bar.label, '500 m');
  assert.ok(Math.abs(bar.mm - 500 / (mpp * PX_PER_MM)) < 1e-9 && bar.mm <= 40, String(bar.mm));
  assert.equal(scaleBar(metresPerPixel(35, 10), 40).label, '5 km');
  assert.equal(scaleBar(metresPerPixel(35, 18), 40).label, '20 m');
});

test('corner table rows with edge lengths in the projected CRS', () => {
  const corners = { crs: 'EPSG:4546', corners: [
    { name: 'J1', polygon: 0, ring: 0, lon: 110.77, lat: 35.14, x: 3890148.98, y: 479039.53 },
    { name: 'J2', polygon: 0, ring: 0, lon: 110.771, lat: 35.14, x: 3890148.98, y: 479130.53 },
    { name: 'J3', polygon: 0, ring: 0, lon: 110.771, lat: 35.141, x: 3890259.98, y: 479130.53 },
  ] };
  const rows = cornerRows(corners);
  assert.deepEqual(rows.map((r) => r.edge), ['91.00', '111.00', fixedHypot(91, 111)]);
  assert.equal(rows[0].x, '3890148.980');
  assert.equal(rows[0].lon, '110.77000000');
  assert.equal(cornerRows(null), null);
});
const fixedHypot = (a, b) => fixed(Math.hypot(a, b), 2);

test('i18n: no string key is defined twice in a language (a later one would silently replace the first)', async () => {
  const { readFileSync } = await import('node:fs');
  const s = readFileSync(new URL('../src/lib/i18n.js', import.meta.url), 'utf8');
  const zh = s.indexOf('\n  zh: {');
  const en = s.indexOf('\n  en: {');
  const end = s.indexOf('\n};', en);
  for (const [lang, from, to] of [['zh', zh, en], ['en', en, end]]) {
    const keys = [...s.slice(from, to).matchAll(/^ {4}([a-z_0-9]+):/gm)].map((m) => m[1]);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    assert.deepEqual(twice, [], `${lang}: ${twice}`);
    assert.ok(keys.length > 500, `${lang}: ${keys.length} keys read`);
  }
});
