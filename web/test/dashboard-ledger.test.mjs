// The weekly ledger's default week and its edited export body
// (web/src/tools/trace/ledger-edit.js), and the compensation calculator's body and
// answer (web/src/tools/expropriation/calculator-state.js).

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { weekRange } from '../src/lib/iso-week.js';
import { setLang } from '../src/lib/i18n.js';
import { compensationBody, compensationModel } from '../src/tools/expropriation/calculator-state.js';
import { defaultLedgerWeek, emptyEdits, ledgerExportBody, setNote } from '../src/tools/trace/ledger-edit.js';

afterEach(() => setLang('zh'));

test('the ledger opens on the last complete week, the one reported on Tuesday', () => {
  // Monday 2023-06-19 and Tuesday 2023-06-20 (the report day of W24): W24.
  assert.equal(defaultLedgerWeek('2023-06-19'), '2023-W24');
  assert.equal(defaultLedgerWeek('2023-06-20'), '2023-W24');
  assert.equal(weekRange(defaultLedgerWeek('2023-06-20')).report, '2023-06-20');
  // Sunday 2023-06-18 ends W24, which is not complete yet: W23.
  assert.equal(defaultLedgerWeek('2023-06-18'), '2023-W23');
  // Across a year: Monday 2024-01-01 is in 2024-W01; the week before is 2023-W52.
  assert.equal(defaultLedgerWeek('2024-01-01'), '2023-W52');
  // Every day: the week is complete before the day and its report is within the next 9 days.
  for (let d = 0; d < 30; d += 1) {
    const day = new Date(Date.UTC(2023, 5, 1 + d)).toISOString().slice(0, 10);
    const r = weekRange(defaultLedgerWeek(day));
    assert.ok(r.to < day, `${day}: ${r.to}`);
    assert.ok(r.report >= day || Date.parse(day) - Date.parse(r.report) < 7 * 86_400_000, `${day}: ${r.report}`);
  }
});

test('the export body keeps the edited text of the ledger townships only', () => {
  const edits = emptyEdits();
  edits.title = '  标题（修订） ';
  setNote(edits, '140821100', 'practices', ' 入户采集 ');
  setNote(edits, '140821100', 'problems', '');
  setNote(edits, '999', 'practices', 'x');
  setNote(edits, 'county', 'next_steps', '复核');
  setNote(edits, '140821100', 'colour', 'red');
  assert.deepEqual(ledgerExportBody('2023-W24', edits, ['140821100']), {
    week: '2023-W24',
    title: '标题（修订）',
    period: '',
    notes: { 140821100: { practices: '入户采集' }, county: { next_steps: '复核' } },
  });
});

test('the calculator body names the field in error and sends the numbers', () => {
  const ok = compensationBody('临政发〔2023〕10号', { value: '800,000', area: '120.5', day: '10' });
  assert.deepEqual(ok, { ok: true, body: { decision_no: '临政发〔2023〕10号', appraised_value_yuan: '800000', building_area_m2: 120.5, signed_day_after_appraisal: 10 } });
  const bad = compensationBody('x', { value: '-1', area: '1', day: '1' });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /评估价值/);
  assert.match(compensationBody('x', { value: '1', area: '1', day: '2.5' }).message, /第几天/);
  setLang('en');
  assert.match(compensationBody('x', { value: '1', area: 'abc', day: '1' }).message, /Building area/);
});

test('the answer is read line by line with its citations', () => {
  const answer = {
    decision_no: '临政发〔2023〕10号', project: '壕村', bonus_percent: 20,
    lines: [
      { item: 'moving', name: '搬迁费', name_en: 'Moving fee', basis: '15 元/m² × 120 m²', amount: { fen: 180000, yuan: '1800.00' },
        citation: { document: '临政发〔2023〕10号', clause: '九（三）', text: '搬迁费按15元/平方米' } },
    ],
    total: { fen: 180000, yuan: '1800.00' }, total_wan_yuan: '0.18', note: 'n',
  };
  const m = compensationModel(answer);
  assert.deepEqual(m.rows[0], { item: 'moving', name: '搬迁费', basis: '15 元/m² × 120 m²', amount: '1800.00',
    citation: '临政发〔2023〕10号 九（三）', citationText: '搬迁费按15元/平方米' });
  assert.equal(m.total, '1800.00');
  assert.equal(compensationModel(answer, true).rows[0].name, 'Moving fee');
});
