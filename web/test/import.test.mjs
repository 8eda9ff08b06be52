// 导入数据 (web/src/tools/import/state.js): which layers a role may import into, the
// request's query, the pre-filled field mapping, the answers as the panel words them.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { setLang } from '../src/lib/i18n.js';
import {
  canImport, defaultMapping, extensionOf, fieldTypeLabel, importOutcome, importPath, inferredFields, initialState,
  layerNameProblem, mappingParam, needsMapping, ownedLayers, ownerChoices, previewBox, problemLine, sentKey, summary,
} from '../src/tools/import/state.js';

afterEach(() => setLang('zh'));

const LAYERS = [{ layer: 'urban_grade_zones' }, { layer: 'freight_sources' }, { layer: 'truck_passes' }, { layer: 'origin_points' }];
const TARGETS = [{ name: 'name', required: true }, { name: 'category', required: false }, { name: 'accuracy', required: true }];

// A dry-run answer of POST api/layers/freight_sources/import with one problem.
const REFUSED = {
  dry_run: true, layer: 'freight_sources', count: 3, crs: 'EPSG:4525', notes: ['attributes read as GB18030'],
  problems: [{ feature: 2, field: 'name', message: 'field "name" is required in layer freight_sources' }],
  features: { type: 'FeatureCollection', features: [
    { type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [110.77, 35.14] }, properties: {} },
    { type: 'Feature', id: 2, geometry: null, properties: {} },
    { type: 'Feature', id: 3, geometry: { type: 'Point', coordinates: [110.5, 35.3] }, properties: {} }] },
  source_fields: ['企业名称', 'category'], target_fields: TARGETS,
};

test('a role imports into the layers it owns; an admin into all; signed out into none', () => {
  assert.deepEqual(ownedLayers({ role: 'traffic', layers: ['truck_passes', 'freight_sources'] }, LAYERS).map((l) => l.layer),
    ['freight_sources', 'truck_passes']);
  assert.equal(ownedLayers({ role: 'admin', layers: null }, LAYERS).length, 4);
  assert.deepEqual(ownedLayers(null, LAYERS), []);
});

test('the file name picks the reader; the query carries the options and the mapping', () => {
  assert.equal(extensionOf('测绘成果/z37.ZIP'), 'zip');
  assert.equal(extensionOf('坐标.txt'), 'txt');
  assert.equal(extensionOf('x.exe'), '');
  assert.equal(extensionOf('noext'), '');
  const state = { ...initialState(), file: { name: '点位 1.csv' }, layer: 'freight_sources' };
  assert.equal(importPath(state, true), 'api/layers/freight_sources/import?filename=%E7%82%B9%E4%BD%8D+1.csv&dry_run=true');
  const mapped = { ...state, crs: 'EPSG:4525', encoding: 'GBK', repair: true, sourceLayer: ' 货运 ', mapping: { name: '企业名称', category: '' } };
  const q = new URLSearchParams(importPath(mapped, false).split('?')[1]);
  assert.deepEqual(Object.fromEntries(q), { filename: '点位 1.csv', dry_run: 'false', crs: 'EPSG:4525', encoding: 'GBK', layer: '货运',
    repair: 'true', fields: '{"name":"企业名称"}' });
});

test('the mapping is pre-filled by equal names and re-checked when the file has other fields', () => {
  assert.deepEqual(defaultMapping(['Name', '类别', 'accuracy'], TARGETS), { name: 'Name', category: '', accuracy: 'accuracy' });
  assert.deepEqual(mappingParam({ name: 'Name', category: '' }), { name: 'Name' });
  assert.equal(mappingParam(null), null);
  assert.ok(needsMapping(REFUSED), '企业名称 is not a field of the layer');
  assert.ok(!needsMapping({ ...REFUSED, source_fields: ['name', 'category'] }));
});

test('answers: checked, imported, refused with its problems, or an error with the server message', () => {
  const checked = importOutcome({ ok: true, status: 200, answer: { ...REFUSED, problems: [] } }, 'null');
  assert.equal(checked.status, 'checked');
  const state = { ...initialState(), ...checked };
  assert.ok(canImport(state), 'a clean dry run of the current mapping');
  assert.ok(!canImport({ ...state, mapping: { name: 'x' } }), 'the mapping changed since the dry run');
  assert.match(summary(state), /^检查通过：共 3 个要素可导入「重点货运源头企业」/);

  const refused = importOutcome({ ok: false, status: 400, answer: REFUSED, error: 'x' }, 'null');
  assert.equal(refused.status, 'invalid');
  assert.ok(!canImport({ ...initialState(), ...refused }));
  assert.equal(summary({ ...initialState(), ...refused }), '3 个要素中有 1 个存在问题，未保存任何要素。');

  const imported = importOutcome({ ok: true, status: 201, answer: { ...REFUSED, dry_run: false, problems: [], stored: 3 } }, 'null');
  assert.equal(summary({ ...initialState(), ...imported }), '已导入 3 个要素到「重点货运源头企业」。');

  const unreadable = importOutcome({ ok: false, status: 400, answer: { error: 'cannot open x.zip' }, error: 'cannot open x.zip' });
  assert.deepEqual([unreadable.status, unreadable.message], ['error', '导入失败：cannot open x.zip']);
  assert.match(importOutcome({ ok: false, status: 403, answer: null, error: 'the role land may not' }).message, /^当前角色无权写入此图层：/);
  assert.match(importOutcome({ ok: false, status: 413, answer: null, error: 'HTTP 413' }).message, /^文件过大：/);
});

test('a problem line: 第 N 个要素 · 字段 · 原因, in either language', () => {
  assert.deepEqual(problemLine(REFUSED.problems[0]),
    { where: '第 2 个要素', field: '名称 (name)', message: 'field "name" is required in layer freight_sources' });
  assert.deepEqual(problemLine({ feature: 4, field: 'contact_phone', message: 'contact_phone: 1390000 不是有效的手机号' }).message,
    '1390000 不是有效的手机号');
  assert.equal(problemLine({ feature: null, field: null, message: 'x' }).where, '整个文件');
  setLang('en');
  assert.equal(problemLine(REFUSED.problems[0]).where, 'Feature 2');
});

test('the preview is fitted to the bounds of its geometries', () => {
  assert.deepEqual(previewBox(REFUSED.features), [110.5, 35.14, 110.77, 35.3]);
  assert.equal(previewBox({ type: 'FeatureCollection', features: [] }), null);
  const poly = { type: 'FeatureCollection', features: [{ geometry: { type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 4], [1, 2]]] } }] };
  assert.deepEqual(previewBox(poly), [1, 2, 3, 4]);
});

// ----- 新建图层: a new layer inferred from the file ------------------------------------

// A dry-run answer of POST api/layers/zongdi/import?new_layer=true.
const NEW_CHECKED = {
  dry_run: true, new_layer: true, layer: 'zongdi', count: 2, crs: 'EPSG:4326', notes: [], problems: [],
  inference: ['new layer zongdi: MULTIPOLYGON geometry, 2 fields', 'field field_2 (from 权利人): text, personal'],
  definition: { name: 'zongdi', title_zh: '宗地', title_en: 'zongdi', geometry: 'MultiPolygon', owner: 'land', public: true,
    tiles: { min: 12, max: 18 }, locate: true, fields: [
      { name: 'zddm', title: 'ZDDM', type: 'Text', required: false, personal: false },
      { name: 'field_2', title: '权利人', type: 'Text', required: false, personal: true },
      { name: 'mj', type: 'Real', required: false, personal: false }] },
  features: { type: 'FeatureCollection', features: [] }, source_fields: ['ZDDM', '权利人', 'mj'], target_fields: [],
};

/** The state of a new-layer import of `name` for the land bureau. */
const newState = (patch = {}) => ({
  ...initialState(), file: { name: '宗地.geojson' }, layer: 'freight_sources', target: 'new',
  newLayer: { name: 'zongdi', titleZh: '宗地', owner: 'land', public: true, tiled: true, ...patch },
});

test('a new layer: its name is plain ASCII and free; its owner is the role, any role for an admin', () => {
  const layers = [{ layer: 'freight_sources' }, { layer: 'zongdi_old' }];
  assert.equal(layerNameProblem('zongdi', layers), '');
  assert.equal(layerNameProblem('', layers), 'im_new_name_missing');
  for (const bad of ['宗地', 'Zongdi', '1zongdi', 'zong di', 'zong-di', `z${'a'.repeat(63)}`]) {
    assert.equal(layerNameProblem(bad, layers), 'im_new_name_bad', bad);
  }
  assert.equal(layerNameProblem('zongdi_old', layers), 'im_new_name_taken');
  assert.deepEqual(ownerChoices({ role: 'land' }), ['land']);
  assert.deepEqual(ownerChoices({ role: 'admin' }), ['admin', 'agriculture', 'housing', 'land', 'traffic']);
  assert.deepEqual(ownerChoices(null), []);
  assert.equal(initialState().target, 'existing', 'an existing layer unless chosen');
});

test('a new layer: the request names it, its options in the query and no field mapping', () => {
  const q = (state) => Object.fromEntries(new URLSearchParams(importPath(state, true).split('?')[1]));
  const state = { ...newState(), mapping: { name: '企业名称' } };
  assert.match(importPath(state, true), /^api\/layers\/zongdi\/import\?/);
  assert.deepEqual(q(state), { filename: '宗地.geojson', dry_run: 'true', new_layer: 'true', owner: 'land', title_zh: '宗地' });
  assert.deepEqual(q(newState({ tiled: false, titleZh: ' ' })),
    { filename: '宗地.geojson', dry_run: 'true', new_layer: 'true', owner: 'land', no_tiles: 'true' });
  assert.equal(q(newState({ public: false, tiled: true })).private, 'true', 'a layer that is not public');
  assert.equal(q(newState({ public: false })).no_tiles, undefined, 'private already means no tiles');
  assert.equal(q({ ...state, target: 'existing' }).new_layer, undefined, 'back to an existing layer');
});

test('a new layer: the inferred fields, the summaries, and 导入 only after a dry run of the same options', () => {
  assert.deepEqual(inferredFields(NEW_CHECKED), [
    { name: 'zddm', source: 'ZDDM', type: 'Text', personal: false },
    { name: 'field_2', source: '权利人', type: 'Text', personal: true },
    { name: 'mj', source: 'mj', type: 'Real', personal: false }]);
  assert.deepEqual(inferredFields(null), []);
  assert.equal(fieldTypeLabel('Real'), '小数');

  const state = newState();
  const checked = { ...state, ...importOutcome({ ok: true, status: 200, answer: NEW_CHECKED }, sentKey(state)) };
  assert.equal(checked.status, 'checked');
  assert.ok(canImport(checked));
  assert.equal(summary(checked), '检查通过：将新建图层「宗地（zongdi）」并导入 2 个要素，尚未保存。');
  assert.ok(!canImport({ ...checked, newLayer: { ...checked.newLayer, public: false } }), 'an option changed since');
  assert.ok(!canImport({ ...checked, newLayer: { ...checked.newLayer, name: 'zongdi2' } }), 'the name changed since');
  assert.ok(!canImport({ ...checked, target: 'existing', mappingSent: 'null' }), 'an existing layer needs its own dry run');

  const imported = importOutcome({ ok: true, status: 201, answer: { ...NEW_CHECKED, dry_run: false, stored: 2 } }, sentKey(state));
  assert.equal(summary({ ...state, ...imported }), '已新建图层「宗地（zongdi）」并导入 2 个要素。');

  // Lines: the file is refused as a whole (one problem without a feature); nothing created.
  const lines = { ...NEW_CHECKED, definition: undefined, inference: undefined, error: 'layer zongdi was not created: 1 features are lines',
    problems: [{ feature: null, field: null, message: '1 features are lines' }] };
  const refused = { ...state, ...importOutcome({ ok: false, status: 400, answer: lines, error: lines.error }, sentKey(state)) };
  assert.equal(refused.status, 'invalid');
  assert.equal(summary(refused), '无法由此文件新建图层，未新建任何图层。');
  assert.ok(!canImport(refused));
  const bad = { ...NEW_CHECKED, problems: [{ feature: 2, field: 'geometry', message: 'self-intersection' }] };
  assert.equal(summary({ ...state, ...importOutcome({ ok: false, status: 400, answer: bad, error: 'x' }, sentKey(state)) }),
    '2 个要素中有 1 个存在问题，未保存任何要素。未新建图层。');
  assert.match(importOutcome({ ok: false, status: 409, answer: null, error: 'a layer called zongdi exists already' }).message,
    /^图层名称已被占用：/);
  setLang('en');
  assert.equal(summary(checked), 'Check passed: the new layer “宗地（zongdi）” will be created with 2 features; nothing stored yet.');
});
