// 溯源采集 (web/src/tools/trace/state.js): the collection form's values and request
// body, the server's answers to a save and an import, problems next to their fields,
// the overdue list's and the ledger's requests and tables.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { gcjToWgs } from '../src/lib/gcj02.js';
import { setLang } from '../src/lib/i18n.js';
import {
  CARRY_OVER, FALLBACK_OPTIONS, accuracyIndex, anyIllustrative, blankValues, duePath, fieldChoices, fieldLabelText,
  illustrativeOverdue, importOutcome, importPath, initialState, isFish, ledgerModel, ledgerPath, positionLngLat, problemsByField,
  recordBody, recordPath, saveOutcome, saveRequest, showsIllustrative, valuesOfRecord, weekRangeText,
} from '../src/tools/trace/state.js';

afterEach(() => setLang('zh'));

// A record as GET api/trace/records/{id} returns it to agriculture staff.
const RECORD = {
  type: 'Feature', id: 7, geometry: { type: 'Point', coordinates: [110.776, 35.141] },
  properties: {
    subject_name: '浏览器测试家庭农场', subject_type: '家庭农场', product: '大口黑鲈', industry: '渔业', scale: 12.5, scale_unit: '亩',
    township_code: '140821100', township_name: '猗氏镇', village_code: '140821100201', village_name: '王村',
    trace_means: '追溯码、其他', industrialised: 1, contact_name: '张三', contact_phone: '13900000001', collected_on: '2023-06-01',
    accuracy: 'illustrative',
  },
};

test('a blank form is collected today and keeps the collector, place and day for the next record', () => {
  const v = blankValues('2023-06-01');
  assert.equal(v.collected_on, '2023-06-01');
  assert.deepEqual([v.crs, v.trace_means, v.industrialised, v.subject_name], ['wgs84', [], false, '']);
  const next = blankValues('2023-06-02', { ...v, township: '140821100', collector_name: '李四', subject_name: '甲', collected_on: '2023-05-30' });
  assert.deepEqual([next.township, next.collector_name, next.subject_name, next.collected_on], ['140821100', '李四', '', '2023-05-30']);
  assert.ok(CARRY_OVER.every((k) => k in next));
  const s = initialState('2023-06-01');
  // The ledger opens on the last complete week (2023-06-01 is a Thursday of W22).
  assert.deepEqual([s.tab, s.due.asOf, s.ledger.week, s.imp.encoding], ['record', '2023-06-01', '2023-W21', 'auto']);
});

test('the request body: numbers as numbers, text trimmed, empty fields left out', () => {
  const v = { ...blankValues('2023-06-01'), subject_name: ' 甲农场 ', product: '韭菜', scale: ' 0.2 ', lon: '110.776', lat: 'abc',
    township: '140821100', village: ' 王村 ', trace_means: ['追溯码'], contact_phone: '13900000002' };
  assert.deepEqual(recordBody(v), {
    lon: 110.776, lat: 'abc', subject_name: '甲农场', product: '韭菜', contact_phone: '13900000002', collected_on: '2023-06-01',
    township: '140821100', village: '王村', scale: 0.2, trace_means: ['追溯码'],
  });
  assert.equal(recordBody({ ...v, crs: 'gcj02' }).crs, 'gcj02');
  assert.equal(recordBody(v).industrialised, undefined, '工程化养殖 only for fish');
  assert.equal(recordBody({ ...v, product: '乌鳢', industrialised: true }).industrialised, 1);
  assert.equal(recordBody({ ...v, product: '其他', industry: '渔业' }).industrialised, 0);
  assert.ok(isFish({ product: '大黄鱼' }) && !isFish({ product: '生猪', industry: '畜牧业' }));
});

test('a record loaded for editing fills the form, and saving it again sends the village\'s code', () => {
  const v = valuesOfRecord(RECORD, '2023-06-05');
  assert.deepEqual([v.lon, v.lat, v.crs, v.township, v.village, v.scale, v.industrialised], ['110.776', '35.141', 'wgs84', '140821100', '王村', '12.5', true]);
  assert.deepEqual(v.trace_means, ['追溯码', '其他']);
  assert.equal(v.updated_on, '');
  const body = recordBody(v, RECORD);
  assert.equal(body.village, '140821100201', 'the village as loaded is sent as its code');
  assert.equal(recordBody({ ...v, village: '李村' }, RECORD).village, '李村', 'another village is sent as typed');
  assert.deepEqual([body.lon, body.lat, body.scale, body.industrialised], [110.776, 35.141, 12.5, 1]);
  assert.deepEqual(saveRequest(7), { path: 'api/trace/records/7', method: 'PUT' });
  assert.deepEqual(saveRequest(null), { path: 'api/trace/records', method: 'POST' });
});

test('the typed position for the marker: WGS84, or GCJ-02 converted', () => {
  assert.deepEqual(positionLngLat({ lon: '110.775', lat: '35.14', crs: 'wgs84' }), [110.775, 35.14]);
  assert.deepEqual(positionLngLat({ lon: '110.775', lat: '35.14', crs: 'gcj02' }), gcjToWgs([110.775, 35.14]));
  for (const [lon, lat] of [['', '35'], ['110', ' '], ['x', '35'], ['181', '35'], ['110', '-91']]) {
    assert.equal(positionLngLat({ lon, lat, crs: 'wgs84' }), null, `${lon}, ${lat}`);
  }
});

test('the answer to a save: stored, problems by field, or an error line (a 4xx is never a success)', () => {
  assert.deepEqual(saveOutcome({ ok: true, status: 201, answer: RECORD }, null), { status: 'saved', problems: [], saved: RECORD, created: true });
  assert.equal(saveOutcome({ ok: true, status: 200, answer: RECORD }, 7).created, false);
  const problems = [{ field: 'contact_phone', message: '不是手机号' }, { field: 'lon', message: '超出县域' }];
  assert.deepEqual(saveOutcome({ ok: false, status: 400, answer: { problems }, error: 'x' }, null), { status: 'invalid', problems, message: '' });
  assert.deepEqual(saveOutcome({ ok: false, status: 403, answer: { error: 'forbidden' }, error: 'forbidden' }, null),
    { status: 'error', problems: [], message: '当前角色无权写入溯源记录（403）：forbidden' });
  assert.equal(saveOutcome({ ok: false, status: 400, answer: { error: 'bad JSON' }, error: 'bad JSON' }, null).status, 'error');
  assert.equal(saveOutcome({ ok: false, status: 401, answer: null, error: 'HTTP 401' }, null).message, '未登录或登录已失效（401），记录未保存：HTTP 401');
  assert.equal(saveOutcome({ ok: true, status: 204, answer: null, error: 'HTTP 204' }, null).status, 'error');
});

test('problems go to their form field; the others are listed', () => {
  const form = new Set(['position', 'township', 'contact_phone']);
  const { byField, loose } = problemsByField([
    { field: 'lon', message: 'a' }, { field: 'lat', message: 'b' }, { field: 'township_code', message: 'c' },
    { field: 'contact_phone', message: 'd' }, { field: 'record', message: 'e' },
  ], (f) => form.has(f));
  assert.deepEqual([...byField.keys()], ['position', 'township', 'contact_phone']);
  assert.deepEqual(byField.get('position').map((p) => p.message), ['a', 'b']);
  assert.deepEqual(loose, [{ field: 'record', message: 'e' }]);
  assert.equal(fieldLabelText('township'), '所属乡镇');
  assert.equal(fieldLabelText('subject_name'), '主体名称');
});

test('the answer to an import: checked, imported, rejected rows, or an error line', () => {
  assert.equal(importPath('gbk', true), 'api/trace/import?encoding=gbk&dry_run=true');
  const rows = [{ line: 2, subject_name: '甲', threshold: { mandatory: true } }];
  assert.deepEqual(importOutcome({ ok: true, status: 200, answer: { dry_run: true, rows } }), { status: 'checked', report: { dry_run: true, rows } });
  assert.equal(importOutcome({ ok: true, status: 200, answer: { dry_run: false, rows } }).status, 'imported');
  const rejected = { error: '2 行有问题，未保存任何记录', rows: [{ line: 3, problems: [{ field: 'product', message: 'x' }] }], checked: 5 };
  assert.deepEqual(importOutcome({ ok: false, status: 400, answer: rejected }), { status: 'invalid', rejected, message: rejected.error });
  assert.deepEqual(importOutcome({ ok: false, status: 400, answer: { error: 'not CSV' }, error: 'not CSV' }),
    { status: 'error', message: '导入失败，未保存任何记录：not CSV' });
  assert.equal(importOutcome({ ok: true, status: 200, answer: { nothing: 1 }, error: 'HTTP 200' }).status, 'error');
});

test('the form\'s choices come from api/trace/options (townships as code and name)', () => {
  const choices = fieldChoices({ ...FALLBACK_OPTIONS, townships: [{ code: '140821100', name: '猗氏镇' }] });
  assert.deepEqual(choices.township, [[['140821100', '猗氏镇']], 'tr_choose']);
  assert.deepEqual(choices.industry[1], 'tr_industry_auto');
  assert.deepEqual(fieldChoices(FALLBACK_OPTIONS).township[0], []);
});

test('the public tabs\' requests', () => {
  assert.equal(duePath('2023-06-30'), 'api/trace/due?as_of=2023-06-30');
  assert.equal(recordPath('7/x'), 'api/trace/records/7%2Fx');
  assert.equal(recordPath(7, '2023-06-30'), 'api/trace/records/7?as_of=2023-06-30');
  assert.equal(ledgerPath('2023-W24', 'csv'), 'api/trace/ledger?week=2023-W24&format=csv');
});

test('the week line: the server\'s days when its ledger is shown, else computed', () => {
  assert.equal(weekRangeText('2023-W24', null), '2023-W24：2023-06-12 至 2023-06-18（周一至周日），于 2023-06-20（周二）报县农业农村局监管站');
  const served = { week: '2023-W24', from: 'A', to: 'B', report_due: 'C' };
  assert.equal(weekRangeText('2023-W24', served), '2023-W24：A 至 B（周一至周日），于 C（周二）报县农业农村局监管站');
  assert.match(weekRangeText('2023-W25', served), /2023-06-19 至 2023-06-25/, 'another week\'s answer is not used');
  assert.equal(weekRangeText('2021-W53', null), '');
});

test('the ledger table: products, townships, the county line, changes', () => {
  const counts = (a, b) => [{ product: '豇豆', this_week: a, change: b }, { product: '韭菜', this_week: b, change: 0 }];
  const m = ledgerModel({
    title: '台账', period: '（…）', key_products: ['豇豆', '韭菜'],
    rows: [{ township_code: '140821100', township_name: '猗氏镇', counts: counts(3, 2), total: 5, total_change: -1 }],
    totals: { counts: counts(3, 2), total: 5, total_change: -1 }, undated: 2,
  });
  assert.deepEqual(m.products, ['豇豆', '韭菜']);
  assert.deepEqual(m.rows[0].cells.map((c) => [c.count, c.changeText]), [['3', '+2'], ['2', '无变化'], ['5', '−1']]);
  assert.deepEqual(m.county.map((c) => c.count), ['3', '2', '5']);
  assert.deepEqual([m.undated, m.unknownTownship], [2, 0]);
  assert.deepEqual(ledgerModel({ rows: [], totals: { counts: counts(0, 0) } }).products, ['豇豆', '韭菜'], 'products from the totals');
});

test('illustrative records in the overdue list and the ledger', () => {
  const index = accuracyIndex({ features: [{ id: 1, properties: { accuracy: 'illustrative' } }, { id: 2, properties: {} }] });
  assert.ok(anyIllustrative(index));
  assert.ok(!anyIllustrative(accuracyIndex({ features: [{ id: 2, properties: { accuracy: 'surveyed' } }] })));
  const report = { townships: [{ overdue: [{ id: 1 }, { id: 2 }] }, { overdue: [{ id: 1 }] }] };
  assert.equal(illustrativeOverdue(report, index), 2);
  const s = initialState('2023-06-01');
  Object.assign(s, { open: true, tab: 'ledger' });
  s.ledger.status = 'ready';
  assert.equal(showsIllustrative(s, index), true);
  s.tab = 'record';
  assert.equal(showsIllustrative(s, index), false);
  Object.assign(s, { tab: 'due' });
  s.due.card = { state: 'ok', data: RECORD };
  assert.equal(showsIllustrative(s, new Map()), true, 'the open card of an illustrative record');
});
