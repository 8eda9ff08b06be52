// 土地整治项目补偿 (web/src/tools/consolidation/state.js): the server's answer as the card shows it.
// 临政发〔2023〕9号 第二条 (gazette line 1348): scope by the dates; 第五条 (line 1362): the
// subsidy in calendar years, the years' start an assumption the answer states.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { setLang } from '../src/lib/i18n.js';
import { consolidationModel } from '../src/tools/consolidation/state.js';

afterEach(() => setLang('zh'));

const yuan = (y) => ({ fen: Math.round(y * 100), yuan: y.toFixed(2) });
const ANSWER = {
  area: { mu: 100, m2: 66666.67 },
  scope: {
    status: 'applies', explanation: '立项 未知，竣工验收 2022-11-18：2020年后立项或竣工验收，适用本办法（第二条，公报第1348行）',
    citation: { document: '临政发〔2023〕9号', clause: '第二条（公报 2023年第2期 第1348行）', text: '本办法适用于2020年后立项或竣工验收的……' },
  },
  lines: [
    { name: '土地所有权集体经济组织补偿', name_en: 'compensation to the land-owning collective', basis: '2000 元/亩 × 100 亩', amount: { min: yuan(200000), max: yuan(200000) } },
    { name: '废弃院基、房屋', name_en: 'abandoned homesteads and houses', basis: '20000—30000 元/户 × 1 户', amount: { min: yuan(20000), max: yuan(30000) } },
  ],
  subsidy_schedule: [1, 2, 3, 4, 5].map((n) => ({ year: n, calendar_year: 2021 + n, from: `${2021 + n}-11-18`, to: `${2022 + n}-11-17`, amount: yuan(30000) })),
  subsidy_terms: {
    payer: '县财政', applicant: '当地乡（镇）政府（按年度直接向县政府申请）', payee: '土地使用权人',
    citation: { document: '临政发〔2023〕9号', clause: '第五条（公报 2023年第2期 第1362行）', text: '项目竣工验收后……' },
  },
  assumptions: ['假定（assumption）：第五条……未规定第 1 年从何时起算'],
  notes: ['其他地上附着物……'],
  attachments_note: '项目记录不含地表附着物',
};

test('scope, lines and the subsidy in calendar years (lines 1348, 1362)', () => {
  const m = consolidationModel(ANSWER);
  assert.equal(m.scopeStatus, 'applies');
  assert.equal(m.scope, '适用（2020年后立项或竣工验收）');
  assert.ok(m.scopeCitation.startsWith('临政发〔2023〕9号 第二条（公报 2023年第2期 第1348行）：'));
  assert.equal(m.area, '100.00 亩');
  assert.deepEqual(m.lines.map((l) => l.amount), ['200,000 元', '20,000 元 – 30,000 元']);
  assert.deepEqual(m.schedule[0], { year: '第1年', calendarYear: '2022', period: '2022-11-18 — 2023-11-17', amount: '30,000 元' });
  assert.equal(m.schedule.length, 5);
  assert.equal(m.terms, '县财政 → 当地乡（镇）政府（按年度直接向县政府申请） → 土地使用权人');
  assert.ok(m.subsidyCitation.includes('第1362行'));
  assert.ok(m.assumptions[0].includes('假定'));
  assert.deepEqual(m.notes, ['其他地上附着物……', '项目记录不含地表附着物']);
});

test('no dates: scope undetermined, years without calendar years; English', () => {
  const bare = { ...ANSWER, scope: { status: 'undetermined', explanation: '缺少立项或竣工验收日期' }, subsidy_schedule: [{ year: 1, calendar_year: null, from: null, to: null, amount: yuan(30000) }] };
  const m = consolidationModel(bare);
  assert.equal(m.scope, '无法判断（缺少日期）');
  assert.deepEqual(m.schedule[0], { year: '第1年', calendarYear: '—', period: '', amount: '30,000 元' });
  assert.equal(m.scopeCitation, '');
  setLang('en');
  const e = consolidationModel({ ...ANSWER, scope: { ...ANSWER.scope, status: 'unclear' } });
  assert.equal(e.scope, 'unclear (a date in 2020)');
  assert.equal(e.lines[0].name, 'compensation to the land-owning collective');
  assert.equal(e.schedule[0].year, 'year 1');
});
