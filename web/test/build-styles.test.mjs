// The styles written for desktop GIS (build-styles.js): buildStyle's layers without what
// only the page can use, one vector source, no sprite or glyphs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COLOR, LAYER, USER_GEOMETRIES, allSetStyle, userLayerTemplate } from '../build-styles.js';
import { SOURCE } from '../src/map-style.js';

const selfContained = (style) => {
  assert.equal(style.version, 8);
  assert.equal(style.sprite, undefined);
  assert.equal(style.glyphs, undefined);
  const sources = Object.entries(style.sources);
  assert.equal(sources.length, 1);
  assert.equal(sources[0][1].type, 'vector');
  for (const layer of style.layers) {
    if (layer.type === 'background') continue;
    assert.equal(layer.source, sources[0][0], layer.id);
    assert.ok(layer['source-layer'], layer.id);
    assert.ok(!layer.id.endsWith(':selected'), layer.id);
  }
};

test('the all set: the tiles only, origin points drawn from them', () => {
  const style = allSetStyle('140821');
  selfContained(style);
  assert.deepEqual(style.sources[SOURCE].tiles, [`${BASE}/tiles/all/{z}/{x}/{y}.mvt`]);
  const origin = style.layers.find((l) => l.id === 'origin_points:points');
  assert.equal(origin['source-layer'], 'origin_points');
});

test('user-layer templates per geometry carry the placeholders', () => {
  for (const geometry of USER_GEOMETRIES) {
    const style = userLayerTemplate(geometry);
    selfContained(style);
    assert.ok(style.layers.length > 0, geometry);
    assert.ok(style.layers.every((l) => l['source-layer'] === LAYER));
    assert.ok(JSON.stringify(style).includes(COLOR));
  }
});
