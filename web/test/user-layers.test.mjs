// User-defined layers in the map client (web/src/map-style.js, lib/i18n.js): each drawn
// from its own tile set in a generic style per geometry, titled Chinese first.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { layerTitle, setLang, setUserLayerTitles } from '../src/lib/i18n.js';
import {
  POINT_LAYER_IDS, USER_LAYER_COLORS, pointLayerIds, userLayerColor, userLayerStyle, userLayersOf, userSource,
} from '../src/map-style.js';

const tiles = (table) => ({ set: table, tilejson: `/tiles/${table}.json`, minzoom: 10, maxzoom: 16 });
const ZONGDI = { layer: 'zongdi', title: '宗地', title_en: 'Cadastral parcels', geometry: 'MULTIPOLYGON',
  user_defined: true, public: true, tiles: tiles('zongdi') };
const WELLS = { layer: 'jijing', title: '机井', title_en: '', geometry: 'POINT', user_defined: true, public: true,
  tiles: tiles('jijing') };
const MIXED = { layer: 'sheshi', title: '设施', title_en: 'Facilities', geometry: 'GEOMETRY', user_defined: true,
  public: true, tiles: tiles('sheshi') };
const PRIVATE = { layer: 'jbnt', title: '永久基本农田', title_en: 'Permanent basic farmland', geometry: 'MULTIPOLYGON',
  user_defined: true, public: false, tiles: null };
const BUILT_IN = { layer: 'urban_grade_zones', title: '城区土地级别', geometry: 'MULTIPOLYGON', user_defined: false };

test('the user-defined layers of the layer list are picked, in its order', () => {
  assert.deepEqual(userLayersOf([BUILT_IN, ZONGDI, PRIVATE]).map((l) => l.layer), ['zongdi', 'jbnt']);
  assert.deepEqual(userLayersOf(undefined), []);
});

test('a polygon layer is a fill, an outline and a selection outline from its own tile set', () => {
  const drawn = userLayerStyle(ZONGDI, '#e8590c', 'http://x/tiles/zongdi.json');
  assert.deepEqual(drawn.source, { id: 'user:zongdi', spec: { type: 'vector', url: 'http://x/tiles/zongdi.json' } });
  assert.deepEqual(drawn.layers.map((l) => [l.id, l.type]),
    [['zongdi:fill', 'fill'], ['zongdi:line', 'line'], ['zongdi:selected', 'line']]);
  for (const l of drawn.layers) {
    assert.equal(l.source, userSource('zongdi'));
    assert.equal(l['source-layer'], 'zongdi');
    assert.equal(l.filter, undefined, 'one geometry: no filter');
  }
  assert.equal(drawn.layers[0].paint['fill-color'], '#e8590c');
  assert.equal(drawn.layers[2].paint['line-opacity'][0], 'case', 'drawn only when selected');
});

test('a point layer is circles; a layer of any geometry is both, each filtered to its geometry', () => {
  const points = userLayerStyle(WELLS, '#1c7ed6', 'u');
  assert.deepEqual(points.layers.map((l) => [l.id, l.type, l.source]), [['jijing:points', 'circle', 'user:jijing']]);
  assert.equal(points.layers[0].paint['circle-color'], '#1c7ed6');
  const mixed = userLayerStyle(MIXED, '#000', 'u');
  assert.deepEqual(mixed.layers.map((l) => l.id), ['sheshi:fill', 'sheshi:line', 'sheshi:selected', 'sheshi:points']);
  assert.deepEqual(mixed.layers[0].filter, ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false]);
  assert.deepEqual(mixed.layers[3].filter, ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false]);
});

test('a layer without a tile set is not drawn, and its points are not clicked', () => {
  assert.equal(userLayerStyle(PRIVATE, '#000', 'u'), null);
  assert.deepEqual(pointLayerIds([ZONGDI, WELLS, PRIVATE, MIXED]), [...POINT_LAYER_IDS, 'jijing:points', 'sheshi:points']);
  assert.deepEqual(pointLayerIds(), POINT_LAYER_IDS);
});

test('colours follow the place among the user-defined layers and go round', () => {
  const many = Array.from({ length: USER_LAYER_COLORS.length + 1 }, (_, i) => ({ ...ZONGDI, layer: `l${i}` }));
  assert.equal(userLayerColor(many, 'l0'), USER_LAYER_COLORS[0]);
  assert.equal(userLayerColor(many, 'l1'), USER_LAYER_COLORS[1]);
  assert.equal(userLayerColor(many, `l${USER_LAYER_COLORS.length}`), USER_LAYER_COLORS[0]);
});

test('user-defined layers are titled Chinese first, English when chosen (else the Chinese title)', () => {
  setUserLayerTitles([BUILT_IN, ZONGDI, WELLS]);
  setLang('zh');
  assert.equal(layerTitle('zongdi'), '宗地');
  assert.equal(layerTitle('urban_grade_zones'), '城区土地级别', 'built-in titles stay');
  setLang('en');
  assert.equal(layerTitle('zongdi'), 'Cadastral parcels');
  assert.equal(layerTitle('jijing'), '机井', 'no English title: the Chinese one');
  assert.equal(layerTitle('unknown_table'), 'unknown_table');
  setLang('zh');
  setUserLayerTitles([]);
  assert.equal(layerTitle('zongdi'), 'zongdi', 'titles follow the latest list');
});
