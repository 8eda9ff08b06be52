// 地块估价 (web/src/tools/valuation/state.js): the drawn parcel, reading an uploaded
// file, the request, the server's answer as the table, the map and the CSV file show it.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { csvRecords, toCsv } from '../src/lib/csv.js';
import { setLang } from '../src/lib/i18n.js';
import {
  answerRows, batchGeometry, batchQuery, batchRows, bbox, controlsModel, drawData, expropriationByRow, expropriationQuery,
  gradeLabel, initialState, parcelOf, partsData,
  readParcelFile, showsIllustrative, singleModel, valuationBody,
} from '../src/tools/valuation/state.js';
import { URBAN_GRADE_COLORS } from '../src/map-style.js';

afterEach(() => setLang('zh'));

const state = (over = {}) => ({ ...initialState('2023-06-01'), ...over });
const SQUARE = { type: 'Polygon', coordinates: [[[110.8, 35.139], [110.81, 35.139], [110.81, 35.141], [110.8, 35.141], [110.8, 35.139]]] };

// An answer of POST api/land/valuation (two urban grades and a part outside every zone).
const part = (grade, m2, mu, yuan, share) => ({
  area: { m2, mu }, grade, grade_name: ['', '一级', '二级', '三级'][grade], note: null, note_en: null, share_percent: share,
  price: { land_use: '商服', land_use_en: 'commercial', wan_yuan_per_mu: [0, 45.7, 38.7, 30][grade], yuan_per_m2: [0, 686, 581, 450][grade] },
  system: 'urban', system_name: '城区', value: { yuan },
});
const ANSWER = {
  illustrative: true, zones_overlap: false,
  zones: [{ system: 'urban', grade: 2, geometry: SQUARE }, { system: 'urban', grade: 3, geometry: null }],
  outside_geometry: { type: 'MultiPolygon', coordinates: [[[[110.81, 35.139], [110.82, 35.139], [110.82, 35.141], [110.81, 35.139]]]] },
  valuation: {
    approval: '晋自然资技审〔2023〕6号', as_of: '2023-06-01', collective_use: '商服', document: '临政发〔2023〕8号', in_force: true,
    in_force_from: '2023-05-01', issued: '2023-05-18', note: '2023-06-01 适用', note_en: 'applies on 2023-06-01',
    outside: { area: { m2: 100.5, mu: 0.15075 }, note: '无基准地价', note_en: 'no benchmark price', share_percent: 0.05 },
    parcel_area: { m2: 202210.31997, mu: 303.31548 }, price_basis: '2023 年基准地价', requested_use: '商服', rounding: 'half away from zero',
    scope: '城区', total_value: { yuan: '83541690.00' }, total_wan_yuan: '8354.169', urban_use: '商服',
    parts: [part(2, 12587.3747, 18.88106, '7313265.00', 6.22), part(3, 189522.445, 284.28, '76228425.00', 93.73)],
  },
};

test('the drawn corners become a closed polygon to 7 decimals; the map shows the drawing', () => {
  const p = parcelOf([[110.800000049, 35.1390000001], [110.81, 35.139], [110.81, 35.141]]);
  assert.deepEqual(p, { type: 'Polygon', coordinates: [[[110.8000000, 35.139], [110.81, 35.139], [110.81, 35.141], [110.8, 35.139]]] });
  assert.deepEqual(drawData(state({ mode: 'drawing', vertices: [[1, 2], [3, 4]] })).features.map((f) => f.properties.role),
    ['edge', 'vertex', 'vertex']);
  assert.deepEqual(drawData(state({ mode: 'drawing', vertices: [[1, 2], [3, 4], [5, 6]] })).features[0].geometry.coordinates,
    [[[1, 2], [3, 4], [5, 6], [1, 2]]]);
  assert.deepEqual(drawData(state({ mode: 'done', parcel: SQUARE })).features, [{ type: 'Feature', properties: { role: 'parcel' }, geometry: SQUARE }]);
  assert.deepEqual(bbox(SQUARE), [110.8, 35.139, 110.81, 35.141]);
});

test('the drawing tools follow the state', () => {
  assert.deepEqual(controlsModel(state()), { drawKey: 'draw', undoDisabled: true, finishDisabled: true, clearDisabled: true, hint: '', fileName: '' });
  const drawing = controlsModel(state({ mode: 'drawing', vertices: [[1, 2], [3, 4], [5, 6]] }));
  assert.deepEqual([drawing.drawKey, drawing.undoDisabled, drawing.finishDisabled, drawing.clearDisabled], ['redraw', false, false, false]);
  assert.match(drawing.hint, /3 个顶点/);
});

test('an uploaded file: one polygon is valued like a drawing, anything else goes to the batch', () => {
  assert.deepEqual(readParcelFile('p.geojson', JSON.stringify(SQUARE)), { parcel: SQUARE });
  assert.deepEqual(readParcelFile('p.json', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: SQUARE }] })),
    { parcel: SQUARE });
  const two = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: SQUARE }, { type: 'Feature', geometry: SQUARE }] });
  assert.deepEqual(readParcelFile('p.geojson', two), { batch: { name: 'p.geojson', text: two } });
  assert.deepEqual(readParcelFile('p.csv', 'id,wkt\n'), { batch: { name: 'p.csv', text: 'id,wkt\n' } });
  assert.deepEqual(readParcelFile('p.txt', JSON.stringify(SQUARE)), { batch: { name: 'p.txt', text: JSON.stringify(SQUARE) } });
  assert.ok(readParcelFile('p.geojson', '{"type":').error);
});

test('the request: parcel, land use, collective use when chosen, date', () => {
  assert.deepEqual(JSON.parse(valuationBody(state({ parcel: SQUARE, use: '商服' }))), { parcel: SQUARE, use: '商服', as_of: '2023-06-01', corners_crs: 'EPSG:4546' });
  assert.deepEqual(JSON.parse(valuationBody(state({ parcel: SQUARE, use: '工业', collectiveUse: '宅基地', asOf: '' }))),
    { parcel: SQUARE, use: '工业', collective_use: '宅基地', corners_crs: 'EPSG:4546' });
  // A pasted corner list in a zone with its number: the parcel's crs, and the corner table in it.
  assert.deepEqual(JSON.parse(valuationBody(state({ parcel: SQUARE, parcelCrs: 'EPSG:4525', use: '住宅' }))),
    { parcel: SQUARE, crs: 'EPSG:4525', use: '住宅', as_of: '2023-06-01', corners_crs: 'EPSG:4525' });
  assert.equal(JSON.parse(valuationBody(state({ parcel: SQUARE, parcelCrs: 'EPSG:4490', use: '住宅' }))).corners_crs, 'EPSG:4546');
  assert.equal(new URLSearchParams(batchQuery(state({ use: '住宅', batchFile: { name: 'a b.csv' } }), 'csv')).toString(),
    'use=%E4%BD%8F%E5%AE%85&as_of=2023-06-01&filename=a+b.csv&format=csv');
});

test('the answer as the table shows it', () => {
  const m = singleModel(ANSWER);
  assert.deepEqual(m.parts[0], { system: 'urban', grade: 2, color: URBAN_GRADE_COLORS[2], label: '城区二级',
    area: { m2: '12,587.37', mu: '18.8811 亩' }, share: '6.22%', price: { m2: '581', mu: '38.7' }, value: '7,313,265' });
  assert.equal(m.total, '83,541,690');
  assert.equal(m.totalWan, '8354.169 万元');
  assert.deepEqual(m.parcelArea, { m2: '202,210.32', mu: '303.3155 亩' });
  assert.deepEqual(m.notes, ['级别范围外：无基准地价'], 'parts without a note add none');
  assert.equal(m.inForce, true);
  setLang('en');
  assert.equal(singleModel(ANSWER).parts[1].label, 'Urban grade 3');
  assert.equal(gradeLabel(ANSWER.valuation.parts[1], true), 'Urban grade 3 (城区三级)');
  assert.equal(singleModel(ANSWER).inForceNote, 'applies on 2023-06-01');
});

test('the map shows each grade part coloured, and the part outside every zone', () => {
  const f = partsData(state({ status: 'result', answer: ANSWER })).features;
  assert.deepEqual(f.map((x) => [x.properties.kind, x.properties.grade, x.properties.color]),
    [['part', 2, URBAN_GRADE_COLORS[2]], ['outside', undefined, undefined]]);
  assert.deepEqual(partsData(state({ status: 'loading', answer: ANSWER })).features, []);
  const batch = { type: 'FeatureCollection', features: [
    { geometry: { type: 'GeometryCollection', geometries: [SQUARE, { type: 'MultiPolygon', coordinates: [] }] },
      properties: { status: 'ok', row: 1, id: 'a', zones: [{ system: 'collective', grade: 1 }],
        valuation: { parcel_area: { m2: 5, mu: 0.0075 }, total_value: { yuan: '1305.00' }, total_wan_yuan: '0.1305' } } },
    { geometry: null, properties: { status: 'error', row: 2, error: 'not a polygon' } },
  ] };
  assert.deepEqual(partsData(state({ status: 'batch', batch })).features.map((x) => x.properties.kind), ['part']);
  assert.deepEqual(batchGeometry(batch), { type: 'GeometryCollection', geometries: [SQUARE, { type: 'MultiPolygon', coordinates: [] }] });
  assert.deepEqual(batchRows(batch).map((r) => [r.row, r.id, r.ok, r.value, r.error]),
    [['1', 'a', true, '1,305', undefined], ['2', '', false, null, 'not a polygon']]);
});

test('the expropriation check of a batch file, by row', () => {
  const answer = { parcels: [
    { row: 1, status: 'ok', in_expropriation_area: true,
      projects: [{ properties: { project: '壕村小区及油厂家属院' }, area_inside_m2: 1234.4 }] },
    { row: 2, status: 'ok', in_expropriation_area: false, projects: [] },
    { row: 3, status: 'error', error: 'not a polygon' },
  ] };
  const rows = expropriationByRow(answer);
  assert.deepEqual(rows.get('1'), { text: '壕村小区及油厂家属院 1,234 m²', inside: true });
  assert.deepEqual(rows.get('2'), { text: '—', inside: false });
  assert.deepEqual(rows.get('3'), { text: 'not a polygon', inside: false });
  assert.equal(expropriationByRow(null).size, 0);
  assert.equal(expropriationQuery({ batchFile: { name: '红线.txt' }, asOf: '2023-07-01' }),
    'filename=%E7%BA%A2%E7%BA%BF.txt&as_of=2023-07-01');
});

test('the CSV file: parts, outside, total, then the facts, spreadsheet-safe', () => {
  const rows = answerRows(ANSWER, SQUARE);
  assert.deepEqual(rows[1], ['城区二级', '12587.37', '18.8811', '6.22', '商服', 581, '38.7', '7313265.00', '']);
  assert.deepEqual(rows[3], ['级别范围外', '100.50', '0.1507', '0.05', '', '', '', '', '无基准地价']);
  assert.deepEqual(rows[4], ['合计', '202210.32', '303.3155', '100.00', '', '', '', '83541690.00', '8354.169 万元']);
  const facts = Object.fromEntries(rows.slice(6));
  assert.equal(facts['文件'], '临政发〔2023〕8号');
  assert.deepEqual(JSON.parse(facts['地块 (GeoJSON, WGS84)']), SQUARE);
  assert.equal(facts['示例数据'], '示例数据，仅供演示，不作为决策依据');
  assert.equal(csvRecords(toCsv(rows)).length, rows.filter((r) => r.length).length);
});

test('the illustrative notice follows the open panel\'s answer', () => {
  assert.equal(showsIllustrative(state({ open: true, status: 'result', answer: ANSWER })), true);
  assert.equal(showsIllustrative(state({ open: true, status: 'batch', answer: ANSWER })), false);
});

// 宗地估价（基准地价系数修正法, GB/T 18508-2014）: the request's appraisal and the answer's
// factors, each with its source; without tables the benchmark price alone (临政发〔2023〕8号,
// gazette lines 1291-1328, gives no term, rate, date or correction tables).
test('the appraisal: request parameters and each factor with its source', async () => {
  const { appraisalModel, appraisalParams, batchQuery, initialState, valuationBody } = await import('../src/tools/valuation/state.js');
  const s = initialState('2024-06-01');
  s.use = '住宅';
  s.parcel = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
  assert.equal(appraisalParams(s), null);
  assert.equal(JSON.parse(valuationBody(s)).appraisal, undefined);
  s.appraisal = { on: true, corrections: 'illustrative', term: '50', plotRatio: '1.5', factors: ' 交通条件=优 ' };
  assert.deepEqual(JSON.parse(valuationBody(s)).appraisal,
    { remaining_term_years: 50, plot_ratio: 1.5, factors: '交通条件=优', corrections: 'illustrative' });
  s.batchFile = { name: 'p.csv', text: '' };
  const q = new URLSearchParams(batchQuery(s, 'csv'));
  assert.equal(q.get('appraisal'), '1');
  assert.equal(q.get('remaining_term_years'), '50');
  assert.equal(q.get('corrections'), 'illustrative');

  const factor = (key, name, applied, coefficient, source) => ({ key, name, name_en: key, applied, coefficient, working: `${name}…`, source });
  const answer = { appraisal: {
    method: 'coefficient_correction', tables_accuracy: 'illustrative', tables_source: 'illustrative: 示例',
    formula: 'P = P_基准 × K_年期 × K_期日 × K_容积率 × (1 + ΣK_个别因素)', standard: 'GB/T 18508-2014', gazette: '临政发〔2023〕8号……未载明',
    parts: [{ system_name: '城区', grade_name: '一级', land_use: '住宅', benchmark_yuan_per_m2: 657, unit_price_yuan_per_m2: 697.08,
      value: { yuan: '697080' }, working: '657 × …',
      factors: [factor('term', '年期修正', true, 0.961996, 'n：成果；r：成果'), factor('date', '期日修正', false, 1, null)] }],
    total_value: { yuan: '697080' }, total_wan_yuan: '69.708', notes: ['示例表'],
  } };
  const m = appraisalModel(answer);
  assert.equal(m.benchmarkOnly, false);
  assert.equal(m.illustrative, true);
  assert.equal(m.parts[0].label, '城区一级（住宅）');
  assert.deepEqual(m.parts[0].factors.map((f) => [f.name, f.coefficient, f.source]),
    [['年期修正', '0.9620', 'n：成果；r：成果'], ['期日修正', '未修正', '']]);
  assert.equal(m.parts[0].unit, '697.08');
  const bare = appraisalModel({ appraisal: { ...answer.appraisal, method: 'benchmark_only', tables_source: null, tables_accuracy: null, notes: ['未提供修正系数表：结果为基准地价本身'] } });
  assert.equal(bare.benchmarkOnly, true);
  assert.equal(bare.illustrative, false);
  assert.equal(appraisalModel({}), null);
});
