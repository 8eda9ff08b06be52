// 被征收户登记 (web/src/tools/expropriation/state.js): the register and the progress
// counts as the info panel shows them. The server computes the amounts; the page
// words them.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { setLang } from '../src/lib/i18n.js';
import { householdRow, progressFacts, progressLabel, registerRows, yuanText } from '../src/tools/expropriation/state.js';

afterEach(() => setLang('zh'));

// Two households of GET api/expropriation/households (shortened).
const ANSWER = {
  households: [
    { id: 3, properties: { household_no: '10-003', owner_name: '示例户丙' },
      assessment: { status: 'decision_made', status_zh: '未签约（已作出补偿决定）', bonus_day: 83, provisional: true, missing: [],
        compensation: { bonus_percent: 0, total: { fen: 63_286_250, yuan: '632862.50' } } } },
    { id: 1, properties: { household_no: '10-001', owner_name: '示例户甲' },
      assessment: { status: 'signed', status_zh: '已签约', bonus_day: 20, provisional: false, missing: [],
        compensation: { bonus_percent: 20, total: { fen: 40_312_500, yuan: '403125.00' } } } },
    { id: 9, properties: { household_no: '10-009' }, error: 'decision_no: 决定文号 "x" 不是 …' },
  ],
};

test('rows in household-number order with the computed total and bonus', () => {
  const rows = registerRows(ANSWER);
  assert.deepEqual(rows.map((r) => r.no), ['10-001', '10-003', '10-009']);
  assert.equal(rows[0].total, '403,125 元');
  assert.equal(rows[0].bonus, '20%（第 20 天）');
  assert.equal(rows[0].status, '已签约');
  assert.equal(rows[1].provisional, true);
  assert.match(rows[2].error, /decision_no/);
  assert.equal(rows[2].total, '—');
  setLang('en');
  assert.equal(householdRow(ANSWER.households[0]).status, 'decision made');
  assert.equal(householdRow(ANSWER.households[1]).bonus, '20%（day 20）');
});

test('progress facts carry the counts only', () => {
  const facts = progressFacts({ decision_no: '临政发〔2023〕10号', households: 4, signed: 2, not_signed: 2, decision_made: 1, handed_over: 1 });
  assert.deepEqual(facts.map(([, v]) => v), ['4', '2', '2', '1', '1']);
  assert.equal(facts[1][0], '已签约');
  assert.equal(progressFacts(undefined), null);
  assert.equal(yuanText({ yuan: '1234567.80' }), '1,234,567.80 元');
  assert.equal(yuanText(null), '—');
});

test('the map label of an area carries counts only', () => {
  const progress = [
    { decision_no: '临政发〔2023〕10号', households: 4, signed: 2, not_signed: 2, decision_made: 1, handed_over: 1 },
    { decision_no: '临政发〔2023〕11号', households: 0, signed: 0, not_signed: 0, decision_made: 0, handed_over: 0 },
  ];
  assert.equal(progressLabel(progress, '临政发〔2023〕10号'), '已签约 2/4 户 · 补偿决定 1');
  assert.equal(progressLabel(progress, '临政发〔2023〕11号'), null);
  assert.equal(progressLabel(undefined, '临政发〔2023〕10号'), null);
  setLang('en');
  assert.equal(progressLabel(progress, '临政发〔2023〕10号'), '2/4 households signed · 1 compensation decision');
});
