// 货车禁行 (web/src/tools/truck-ban/state.js): the request of a check, the track's
// request and drawing, the server's answers as the panel words them.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { setLang } from '../src/lib/i18n.js';
import {
  atText, checkRequest, decisionModel, initialState, showsIllustrative, trackData, trackFile, trackGeometry, trackModel,
  trackQuery, vehicle,
} from '../src/tools/truck-ban/state.js';

afterEach(() => setLang('zh'));

const state = (over = {}) => ({ ...initialState('2023-06-01T10:00'), ...over });

// An answer of POST api/truck-ban/check (P1, a heavy truck at 10:00).
const BANNED = {
  at: '2023-06-01T10:00:00+08:00', banned: true, clause: '一、(一)', document: '临政发〔2023〕5号', vehicle_class: 'heavy',
  notes: [{ en: 'GA 802-2019: heavy truck', zh: '按GA 802-2019为重型货车' }],
  penalty: { clause: '三', fine_yuan: 200, points: 1 },
  position: { boundary_road_rule: 'within 30 m', distance_to_zone_edge_m: 1724.0086, inside_zone: true, lat: 35.14, lon: 110.775,
    on_boundary_road: false, zone_illustrative: true },
  reason: '重型货车在禁行时间、禁行区域内禁止通行', reason_en: 'Banned: heavy trucks may not drive in the ban zone during the ban hours.',
};

test('a measured vehicle needs length and mass; a class is enough otherwise', () => {
  assert.deepEqual(checkRequest(state({ point: [110.775, 35.14] })), { error: 'tb_need_size' });
  assert.deepEqual(checkRequest(state({ point: [110.775, 35.14], length: '9000', mass: '0' })), { error: 'tb_need_size' });
  assert.deepEqual(checkRequest(state({ point: [110.775, 35.14], sizeMode: 'class', at: '' })), { error: 'tb_need_time' });
  const { body } = checkRequest(state({ point: [110.77512345678, 35.14], length: '8999.6', mass: '15000', body: 'open', plate: ' 晋M12345 ' }));
  assert.deepEqual(body, {
    lon: 110.7751235, lat: 35.14, at: '2023-06-01T10:00:00+08:00',
    vehicle: { length_mm: 9000, total_mass_kg: 15000, body: 'open', energy: 'fuel', purpose: 'ordinary', plate: '晋M12345' },
  });
  assert.deepEqual(vehicle(state({ sizeMode: 'class', vehicleClass: 'medium', length: '9000' })),
    { class: 'medium', body: 'box', energy: 'fuel', purpose: 'ordinary' });
  assert.equal(atText(state({ at: '2023-06-01T23:00' })), '2023-06-01T23:00:00+08:00');
});

test('a track file: its format from the name, the CRS in the query', () => {
  assert.deepEqual(trackFile('t.GPX', '<gpx/>'), { fileName: 't.GPX', trackText: '<gpx/>', trackFormat: 'gpx' });
  assert.equal(trackQuery(state(trackFile('t.csv', ''))), 'format=csv');
  assert.equal(trackQuery(state({ ...trackFile('track', ''), crs: 'gcj02' })), 'crs=gcj02');
  // Issue 15: the track is judged for the vehicle of the form (the point check's `vehicle`), and the report files.
  const van = state({ ...trackFile('t.csv', ''), length: '5000', mass: '3000', energy: 'new_energy', plate: '晋M12345' });
  const q = new URLSearchParams(trackQuery(van, 'xlsx'));
  assert.deepEqual(JSON.parse(q.get('vehicle')),
    { length_mm: 5000, total_mass_kg: 3000, body: 'box', energy: 'new_energy', purpose: 'ordinary', plate: '晋M12345' });
  assert.equal(q.get('f'), 'xlsx');
  assert.deepEqual(JSON.parse(new URLSearchParams(trackQuery(state({ sizeMode: 'class' }))).get('vehicle')),
    { class: 'heavy', body: 'box', energy: 'fuel', purpose: 'ordinary' });
});

test('the track is drawn from the fixes; each interval through the fixes inside it', () => {
  const text = 'time,lon,lat\n'
    + ['10:00', '10:01', '10:02', '10:03'].map((m, i) => `2023-06-01T${m}:00+08:00,${(110.74 + i / 100).toFixed(2)},35.14`).join('\n');
  const t0 = Date.UTC(2023, 5, 1, 2, 0, 0);
  const report = { intervals: [{ entry: { t_ms: t0 + 30_000, lon: 110.745, lat: 35.14 }, exit: { t_ms: t0 + 150_000, lon: 110.765, lat: 35.14 } }] };
  const g = trackGeometry(report, text, { format: 'csv', crs: 'wgs84' });
  assert.deepEqual(g.trackLine, [[110.74, 35.14], [110.75, 35.14], [110.76, 35.14], [110.77, 35.14]]);
  assert.deepEqual(g.segments, [[[110.745, 35.14], [110.75, 35.14], [110.76, 35.14], [110.765, 35.14]]]);
  assert.equal(g.straight, false);
  const unread = trackGeometry(report, 'nothing readable', { format: 'csv', crs: 'wgs84' });
  assert.deepEqual(unread, { trackLine: [], segments: [[[110.745, 35.14], [110.765, 35.14]]], straight: true });

  const drawn = trackData(state({ status: 'track', ...g }));
  assert.deepEqual(drawn.features.map((f) => f.properties.role), ['track', 'violation', 'entry', 'exit']);
  assert.deepEqual(drawn.features[3].geometry.coordinates, [110.765, 35.14]);
  assert.deepEqual(trackData(state({ status: 'result', ...g })).features, [], 'nothing drawn unless a track is shown');
});

test('a decision as the panel words it, in Chinese and English', () => {
  const zh = decisionModel(BANNED, 'x');
  assert.equal(zh.banned, true);
  assert.equal(zh.reason, BANNED.reason);
  assert.equal(zh.penalty, '处罚：罚款200元、记1分（第三条）');
  assert.deepEqual(Object.fromEntries(zh.facts)['坐标（WGS84）'], '110.775000, 35.140000');
  assert.ok(zh.facts.some(([, v]) => v === '1724 m'));
  assert.deepEqual(zh.notes, ['按GA 802-2019为重型货车']);
  assert.equal(zh.roadRule, true);
  setLang('en');
  const en = decisionModel({ ...BANNED, at: undefined }, '2023-06-01T10:00:00+08:00');
  assert.equal(en.penalty, 'Penalty: fine 200 yuan, 1 point (clause 三)');
  assert.equal(en.reason, BANNED.reason_en);
  assert.ok(en.facts.some(([, v]) => v === '2023-06-01T10:00:00+08:00'), 'the time asked when the answer has none');
  const allowed = decisionModel({ ...BANNED, banned: false }, 'x');
  assert.equal(allowed.penalty, null, 'no penalty when allowed');
});

test('on a road of the road layer: the road is named and the 30 m approximation is not explained (issue 15, 二、(二))', () => {
  const onRoad = { ...BANNED, banned: false, clause: '二、(二)',
    position: { ...BANNED.position, inside_zone: false, on_boundary_road: true, road_layer: true,
      road: { name: '丰喜大道', label: '丰喜大道（边界道路）', role: 'boundary' },
      banned_section: { name: '解放路', windows: [{ start_minute: 420, end_minute: 540 }] } } };
  const m = decisionModel(onRoad, 'x');
  const facts = Object.fromEntries(m.facts);
  assert.equal(facts['在边界道路上'], '丰喜大道（边界道路）');
  assert.equal(facts['禁行路段'], '解放路（07:00-09:00）');
  assert.equal(m.roadRule, false);
});

test('a track report: intervals in Beijing time, totals, gaps, problems', () => {
  const t0 = Date.UTC(2023, 5, 1, 2, 0, 0);
  const m = trackModel({
    intervals: [{ entry: { t_ms: t0 }, exit: { t_ms: t0 + 90_000 }, entered_by: 'zone_boundary', exited_by: 'track_edge',
      distance_m: 1234.4, duration_ms: 90_000 }],
    gaps: [{ from: 'line 2', to: 'line 3', from_t_ms: t0, to_t_ms: t0 + 600_000 }],
    problems: [{ at: 'line 5', message: 'missing time' }], problems_omitted: 2,
    fixes: 31, total_distance_m: 5412.7, total_violation_m: 1234.4, total_violation_ms: 90_000, zone_illustrative: true,
  });
  assert.deepEqual(m.intervals, [{ entry: '2023-06-01 10:00:00', entryCause: '跨越区域边界', exit: '2023-06-01 10:01:30',
    exitCause: '轨迹起止', metres: '1,234', minutes: '1.5', reason: null }]);
  assert.equal(m.totalMetres, '1,234');
  assert.deepEqual(m.gaps, ['2023-06-01 10:00:00 → 2023-06-01 10:10:00（line 2 → line 3，10.0 分钟）']);
  assert.deepEqual(m.problems, ['line 5：missing time']);
  assert.deepEqual(Object.fromEntries(m.facts), { 定位点: '31', 轨迹长度: '5,413 m', 中断: '1', 问题记录: '3' });
  assert.equal(trackModel({ intervals: [], fixes: 2 }).summary, '未发现禁行时段内进入禁行区域');
});

test('a track judged for a vehicle: the headline, the allowed stays with their clause, assumptions and warnings', () => {
  const t0 = Date.UTC(2023, 5, 1, 2, 0, 0);
  const decision = { banned: false, clause: '一、(二)', reason: '新能源轻型货车不受限制', reason_en: 'New-energy trucks are not covered.' };
  const r = {
    intervals: [], fixes: 11,
    in_zone_during_ban_hours: [{ entry: { t_ms: t0 }, exit: { t_ms: t0 + 60_000 }, banned: false, decision }],
    headline: { zh: '禁行时段内进入禁行区域，但该车辆不受限制（理由见各段）', en: 'allowed' },
    assumptions: [{ zh: '假定：11个定位点的时间未注明时区，按北京时间（UTC+8）读取', en: 'Assumption: Beijing time' }],
    warnings: [],
  };
  const m = trackModel(r);
  assert.equal(m.summary, '禁行时段内进入禁行区域，但该车辆不受限制（理由见各段）');
  assert.deepEqual(m.allowed, ['2023-06-01 10:00:00 → 2023-06-01 10:01:00：新能源轻型货车不受限制（一、(二)）']);
  assert.deepEqual(m.notes, ['假定：11个定位点的时间未注明时区，按北京时间（UTC+8）读取']);
  // A violation on a banned road section (禁行路段, 三) is listed and drawn like one in the zone.
  const onSection = { ...r, section_intervals: [{ entry: { t_ms: t0, lon: 110.74, lat: 35.14 }, exit: { t_ms: t0 + 120_000, lon: 110.745, lat: 35.14 },
    entered_by: 'track_edge', exited_by: 'zone_boundary', distance_m: 455, duration_ms: 120_000,
    decision: { banned: true, clause: '一、(一)', reason: '重型货车在禁行路段解放路禁行时间（07:00-09:00）内禁止通行' } }] };
  assert.equal(trackModel(onSection).intervals[0].reason, '重型货车在禁行路段解放路禁行时间（07:00-09:00）内禁止通行（一、(一)）');
  assert.equal(trackGeometry(onSection, '', { format: 'csv', crs: 'wgs84' }).segments.length, 1);
  setLang('en');
  assert.equal(trackModel(r).notes[0], 'Assumption: Beijing time');
});

test('the illustrative notice follows the open panel\'s answer', () => {
  assert.equal(showsIllustrative(state({ open: true, status: 'result', answer: BANNED })), true);
  assert.equal(showsIllustrative(state({ open: false, status: 'result', answer: BANNED })), false);
  assert.equal(showsIllustrative(state({ open: true, status: 'track', track: { zone_illustrative: false } })), false);
});
