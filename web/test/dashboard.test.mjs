// The dashboard's pure models (web/src/dashboard/state.js, links.js): the figures
// read the server's numbers as they are, link to the map with `?layers=` and to the
// downloads; the map reads `?layers=` back.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { layersFromSearch, mapLink, figureDownload } from '../src/dashboard/links.js';
import { FIGURE_LAYERS, anyIllustrative, expropriationFigure, figures, spongeFigure, traceFigure, truckFigure } from '../src/dashboard/state.js';
import { setLang } from '../src/lib/i18n.js';

afterEach(() => setLang('zh'));

const answer = {
  as_of: '2026-12-07',
  week: '2026-W50',
  trace: { illustrative: true, townships: [
    { code: '140821100', name: '猗氏镇', collected: 7, mandatory: 5, overdue: 2, completeness_percent: 83.25 },
    { code: '140821101', name: '嵋阳镇', collected: 0, mandatory: 0, overdue: 0, completeness_percent: null },
  ] },
  expropriation: { illustrative: true, progress: [
    { decision_no: '临政发〔2023〕10号', project: '壕村小区', households: 10, signed: 6, not_signed: 4, decision_made: 1, handed_over: 3 },
  ] },
  sponge: { illustrative: false, by_status: [{ status: '规划', count: 1 }, { status: '建成', count: 1 }], projects: [
    { id: 1, name: '甲', status: '建成', achieved_percent: 82.4, target_percent: 80, meets_target: true },
    { id: 2, name: '乙', status: '规划', achieved_percent: null, target_percent: null, meets_target: null, problem: 'x' },
  ] },
  truck_ban: { illustrative: false, weeks: [
    { week: '2026-W49', from: '2026-11-30', to: '2026-12-06', checks: 0, with_violations: 0, violations: 0, http: 0, cli: 0 },
    { week: '2026-W50', from: '2026-12-07', to: '2026-12-13', checks: 3, with_violations: 2, violations: 5, http: 2, cli: 1 },
  ] },
};

test('the trace figure repeats the server numbers per township, with totals', () => {
  const f = traceFigure(answer);
  assert.deepEqual(f.categories, ['猗氏镇', '嵋阳镇']);
  assert.deepEqual(f.series.map((s) => s.data), [[7, 0], [5, 0], [2, 0]]);
  assert.deepEqual(f.rows[0], ['猗氏镇', 7, 5, 2, '83.3']);
  assert.equal(f.rows[1][4], '—', 'no records: no completeness');
  assert.deepEqual(f.totals.slice(1, 4), [7, 5, 2]);
  assert.equal(f.links.map, './index.html?layers=origin_points,townships');
  assert.equal(f.links.xlsx, 'api/dashboard?figure=trace&format=xlsx');
});

test('expropriation, sponge and truck-ban figures', () => {
  const e = expropriationFigure(answer);
  assert.deepEqual(e.series.map((s) => [s.data, s.stack]), [[[6], 'h'], [[4], 'h']]);
  const s = spongeFigure(answer);
  assert.deepEqual(s.pie.map((p) => p.value), [1, 1]);
  assert.deepEqual(s.series[0].data, [82.4, null]);
  assert.deepEqual(s.rows.map((r) => r[2]), ['82.4', '—']);
  const tb = truckFigure(answer);
  assert.deepEqual(tb.categories, ['W49', 'W50']);
  assert.deepEqual(tb.series.map((x) => x.data), [[0, 3], [0, 2], [0, 5]]);
  assert.deepEqual(tb.totals, ['合计', 3, 2, 5]);
  assert.equal(figures(answer).length, 4);
  assert.ok(anyIllustrative(answer));
  assert.ok(!anyIllustrative({ ...answer, trace: { townships: [] }, expropriation: { progress: [] } }));
});

test('English labels come from the same i18n module', () => {
  setLang('en');
  assert.equal(traceFigure(answer).series[2].name, 'Overdue');
  assert.equal(truckFigure(answer).totals[0], 'Total');
});

test('an empty answer gives empty figures, not errors', () => {
  for (const f of figures({})) {
    assert.deepEqual(f.rows, []);
    assert.deepEqual(f.categories ?? [], []);
  }
});

test('map links and ?layers= read back, unknown layers ignored', () => {
  const known = Object.values(FIGURE_LAYERS).flat();
  for (const layers of Object.values(FIGURE_LAYERS)) {
    const search = new URL(mapLink(layers), 'http://h/dashboard.html').search;
    assert.deepEqual(layersFromSearch(search, known), layers);
  }
  assert.equal(layersFromSearch('?layers=nope,,', known), null);
  assert.deepEqual(layersFromSearch('?layers=nope,sponge_projects', known), ['sponge_projects']);
  assert.equal(layersFromSearch('?lang=en', known), null);
  assert.equal(mapLink([]), './');
  assert.equal(figureDownload('truck_ban', 'csv'), 'api/dashboard?figure=truck_ban&format=csv');
});
