// 重点农产品产地溯源点 (web/src/tools/origin-points/state.js, record.js): the filter's
// query, what the map draws of the answer, the counts, the record card's content.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { setLang } from '../src/lib/i18n.js';
import { auditFacts, contactLines, dueModel, recordFacts, thresholdModel } from '../src/tools/origin-points/record.js';
import { blankFilter, drawable, filterChoices, isFiltered, readRecords, recordsQuery } from '../src/tools/origin-points/state.js';

afterEach(() => setLang('zh'));

const point = (id, props = {}) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [110.7 + id / 100, 35.1] }, properties: props });

test('the query: the filters set, and always the date', () => {
  const f = blankFilter('2023-06-30');
  assert.equal(recordsQuery(f, true, 'x'), 'as_of=2023-06-30');
  assert.ok(!isFiltered(f));
  Object.assign(f, { product: '韭菜', due: 'overdue', township: '' });
  assert.ok(isFiltered(f));
  assert.equal(recordsQuery(f, true, 'x'), 'product=%E9%9F%AD%E8%8F%9C&due=overdue&as_of=2023-06-30');
  assert.equal(recordsQuery(f, false, 'x'), 'as_of=2023-06-30');
  assert.equal(recordsQuery({ ...f, as_of: '' }, false, '2023-07-01'), 'as_of=2023-07-01', 'an empty date is today');
});

test('the map draws points only, with what its style reads', () => {
  const d = drawable(point(3, { product: '韭菜', subject_name: '甲', due: { status: 'OVERDUE' }, accuracy: 'illustrative', contact_phone: '139' }));
  assert.deepEqual(d.properties, { fid: 3, product: '韭菜', subject_name: '甲', due_status: 'overdue', accuracy: 'illustrative' });
  assert.equal(d.id, 3);
  const fc = { features: [point(1), { ...point(2), geometry: null }, point(3)], total: 10 };
  const r = readRecords(fc);
  assert.deepEqual([r.drawn.features.map((f) => f.id), r.shown, r.total], [[1, 3], 2, 10]);
});

test('the total of all records: the answer\'s, else counted', () => {
  const fc = { features: [point(1), point(2)] };
  assert.equal(readRecords(fc).total, 2, 'unfiltered: what is shown is all');
  assert.equal(readRecords(fc, { filtered: true, all: { features: [point(1), point(2), point(3)] } }).total, 3);
  assert.equal(readRecords(fc, { filtered: true, previous: 9 }).total, 9, 'filtered without a count: the last total');
});

test('the filter\'s choices: the server\'s lists, else the built-in ones', () => {
  const label = (x) => `«${x}»`;
  const built = filterChoices(null, { products: ['豇豆'], label });
  assert.deepEqual(built.products, [['豇豆', '«豇豆»']]);
  assert.deepEqual(built.townships, []);
  assert.equal(built.types.length, 5);
  const served = filterChoices({ products: ['韭菜'], townships: [{ code: '1', name: '猗氏镇' }], subject_types: ['企业'] }, { products: [], label });
  assert.deepEqual(served, { products: [['韭菜', '«韭菜»']], townships: [['1', '猗氏镇']], types: [['企业', '«企业»']] });
});

test('the card: due status, threshold flag, facts', () => {
  assert.deepEqual(dueModel({ status: 'overdue', days_overdue: 12, due_on: '2023-06-01', rule: '每月更新' }),
    { overdue: true, badge: '逾期 12 天', date: '应于 2023-06-01 前更新', rule: '每月更新' });
  assert.equal(dueModel({ status: 'current', due_on: '2023-07-01' }).overdue, false);
  assert.equal(dueModel(null), null);
  assert.deepEqual(thresholdModel({ mandatory: false, rule: '≥ 10 亩', rule_en: '≥ 10 mu', note: '可自愿采集' }),
    { mandatory: false, rule: '≥ 10 亩', note: '可自愿采集' });
  setLang('en');
  assert.equal(thresholdModel({ mandatory: true, rule: '≥ 10 亩', rule_en: '≥ 10 mu' }).rule, '≥ 10 mu');
  setLang('zh');
  const facts = Object.fromEntries(recordFacts({ subject_type: '家庭农场', scale: 12.5, scale_unit: '亩', township_name: '猗氏镇',
    township_code: '140821100', village_code: '140821100201', industrialised: 1, updated_on: null, due: { last_update: '2023-05-01' } }));
  assert.equal(facts['规模'], '12.5 亩');
  assert.equal(facts['工厂化/工程化养殖'], '是');
  assert.equal(facts['产品'], null, 'not given: left out of the card');
  assert.equal(Object.values(facts).filter((v) => v === '猗氏镇（140821100）').length, 1);
  assert.equal(Object.values(facts).filter((v) => v === '140821100201').length, 1, 'a village without a name: its code');
  assert.ok(Object.values(facts).includes('2023-05-01'), 'the last update from the due status');
});

test('contacts: shown when returned, "hidden" for users the server does not give them to', () => {
  assert.equal(contactLines({}, undefined), null);
  assert.equal(contactLines({}, 'planning'), null);
  const staff = contactLines({}, 'agriculture');
  assert.equal(staff.length, 3);
  assert.ok(staff.every(([, line]) => line === '未填写'));
  const returned = contactLines({ contact_name: '张三', contact_phone: '139', collector_phone: '138' }, undefined);
  assert.deepEqual(returned.map(([, line]) => line), ['张三  139', '未填写', '138']);
  assert.deepEqual(auditFacts({ created_at: '2023-06-01T10:00:00+08:00', created_by: 'admin' }).map(([, v]) => v),
    ['2023-06-01T10:00:00+08:00 · admin', '']);
});
