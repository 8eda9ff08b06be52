// 径流总量控制 (web/src/tools/sponge-runoff/state.js): the server's runoff answer as the
// card shows it.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { setLang } from '../src/lib/i18n.js';
import { answerText, rainfallIsAssumption, runoffModel } from '../src/tools/sponge-runoff/state.js';

afterEach(() => setLang('zh'));

// An answer of GET api/sponge/projects/1/runoff (shortened).
const ANSWER = {
  assumptions: ['V = 10·H·φ·F — 容积法', '设计降雨量取假定值（assumption）'],
  estimate: {
    achieved_depth_mm: 27.84810126582278, achieved_percent: 86.15506329113924, area_ha: 2.0, composite_phi: 0.5925,
    design_rainfall_mm: 21.0, design_rainfall_source: 'assumption: illustrative curve; not Yuncheng rainfall data',
    facilities: [{ basis: '800 m² × 0.15 m = 120.00 m³', effective_volume_m3: 120.0, kind: '下沉式绿地', name: '示例下沉式绿地01', status: '建成' }],
    meets_target: true, provided_volume_m3: 330.0, required_volume_m3: 248.85000000000002,
    surfaces: [{ area_m2: 6000.0, phi: 0.9, surface: '屋面' }, { area_m2: 14000.0, phi: 0.4607142857, surface: '绿地' }],
    target_percent: 80.0, total_area_m2: 20000.0, working: ['F = 20000 m²', { zh: '中文一步', en: 'a step' }],
  },
  notes: null,
  source: '《海绵城市建设技术指南》',
};

test('the card\'s numbers as shown', () => {
  const m = runoffModel(ANSWER);
  assert.equal(m.meets, true);
  assert.equal(m.achieved, '86.2%');
  assert.equal(m.target, '目标 ≥ 80%');
  assert.deepEqual(m.surfaces, [{ surface: '屋面', area: '6,000', phi: '0.90' }, { surface: '绿地', area: '14,000', phi: '0.4607' }]);
  assert.deepEqual([m.totalArea, m.compositePhi, m.rainfall, m.required, m.provided, m.depth],
    ['20,000', '0.5925', '21.0', '248.85 m³', '330.0', '27.85 mm']);
  assert.equal(m.requiredWorking, ' = 10 × 21.0 × 0.5925 × 2.0 ha = ');
  assert.deepEqual(m.facilities, [{ name: '示例下沉式绿地01', detail: '下沉式绿地 · 建成 · 800 m² × 0.15 m = 120.00 m³', volume: '120.0' }]);
  assert.deepEqual(m.working, ['F = 20000 m²', '中文一步']);
  assert.deepEqual(m.notes, []);
  assert.equal(m.source, '《海绵城市建设技术指南》');
});

test('the assumed design rainfall is flagged', () => {
  assert.equal(runoffModel(ANSWER).assumed, true);
  assert.equal(rainfallIsAssumption({ design_rainfall_assumption: false, design_rainfall_source: 'assumption' }), false);
  assert.equal(rainfallIsAssumption({ design_rainfall_source: '运城市统计值' }), false);
  const configured = { estimate: { ...ANSWER.estimate, design_rainfall_source: '运城市统计值' }, assumptions: ['容积法'] };
  assert.equal(runoffModel(configured).assumed, false);
  const saidInAssumptions = { ...configured, assumptions: ['设计降雨量为假定值'] };
  assert.equal(runoffModel(saidInAssumptions).assumed, true);
});

test('texts of the answer in the page language', () => {
  assert.equal(answerText({ zh: '中', en: 'en' }), '中');
  assert.equal(answerText({ text_zh: '中', text_en: 'en' }), '中');
  assert.equal(answerText({ message: 'm' }), 'm');
  assert.equal(answerText(null), '');
  assert.equal(answerText(3), '3');
  setLang('en');
  assert.equal(answerText({ zh: '中', en: 'en' }), 'en');
  assert.deepEqual(runoffModel(ANSWER).working, ['F = 20000 m²', 'a step']);
  assert.equal(runoffModel({ ...ANSWER.estimate }).meets, true, 'the estimate itself is an answer too');
});

// 临政办发〔2023〕11号 line 2274: a rebuilt (改建) project has no numeric target: the card
// shows the ratio achieved, no pass/fail, and the clause.
test('a rebuilt project has no numeric target and no verdict (line 2274)', () => {
  const rebuilt = {
    ...ANSWER,
    estimate: { ...ANSWER.estimate, target_percent: null, meets_target: null, required_volume_m3: null, design_rainfall_mm: null, design_rainfall_source: 'none' },
    target: {
      project_type: 'rebuilt', target_percent: null, basis: 'none', assumptions: [],
      explanation: '改建项目：公报要求充分融入海绵理念，未规定年径流总量控制率数值（第2274行）',
      citation: { document: '临政办发〔2023〕11号', clause: '三、工作目标（公报 2023年第2期 第2274行）', text: '其中新建项目年径流总量控制率不得低于 80%，改建、扩建项目充分融入海绵理念' },
    },
  };
  const m = runoffModel(rebuilt);
  assert.equal(m.hasTarget, false);
  assert.equal(m.meets, null);
  assert.equal(m.target, '无数值目标（改建、扩建项目）');
  assert.ok(m.targetBasis.includes('第2274行'));
  assert.ok(m.targetCitation.startsWith('临政办发〔2023〕11号 三、工作目标（公报 2023年第2期 第2274行）：其中新建项目'));
  assert.equal(m.assumed, true, 'the ratio is read off the assumed curve');
  const withTarget = runoffModel(ANSWER);
  assert.equal(withTarget.hasTarget, true);
  assert.equal(withTarget.targetCitation, '');
  setLang('en');
  assert.equal(runoffModel(rebuilt).target, 'no numeric target (rebuilt or extended project)');
});
