// 货车禁行 / truck ban: the tool's state, the request bodies of POST api/truck-ban/check
// and POST api/truck-ban/track, and the server's answers read into what the panel and
// the map show. Pure. The server decides (临政发〔2023〕5号): banned or not, the clause,
// the penalty, the violation intervals; the page reads the track's fixes
// (lib/track-fixes.js) only to draw them.

import { minutes, whole } from '../../lib/format.js';
import { isEn, t } from '../../lib/i18n.js';
import { shanghaiDateTime, withShanghaiOffset } from '../../lib/time.js';
import { readFixes, trackFormat } from '../../lib/track-fixes.js';

export const CLASSES = ['heavy', 'medium', 'light', 'mini'];
export const BODIES = ['box', 'enclosed', 'open', 'tanker', 'other'];
export const ENERGIES = ['fuel', 'new_energy'];
export const PURPOSES = ['ordinary', 'police', 'fire', 'engineering_rescue', 'law_enforcement_on_duty', 'wrecker', 'sanitation',
  'landscaping', 'road_maintenance', 'municipal_engineering', 'medical_waste', 'other_by_law'];

/** The tool's state at start: an ordinary fuel box truck measured by hand, at `now` (`YYYY-MM-DDTHH:MM`, Beijing time). */
export const initialState = (now) => ({
  open: false,
  sizeMode: 'measured', // measured | class
  vehicleClass: 'heavy',
  length: '',
  mass: '',
  body: 'box',
  energy: 'fuel',
  purpose: 'ordinary',
  plate: '',
  at: now,
  crs: 'wgs84',
  point: null, // [lon, lat]
  status: 'idle', // idle | loading | result | track | error
  answer: null, // the decision of api/truck-ban/check
  track: null, // the report of api/truck-ban/track
  trackText: null,
  trackFormat: null,
  trackLine: null, // [[lon, lat], ...] WGS84
  segments: [], // violation lines
  straight: false, // the segments are straight entry–exit lines
  fileName: null,
  message: '',
});

/** The vehicle of a check: by measured length and mass, or by class; body, energy, purpose and plate. */
export function vehicle(state) {
  const v = state.sizeMode === 'class' ? { class: state.vehicleClass }
    : { length_mm: Math.round(Number(state.length)), total_mass_kg: Math.round(Number(state.mass)) };
  Object.assign(v, { body: state.body, energy: state.energy, purpose: state.purpose });
  if (state.plate.trim()) v.plate = state.plate.trim();
  return v;
}

/** The date-time of a check, as the server reads it (RFC 3339, +08:00). */
export const atText = (state) => withShanghaiOffset(state.at);

/**
 * The body of POST api/truck-ban/check for the clicked point, or `{error}` (a UI string
 * key) when the form cannot be sent: a measured vehicle needs its length and mass, a
 * check needs a time.
 */
export function checkRequest(state) {
  if (state.sizeMode === 'measured' && !(Number(state.length) > 0 && Number(state.mass) > 0)) return { error: 'tb_need_size' };
  if (!state.at) return { error: 'tb_need_time' };
  const [lon, lat] = state.point;
  return { body: { lon: Number(lon.toFixed(7)), lat: Number(lat.toFixed(7)), at: atText(state), vehicle: vehicle(state) } };
}

/** The track file's name and text as the tool keeps them (the format from the name, else the content decides). */
export const trackFile = (name, text) => ({ fileName: name, trackText: text, trackFormat: trackFormat(name) });

/**
 * The query of POST api/truck-ban/track: the file's format, the CRS, and the vehicle of
 * the form (the same `vehicle` as the point check, JSON), so that the track is judged
 * for this vehicle (临政发〔2023〕5号 一、(二), 四); without a complete vehicle (a measured
 * one without length and mass) none is sent and the server assumes a heavy truck, and
 * says so. `f`: `csv`, `xlsx` or `html` for the report files.
 */
export function trackQuery(state, f = null) {
  const q = new URLSearchParams();
  if (state.trackFormat) q.set('format', state.trackFormat);
  if (state.crs === 'gcj02') q.set('crs', 'gcj02');
  if (state.sizeMode === 'class' || (Number(state.length) > 0 && Number(state.mass) > 0)) q.set('vehicle', JSON.stringify(vehicle(state)));
  if (f) q.set('f', f);
  return q.toString();
}

/**
 * What the map draws of a track report: `trackLine`, the WGS84 fixes of the file
 * (`text`, read as the server reads it), and `segments`, each violation interval from
 * its interpolated entry point through the fixes between to its exit point (a straight
 * entry–exit line, `straight`, when the page read no fix).
 */
export function trackGeometry(report, text, { format, crs }) {
  const fixes = readFixes(text, { format, crs });
  const straight = fixes.length === 0;
  // Violations in the zone and on banned road sections (禁行路段, 三) are drawn alike.
  const segments = [...report.intervals, ...(report.section_intervals ?? [])].map((iv) => [
    [iv.entry.lon, iv.entry.lat],
    ...fixes.filter((f) => f.t > iv.entry.t_ms && f.t < iv.exit.t_ms).map((f) => f.c),
    [iv.exit.lon, iv.exit.lat],
  ]);
  return { trackLine: fixes.map((f) => f.c), segments, straight };
}

/** The GeoJSON of the map's track source: the line, the violation segments and their ends (nothing unless a track is shown). */
export function trackData(state) {
  const features = [];
  if (state.status !== 'track') return { type: 'FeatureCollection', features };
  if (state.trackLine?.length > 1) {
    features.push({ type: 'Feature', properties: { role: 'track' }, geometry: { type: 'LineString', coordinates: state.trackLine } });
  }
  state.segments.forEach((coords, i) => {
    features.push({ type: 'Feature', properties: { role: 'violation', n: i + 1 }, geometry: { type: 'LineString', coordinates: coords } });
    features.push({ type: 'Feature', properties: { role: 'entry' }, geometry: { type: 'Point', coordinates: coords[0] } });
    features.push({ type: 'Feature', properties: { role: 'exit' }, geometry: { type: 'Point', coordinates: coords.at(-1) } });
  });
  return { type: 'FeatureCollection', features };
}

const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** A daily window `{start_minute, end_minute}` as `HH:MM-HH:MM`. */
const hhmmWindow = (w) => `${hhmm(w.start_minute)}-${hhmm(w.end_minute)}`;

const yesNo = (b) => t(b ? 'tb_yes' : 'tb_no');

/** The decision of api/truck-ban/check as the panel words it (`at`: the time asked, when the answer has none). */
export function decisionModel(a, at) {
  const p = a.position ?? {};
  const penalty = a.banned && a.penalty
    ? `${t('penalty')}${t('colon')}${t('tb_penalty', a.penalty)}${a.penalty.clause ? (isEn() ? ` (clause ${a.penalty.clause})` : `（第${a.penalty.clause}条）`) : ''}`
    : null;
  return {
    banned: Boolean(a.banned),
    illustrative: p.zone_illustrative,
    reason: isEn() ? a.reason_en : a.reason,
    penalty,
    facts: [
      [t('clause'), a.clause],
      [t('document'), a.document],
      [t('tb_vehicle_class'), t(`tb_class_${a.vehicle_class}`)],
      [t('tb_at'), a.at ?? at],
      [t('tb_in_zone'), yesNo(p.inside_zone)],
      [t('tb_on_road'), p.road ? p.road.label : yesNo(p.on_boundary_road)],
      [t('tb_section'), p.banned_section ? `${p.banned_section.name}（${p.banned_section.windows.map((w) => hhmmWindow(w)).join('、')}）` : null],
      [t('tb_edge_distance'), p.distance_to_zone_edge_m != null ? `${p.distance_to_zone_edge_m.toFixed(0)} m` : null],
      [t('coords'), p.lon != null ? `${p.lon.toFixed(6)}, ${p.lat.toFixed(6)}` : null],
    ],
    notes: (a.notes ?? []).map((n) => (isEn() ? n.en : n.zh)),
    // The 30 m approximation is only used (and only explained) when no road layer is stored.
    roadRule: Boolean(p.boundary_road_rule) && !p.road_layer,
  };
}

/** The report of api/truck-ban/track as the panel words it: intervals (Beijing time), totals, gaps, problems. */
export function trackModel(r) {
  const gaps = (r.gaps ?? []).map((g) => `${shanghaiDateTime(g.from_t_ms)} → ${shanghaiDateTime(g.to_t_ms)}（${g.from} → ${g.to}，${minutes(g.to_t_ms - g.from_t_ms)} ${t('tb_min')}）`);
  const problems = (r.problems ?? []).map((p) => `${p.at}${t('colon')}${p.message}`);
  const words = (pair) => (pair ? (isEn() ? pair.en : pair.zh) : null);
  const reason = (d) => (d ? `${isEn() ? d.reason_en : d.reason}（${d.clause}）` : null);
  return {
    illustrative: r.zone_illustrative,
    summary: words(r.headline) ?? (r.intervals.length ? t('tb_intervals', r.intervals.length) : t('tb_no_intervals')),
    intervals: [...r.intervals, ...(r.section_intervals ?? [])].map((iv) => ({
      entry: shanghaiDateTime(iv.entry.t_ms),
      entryCause: t(`tb_cause_${iv.entered_by}`),
      exit: shanghaiDateTime(iv.exit.t_ms),
      exitCause: t(`tb_cause_${iv.exited_by}`),
      metres: whole(iv.distance_m),
      minutes: minutes(iv.duration_ms),
      reason: reason(iv.decision),
    })),
    // Stays in the zone during the ban hours this vehicle may make, and why (e.g. 一、(二) new-energy).
    allowed: (r.in_zone_during_ban_hours ?? []).filter((s) => !s.banned)
      .map((s) => `${shanghaiDateTime(s.entry.t_ms)} → ${shanghaiDateTime(s.exit.t_ms)}${t('colon')}${reason(s.decision)}`),
    notes: [...(r.assumptions ?? []), ...(r.warnings ?? [])].map(words),
    totalMetres: whole(r.total_violation_m),
    totalMinutes: minutes(r.total_violation_ms),
    facts: [
      [t('tb_fixes'), String(r.fixes)],
      [t('tb_track_length'), r.total_distance_m != null ? `${whole(r.total_distance_m)} m` : null],
      [t('tb_gaps'), String(gaps.length)],
      [t('tb_problems'), String(problems.length + (r.problems_omitted ?? 0))],
    ],
    gaps,
    problems,
    problemsOmitted: r.problems_omitted ?? 0,
  };
}

/** Whether the panel shows an answer about an illustrative (demo) zone. */
export const showsIllustrative = (state) => state.open && ((state.status === 'result' && state.answer?.position?.zone_illustrative === true)
  || (state.status === 'track' && state.track?.zone_illustrative === true));

