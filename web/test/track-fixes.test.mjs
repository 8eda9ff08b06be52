// Reading a GPS track's fixes (web/src/lib/track-fixes.js) as the server does: the
// accepted times (crates/track/src/timestamp.rs), CSV, GPX and GeoJSON, CRS. The
// comparison with the server's own reading is in tests/browser/client-rules.test.mjs.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { gcjToWgs } from '../src/lib/gcj02.js';
import { parseTimeMs, readFixes, trackFormat } from '../src/lib/track-fixes.js';

const NOON = 1_714_564_800_000; // 2024-05-01T12:00:00Z

test('RFC 3339 times with Z or an offset, as the server reads them', () => {
  const cases = {
    '2024-05-01T12:00:00Z': NOON, '2024-05-01t12:00:00z': NOON, '2024-05-01 12:00:00Z': NOON,
    '2024-05-01T20:00:00+08:00': NOON, '2024-05-01T20:00:00+0800': NOON, '2024-05-01T20:00:00+08': NOON,
    '2024-05-01T07:30:00-04:30': NOON, '  2024-05-01T12:00:00Z ': NOON,
    '2024-05-01T12:00:00.5Z': NOON + 500, '2024-05-01T12:00:00.123999Z': NOON + 123,
    '2024-05-01T12:00:60Z': NOON + 60_000, '1970-01-01T00:00:00Z': 0, '1969-12-31T23:59:59Z': -1000,
    '2000-02-29T00:00:00Z': 951_782_400_000,
  };
  for (const [text, ms] of Object.entries(cases)) assert.equal(parseTimeMs(text), ms, text);
});

test('unix seconds', () => {
  const cases = { 1714564800: NOON, '1714564800.25': NOON + 250, '1714564800.': NOON, '-1.5': -1500, 0: 0, '+2': 2000 };
  for (const [text, ms] of Object.entries(cases)) assert.equal(parseTimeMs(text), ms, text);
});

test('refused times say why', () => {
  const cases = {
    '': 'empty', '   ': 'empty', 'bad': 'malformed', '2024-05-01T12:00:00': 'no_offset', '2024-02-30T00:00:00Z': 'out_of_range',
    '2023-02-29T00:00:00Z': 'out_of_range', '2024-05-01T24:00:00Z': 'out_of_range', '2024-05-01T12:00:00+24:00': 'out_of_range',
    '2024-05-01T12:00:00.Z': 'malformed', '2024-5-1T00:00:00Z': 'malformed', '1e9': 'malformed', '0x10': 'malformed',
    '1234567890123': 'malformed', '2024-05-01T12:00:00+8': 'malformed', '2024-05-01T12:00:00 Z': 'malformed',
  };
  for (const [text, why] of Object.entries(cases)) assert.deepEqual(parseTimeMs(text), { error: why }, text);
});

test('CSV: columns by name, fixes with their line, refused records left out', () => {
  const text = '\uFEFFspeed,Lat,LON,timestamp\r\n1,35.14,110.7,2024-05-01T12:00:00Z\r\n\r\n2,35.15,"110.71",1714564801\r\n'
    + '3,35.16,110.72,2024-05-01T12:00:02\r\n4,91,110.73,1714564803\r\n5,35.17,,1714564804\r\n6,35.18,1e1,1714564805\n';
  assert.deepEqual(readFixes(text, { format: 'csv' }), [
    { at: 'line 2', t: NOON, c: [110.7, 35.14] },
    { at: 'line 4', t: NOON + 1000, c: [110.71, 35.15] },
    // Issue 15: a time without an offset is Beijing time, as on the server.
    { at: 'line 5', t: NOON - 8 * 3_600_000 + 2000, c: [110.72, 35.16] },
    { at: 'line 8', t: NOON + 5000, c: [10, 35.18] },
  ]);
  assert.deepEqual(readFixes('when,lon,lat\n1,2,3\n', { format: 'csv' }), [], 'no time column: nothing');
  // The Chinese headers of the common GPS exports, units in brackets, slashes in dates.
  assert.deepEqual(readFixes('车牌号,定位时间,经度(°),纬度(°),速度\n晋M12345,2024/05/01 20:00:00,110.7,35.14,30\n', { format: 'csv' }),
    [{ at: 'line 2', t: NOON, c: [110.7, 35.14] }]);
  assert.deepEqual(readFixes('', { format: 'csv' }), []);
});

test('GPX: track points only, namespace prefixes, comments and CDATA skipped, the first time counts', () => {
  const text = '<gpx><wpt lat="1" lon="2"><time>1</time></wpt>\n<!-- <trkpt lat="1" lon="1"><time>1</time></trkpt> -->\n'
    + '<trk><trkseg><trkpt lat="35.1" lon="110.7"><time>1714564800</time><time>5</time></trkpt>\n'
    + "<gpx:trkpt lon='110.8' lat='35.2'><gpx:time>\n 2024-05-01T12:00:01Z\n</gpx:time><extensions><![CDATA[<time>9</time>>]]></extensions></gpx:trkpt>\n"
    + '<trkpt lat="35.3" lon="110.9"/>\n<trkpt lat="35.4" lon="111"><time>1714564803</time>\n<trkpt lat="35.5" lon="111.1"><time>1714564804</time></trkseg></trk></gpx>';
  assert.deepEqual(readFixes(text, { format: 'gpx' }), [
    { at: 'line 3', t: NOON, c: [110.7, 35.1] },
    { at: 'line 4', t: NOON + 1000, c: [110.8, 35.2] },
    { at: 'line 8', t: NOON + 3000, c: [111, 35.4] },
    { at: 'line 9', t: NOON + 4000, c: [111.1, 35.5] },
  ]);
});

test('GeoJSON: points with a time, lines with times or coordTimes', () => {
  const fc = { type: 'FeatureCollection', features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [110.7, 35.1, 400] }, properties: { time: '2024-05-01T12:00:00Z' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [110.7, 35.1] }, properties: { time: 1714564801.0004 } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [110.7, 35.1] }, properties: { t: 1714564802 } },
    { type: 'Feature', geometry: { type: 'LineString', coordinates: [[110.8, 35.2], [110.9, 35.3]] }, properties: { coordTimes: [1714564803, '1714564804'] } },
    { type: 'Feature', geometry: { type: 'LineString', coordinates: [[110.8, 35.2]] }, properties: { times: [] } },
  ] };
  assert.deepEqual(readFixes(JSON.stringify(fc), { format: 'geojson' }), [
    { at: 'features[0]', t: NOON, c: [110.7, 35.1] },
    { at: 'features[1]', t: NOON + 1000, c: [110.7, 35.1] },
    { at: 'features[3].geometry.coordinates[0]', t: NOON + 3000, c: [110.8, 35.2] },
    { at: 'features[3].geometry.coordinates[1]', t: NOON + 4000, c: [110.9, 35.3] },
  ]);
  const line = { type: 'Feature', geometry: { type: 'LineString', coordinates: [[1, 2]] }, properties: { times: [0] } };
  assert.deepEqual(readFixes(JSON.stringify(line)), [{ at: 'geometry.coordinates[0]', t: 0, c: [1, 2] }]);
  assert.deepEqual(readFixes('{not json', { format: 'geojson' }), []);
  assert.deepEqual(readFixes('{"type":"Point","coordinates":[1,2]}'), [], 'a bare geometry is no track');
});

test('the format from the content when not given; GCJ-02 converted to WGS84', () => {
  const csv = 'time,lon,lat\n1714564800,110.775,35.14\n';
  assert.deepEqual(readFixes(csv).map((f) => f.at), ['line 2']);
  assert.deepEqual(readFixes(`  <trkpt lat="35.14" lon="110.775"><time>1714564800</time></trkpt>`).map((f) => f.at), ['line 1']);
  assert.deepEqual(readFixes(csv, { crs: 'gcj02' })[0].c, gcjToWgs([110.775, 35.14]));
  assert.equal(trackFormat('a.GPX'), 'gpx');
  assert.equal(trackFormat('a.geojson'), 'geojson');
  assert.equal(trackFormat('a.json'), 'geojson');
  assert.equal(trackFormat('a.txt'), 'csv');
  assert.equal(trackFormat('track'), null);
});
