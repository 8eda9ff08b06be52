// GCJ-02 (web/src/lib/gcj02.js): the published reference pairs, the inverse, the box
// outside which nothing moves. The comparison with the server's conversion is in
// tests/browser/client-rules.test.mjs.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { gcjToWgs, outsideChina, toWgs84, wgsToGcj } from '../src/lib/gcj02.js';

// (wgs lon, wgs lat, gcj lon, gcj lat), published with open implementations of the
// formula (coordtransform, eviltransform); the same pairs as crates/spatial/src/gcj02.rs.
const PAIRS = [
  [116.404, 39.915, 116.41024449916938, 39.91640428150164],
  [121.5272106, 31.1774276, 121.531541859215, 31.17530398364597],
  [113.912316, 22.543847, 113.9171764808363, 22.540796131694766],
  [116.377817, 39.911954, 116.38404722455657, 39.91334545536069],
];

const close = (a, b, tol, what) => assert.ok(Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol, `${what}: ${a} vs ${b}`);

test('the forward transform gives the published GCJ-02 positions', () => {
  for (const [wl, wb, gl, gb] of PAIRS) close(wgsToGcj([wl, wb]), [gl, gb], 1e-9, `${wl}, ${wb}`);
});

test('the inverse recovers the WGS84 position to 1e-9°', () => {
  for (const [wl, wb, gl, gb] of PAIRS) close(gcjToWgs([gl, gb]), [wl, wb], 1e-9, `${gl}, ${gb}`);
  // The county: a shift of some hundred metres, undone exactly.
  for (const p of [[110.775, 35.14], [110.3, 34.95], [110.96, 35.36]]) {
    const g = wgsToGcj(p);
    assert.ok(Math.hypot(g[0] - p[0], g[1] - p[1]) > 0.003, 'GCJ-02 moves a position in China');
    close(gcjToWgs(g), p, 1e-9, `${p}`);
  }
});

test('outside China nothing moves', () => {
  for (const p of [[10, 35], [-74, 40.7], [151.2, -33.9], [72.0039, 30], [137.8348, 40], [110, 0.8292], [110, 55.83]]) {
    assert.ok(outsideChina(...p), `${p}`);
    assert.deepEqual(wgsToGcj(p), p);
    assert.deepEqual(gcjToWgs(p), p);
  }
  assert.ok(!outsideChina(72.004, 30) && !outsideChina(137.8347, 55.8271), 'the box edges are inside');
});

test('toWgs84 converts GCJ-02 only', () => {
  assert.deepEqual(toWgs84('wgs84', [110.775, 35.14, 400]), [110.775, 35.14]);
  assert.deepEqual(toWgs84('gcj02', [110.775, 35.14]), gcjToWgs([110.775, 35.14]));
  assert.notDeepEqual(toWgs84('gcj02', [110.775, 35.14]), [110.775, 35.14]);
});
