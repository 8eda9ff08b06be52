// The search box's state (web/src/tools/search/state.js): the query sent, the rows read
// from api/search answers (of the shapes the server gives, crates/server/tests/search.rs),
// where the map goes, what the click panel shows, the keyboard's active row, debouncing.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { t, setLang } from '../src/lib/i18n.js';
import {
  MAX_QUERY, badgeKey, debounce, mapTarget, moveActive, panelTarget, queryOf, readAnswer, searchUrl,
} from '../src/tools/search/state.js';

const ANSWER = {
  query: '曹家营',
  results: [
    { kind: 'division', layer: 'villages', title: '曹家营村委会', subtitle: '嵋阳镇 · 140821101208',
      point: [110.83, 35.21], note: '村界未入库，定位到本村卫生室', match: 'exact',
      properties: { code: '140821101208', name: '曹家营村委会', township_code: '140821101' } },
    { kind: 'division', layer: 'townships', id: 2, title: '嵋阳镇', subtitle: '140821101', point: [110.825, 35.205],
      properties: { code: '140821101', name: '嵋阳镇', kind: '镇' }, match: 'prefix' },
    { kind: 'feature', layer: 'expropriation_areas', id: 1, title: '壕村小区及油厂家属院', subtitle: '临政发〔2023〕10号',
      point: [110.776, 35.141], bbox: [110.775, 35.140, 110.777, 35.142], properties: { project: '壕村小区及油厂家属院' }, match: 'contains' },
    { kind: 'feature', layer: 'village_clinics', id: 4, title: '嵋阳镇曹家营村卫生室', subtitle: '嵋阳镇', point: [110.83, 35.21],
      properties: { name: '嵋阳镇曹家营村卫生室' }, match: 'contains' },
    { kind: 'document', layer: 'freight_sources', title: '临政办发〔2023〕18号', subtitle: '24 个要素',
      point: [110.77, 35.14], bbox: [110.70, 35.10, 110.84, 35.18], match: 'exact' },
    { kind: 'plate', layer: 'truck_passes', id: 1, title: '晋M·X0001', subtitle: '通行证 2023-06-01–2023-12-31',
      point: [110.775, 35.14], bbox: [110.76, 35.13, 110.79, 35.15], properties: { plate: '晋M·X0001' }, match: 'exact' },
    { kind: 'producer', layer: 'producers', id: 1, title: '临猗县示例蔬菜种植户甲', subtitle: 'ZT140821-000001',
      point: [110.6, 35.225], properties: { producer_id: 'ZT140821-000001' }, match: 'exact' },
    { kind: 'coordinate', title: '110.770000, 35.140000', subtitle: 'CGCS2000 / 3-degree Gauss-Kruger zone 37 → WGS84',
      point: [110.77, 35.14], crs_used: 'EPSG:4525', note: 'recognised', match: 'exact' },
    { kind: 'producer', layer: 'producers', id: 9, title: '无乡镇的主体', subtitle: 'ZT140821-000009', match: 'exact' },
  ],
};

test('the query sent: trimmed, not empty, at most 100 characters', () => {
  assert.equal(queryOf('  临晋镇 '), '临晋镇');
  assert.equal(queryOf(''), null);
  assert.equal(queryOf('   '), null);
  assert.equal(queryOf(null), null);
  assert.equal(queryOf('村'.repeat(MAX_QUERY)), '村'.repeat(MAX_QUERY));
  assert.equal(queryOf('村'.repeat(MAX_QUERY + 1)), null);
  assert.equal(searchUrl('临政发〔2023〕10号'), `api/search?q=${encodeURIComponent('临政发〔2023〕10号')}&limit=10`);
  assert.equal(searchUrl('gcj02: 110.78,35.139', 5), 'api/search?q=gcj02%3A%20110.78%2C35.139&limit=5');
});

test('rows and their badges: 乡镇, 村, 要素, 文号, 车牌, 主体, 坐标', () => {
  setLang('zh');
  const rows = readAnswer(ANSWER);
  assert.deepEqual(rows.map((r) => r.kind), ['village', 'township', 'feature', 'feature', 'document', 'plate', 'producer', 'coordinate', 'producer']);
  assert.deepEqual(rows.slice(0, 8).map((r) => t(r.badge)).filter((b, i, all) => all.indexOf(b) === i),
    ['村', '乡镇', '要素', '文号', '车牌', '主体', '坐标']);
  setLang('en');
  assert.equal(t(rows[5].badge), '车牌 Plate');
  setLang('zh');
  assert.equal(rows[7].crs, 'EPSG:4525');
  assert.equal(rows[0].note, '村界未入库，定位到本村卫生室');
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, 'keys are unique');
  assert.equal(rows[8].point, null);
  // An unknown kind still shows, as a feature; a bad point is dropped, the row kept.
  const odd = readAnswer({ results: [{ kind: 'future', title: 'x', point: [500, 1], bbox: [1, 2] }] });
  assert.deepEqual([odd[0].kind, odd[0].point, odd[0].bbox], ['feature', null, null]);
  assert.equal(badgeKey({ kind: 'division', layer: 'townships' }), 'search_kind_township');
  assert.deepEqual(readAnswer(null), []);
  assert.deepEqual(readAnswer({ results: 'no' }), []);
});

test('where the map goes and what the click panel shows', () => {
  const rows = readAnswer(ANSWER);
  const [village, township, area, clinic, doc, plate, producer, coordinate, placeless] = rows;
  assert.deepEqual(mapTarget(village), { center: [110.83, 35.21], zoom: 14 });
  assert.deepEqual(mapTarget(township), { center: [110.825, 35.205], zoom: 12 });
  assert.deepEqual(mapTarget(area), { bounds: [[110.775, 35.140], [110.777, 35.142]] });
  assert.deepEqual(mapTarget(coordinate), { center: [110.77, 35.14], zoom: 16 });
  assert.deepEqual(mapTarget(plate), { bounds: [[110.76, 35.13], [110.79, 35.15]] }, 'the ban zone');
  assert.equal(mapTarget(placeless), null);
  // A degenerate box is a point.
  assert.deepEqual(mapTarget({ kind: 'feature', bbox: [1, 2, 1, 2], point: [1, 2] }), { center: [1, 2], zoom: 16 });

  // Points carry their own card; zones are named by the lookup itself.
  assert.deepEqual(panelTarget(village), { lngLat: { lng: 110.83, lat: 35.21 },
    points: [{ layer: 'villages', id: undefined, properties: ANSWER.results[0].properties }] });
  assert.deepEqual(panelTarget(township).points, [{ layer: 'townships', id: 2, properties: ANSWER.results[1].properties }]);
  assert.deepEqual(panelTarget(area), { lngLat: { lng: 110.776, lat: 35.141 }, points: [] });
  assert.equal(panelTarget(clinic).points[0].layer, 'village_clinics');
  assert.equal(panelTarget(doc), null, 'a document of many features: the map shows them, no panel');
  assert.deepEqual(panelTarget(plate).points, [{ layer: 'truck_passes', id: 1, properties: { plate: '晋M·X0001' } }]);
  assert.equal(panelTarget(producer).points[0].layer, 'producers');
  assert.deepEqual(panelTarget(coordinate), { lngLat: { lng: 110.77, lat: 35.14 }, points: [] });
  assert.equal(panelTarget(placeless), null);
});

test('keyboard: arrows wrap, Home and End, nothing to move in an empty list', () => {
  assert.equal(moveActive(-1, 'ArrowDown', 3), 0);
  assert.equal(moveActive(0, 'ArrowDown', 3), 1);
  assert.equal(moveActive(2, 'ArrowDown', 3), 0);
  assert.equal(moveActive(0, 'ArrowUp', 3), 2);
  assert.equal(moveActive(-1, 'ArrowUp', 3), 2);
  assert.equal(moveActive(2, 'ArrowUp', 3), 1);
  assert.equal(moveActive(1, 'Home', 3), 0);
  assert.equal(moveActive(1, 'End', 3), 2);
  assert.equal(moveActive(1, 'a', 3), 1);
  assert.equal(moveActive(0, 'ArrowDown', 0), -1);
});

test('debounce: only the last call, after the pause; cancel and flush', () => {
  const pending = new Map();
  let next = 0;
  const timers = { set: (fn, ms) => { pending.set(++next, { fn, ms }); return next; }, clear: (h) => pending.delete(h) };
  const calls = [];
  const d = debounce((...a) => calls.push(a), 200, timers);
  d('临');
  d('临晋');
  assert.equal(pending.size, 1, 'the first timer was cleared');
  assert.equal([...pending.values()][0].ms, 200);
  [...pending.values()][0].fn();
  assert.deepEqual(calls, [['临晋']]);
  d('x');
  d.cancel();
  assert.equal(pending.size, 1, 'the fired timer is not cleared again, the new one is');
  pending.clear();
  d('y');
  d.flush();
  assert.deepEqual(calls, [['临晋'], ['y']]);
  d.flush();
  assert.deepEqual(calls, [['临晋'], ['y']], 'nothing pending: nothing runs');
});

test('debounce with the real timers (called as functions, not as methods of an object)', async () => {
  const calls = [];
  const d = debounce((x) => calls.push(x), 5);
  d(1);
  d(2);
  await new Promise((resolve) => { setTimeout(resolve, 30); });
  assert.deepEqual(calls, [2]);
});
