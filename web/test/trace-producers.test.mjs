// 溯源采集 › 种养殖主体 (web/src/tools/trace/state.js): the producer form's request body,
// a 400's problems by field, a producer's bases with their thresholds (bases weighed
// together, 临政办发〔2023〕19号 五、(二), gazette line 2852) and the ledger's completeness
// (全项采集, line 2852).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TABS, blankProducer, initialState, ledgerModel, producerBases, producerBody, producerProblems } from '../src/tools/trace/state.js';

test('the producer tab exists and starts empty', () => {
  assert.ok(TABS.includes('producers'));
  const s = initialState('2023-06-01');
  assert.equal(s.producers.status, 'idle');
  assert.deepEqual(s.producers.form, blankProducer());
});

test('the producer body: blank fields left out, the code sent as producer_id, for_market as 0/1', () => {
  const body = producerBody({ ...blankProducer(), name: ' 示例农场 ', subject_type: '家庭农场', uscc: '914403001922038216', for_market: 'no' });
  assert.deepEqual(body, { name: '示例农场', subject_type: '家庭农场', producer_id: '914403001922038216', for_market: 0 });
  assert.deepEqual(producerBody(blankProducer()), {});
});

test('a refused producer puts each problem next to its field', () => {
  const answer = { problems: [
    { field: 'producer_id', message: '校验位不符' },
    { field: 'township_code', message: '未知乡镇' },
    { field: 'contact_phone', message: 'a' },
    { field: 'contact_phone', message: 'b' },
  ] };
  assert.deepEqual(producerProblems(answer), { uscc: '校验位不符', township: '未知乡镇', contact_phone: 'a；b' });
  assert.deepEqual(producerProblems(null), {});
});

test('bases show whether they must be collected and why (line 2852)', () => {
  const detail = { bases: [
    { id: 3, properties: { product: '豇豆', scale: 0.2, scale_unit: '亩', completeness: { filled: 12, total: 19 },
      threshold: { mandatory: true, rule: '种植面积 ≥ 0.5 亩', note: '……合计 0.5 亩 达到标准，须分别采集',
        aggregate: { bases: 2, total: 0.5 }, basis: ['三、采集范围（公报第2838-2842行）', '五、(二)（公报第2852行）'] } } },
    { id: 4, properties: { product: '韭菜', scale: 0.3, scale_unit: '亩', threshold: { mandatory: false, rule: '种植面积 ≥ 0.5 亩' } } },
  ] };
  const [a, b] = producerBases(detail);
  assert.deepEqual([a.mandatory, a.together, a.scale, a.completeness], [true, true, '0.2 亩', '12/19']);
  assert.match(a.basis, /第2852行/);
  assert.deepEqual([b.mandatory, b.together, b.note], [false, false, '']);
  assert.deepEqual(producerBases(null), []);
});

test('the ledger shows each township\'s completeness', () => {
  const m = ledgerModel({ key_products: [], totals: { counts: [], total: 0, total_change: 0 }, rows: [
    { township_code: '1', township_name: '甲', counts: [], total: 0, total_change: 0, records: 2, complete_records: 1, completeness_percent: 76.3 },
    { township_code: '2', township_name: '乙', counts: [], total: 0, total_change: 0, records: 0, complete_records: 0, completeness_percent: null },
  ] });
  assert.deepEqual(m.rows.map((r) => [r.completeness, r.complete]), [['76.3%', '1/2'], ['—', '0/0']]);
});
