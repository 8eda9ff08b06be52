// The map style (web/src/map-style.js): the county it outlines is the one given (read
// from data/divisions at build time), layer visibility by prefix.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildData } from '../build-data.js';
import { CLUSTER_SOURCE, SOURCE, buildStyle, showLayers } from '../src/map-style.js';

const TILEJSON = { tiles: ['http://x/tiles/all/{z}/{x}/{y}.mvt'], minzoom: 5, maxzoom: 14 };

test('the county outlined is the one given', () => {
  const style = buildStyle(TILEJSON, null, '140821');
  const linyi = style.layers.find((l) => l.id === 'county_boundaries:line-linyi');
  assert.deepEqual(linyi.filter, ['==', ['to-string', ['get', 'adcode']], '140821']);
  const other = buildStyle(TILEJSON, null, '140802').layers.find((l) => l.id === 'county_boundaries:line-linyi');
  assert.equal(other.filter[2], '140802');
  assert.deepEqual(Object.keys(style.sources), [SOURCE, CLUSTER_SOURCE]);
  assert.ok(!style.layers.some((l) => l.id === 'basemap'));
  assert.equal(buildStyle(TILEJSON, 'http://b/{z}/{x}/{y}.png', '140821').layers[1].id, 'basemap');
});

test('the build reads the county\'s code from the divisions file and its box from the boundaries', () => {
  const data = buildData();
  assert.equal(data.countyAdcode, '140821');
  const [w, s, e, n] = data.countyBbox;
  assert.ok(w < 110.775 && 110.775 < e && s < 35.14 && 35.14 < n, `${data.countyBbox} holds the county seat`);
  assert.ok(e - w < 1 && n - s < 1, 'one county, not the city');
  assert.deepEqual([...new Set(data.urbanPrices.map((r) => r.grade))], ['1', '2', '3']);
  assert.equal(data.urbanPrices.find((r) => r.grade === '1' && r.land_use === '商服').wan_yuan_per_mu, '45.7');
});

test('layers are shown and hidden by their id prefix', () => {
  const calls = [];
  const map = {
    getStyle: () => ({ layers: [{ id: 'valuation:parts-fill' }, { id: 'valuation:draw-line' }, { id: 'truckban:track' }] }),
    setLayoutProperty: (...a) => calls.push(a),
  };
  showLayers(map, 'valuation:', false);
  assert.deepEqual(calls, [['valuation:parts-fill', 'visibility', 'none'], ['valuation:draw-line', 'visibility', 'none']]);
});
