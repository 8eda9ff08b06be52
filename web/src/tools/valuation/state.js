// 地块估价 / parcel valuation: the tool's state, the drawn parcel, reading an uploaded
// parcel file, the request bodies of POST api/land/valuation and
// api/land/valuation/batch, and the server's answers read into what the panel, the map
// and the CSV file show. Pure. The server values (临政发〔2023〕8号: the grades, the
// prices, the rounding, whether the prices are in force); the page words its answer.

import { fixed, fmtYuan, whole } from '../../lib/format.js';
import { COUNTY_ZONE } from '../../lib/corner-list.js';
import { coordsBox } from '../../lib/geo.js';
import { colon, isEn, t, tv } from '../../lib/i18n.js';
import { COLLECTIVE_GRADE_COLORS, URBAN_GRADE_COLORS } from '../../map-style.js';

export const USES = ['商服', '住宅', '公共管理与公共服务', '工业', '宅基地'];
export const COLLECTIVE_USES = ['商服', '宅基地', '工业'];

/** The tool's state at start: nothing drawn, no land use, valued as of `today`. */
export const initialState = (today) => ({
  open: false,
  mode: 'idle', // idle | drawing | done
  vertices: [],
  parcel: null, // GeoJSON geometry
  parcelCrs: null, // the parcel's CRS when not WGS84 (a pasted corner list)
  parcelNo: '', // 宗地编号, for the print
  corners: { text: '', crs: '', result: null }, // the corner-list paste box
  use: '',
  collectiveUse: '',
  asOf: today,
  status: 'idle', // idle | drawing | need-use | loading | result | batch | error
  answer: null,
  batch: null, // FeatureCollection from the batch endpoint
  expropriation: null, // the expropriation check of the same file (api/land/expropriation/batch)
  batchFile: null, // { name, text }
  fileName: null,
  message: '',
  // 宗地估价（基准地价系数修正法）: off until asked; the tables are the server's by default.
  appraisal: { on: false, corrections: '', term: '', plotRatio: '', factors: '' },
});

/** The correction-table choices: the server's (may be none), none, the bundled illustrative tables. */
export const CORRECTIONS = ['', 'none', 'illustrative'];

export const gradeColor = (system, grade) => (system === 'collective' ? COLLECTIVE_GRADE_COLORS : URBAN_GRADE_COLORS)[grade] ?? '#888888';
/** A land use: Chinese, or `English (中文)`. */
export const useLabel = (u) => (isEn() ? `${tv(u)} (${u})` : u);
/** A grade part `{system, grade, system_name, grade_name}`: `城区一级`, or `Urban grade 1` (with the Chinese when `withZh`). */
export const gradeLabel = (p, withZh = false) => (isEn()
  ? `${p.system === 'collective' ? 'Collective' : 'Urban'} grade ${p.grade}${withZh ? ` (${p.system_name}${p.grade_name})` : ''}`
  : `${p.system_name}${p.grade_name}`);

/** [w, s, e, n] of a geometry (a GeometryCollection too), or null. */
export function bbox(geometry) {
  const geoms = geometry.type === 'GeometryCollection' ? geometry.geometries : [geometry];
  return coordsBox(geoms.filter((g) => g?.coordinates).map((g) => g.coordinates));
}

/** The parcel of the drawn corners: a closed Polygon, coordinates to 7 decimals (about 1 cm). */
export function parcelOf(vertices) {
  const ring = vertices.map(([x, y]) => [Number(x.toFixed(7)), Number(y.toFixed(7))]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

/**
 * An uploaded file (`name`, its `text` without BOM): `{parcel}` when it is one GeoJSON
 * polygon (valued like a drawn parcel), `{batch: {name, text}}` for several parcels or
 * CSV (the batch endpoint reads it), `{error}` when it is not JSON.
 */
export function readParcelFile(name, text) {
  const csv = /\.(csv|txt)$/i.test(name) || !text.trimStart().startsWith('{');
  if (!csv) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return { error: err.message };
    }
    const features = doc.type === 'FeatureCollection' ? doc.features ?? []
      : doc.type === 'Feature' ? [doc] : [{ type: 'Feature', geometry: doc }];
    const only = features.length === 1 ? features[0]?.geometry : null;
    if (only && (only.type === 'Polygon' || only.type === 'MultiPolygon')) return { parcel: only };
  }
  return { batch: { name, text } };
}

/** The valuation parameters: the land use, the collective use when chosen, the date. */
export const params = (state) => ({
  use: state.use,
  ...(state.collectiveUse ? { collective_use: state.collectiveUse } : {}),
  ...(state.asOf ? { as_of: state.asOf } : {}),
});

/**
 * The appraisal asked for (`null` when off): the numbers as typed (the server checks
 * them), the factor grades as text `因素=等级;…`, the tables when not the server's.
 */
export function appraisalParams(state) {
  const a = state.appraisal;
  if (!a?.on) return null;
  const out = {};
  if (a.term !== '') out.remaining_term_years = Number(a.term);
  if (a.plotRatio !== '') out.plot_ratio = Number(a.plotRatio);
  if (a.factors.trim()) out.factors = a.factors.trim();
  if (a.corrections) out.corrections = a.corrections;
  return out;
}

/** The CRS of the corner table asked for: a pasted projected CRS, else the county's zone (EPSG:4546). */
export const cornersCrs = (state) => (state.parcelCrs && !['EPSG:4490', 'EPSG:4326'].includes(state.parcelCrs) ? state.parcelCrs : COUNTY_ZONE);

/** The JSON body of POST api/land/valuation (with the parcel's `crs` when not WGS84, and the corner table's). */
export const valuationBody = (state) => {
  const appraisal = appraisalParams(state);
  return JSON.stringify({ parcel: state.parcel, ...(state.parcelCrs ? { crs: state.parcelCrs } : {}), ...params(state),
    corners_crs: cornersCrs(state), ...(appraisal ? { appraisal } : {}) });
};

/**
 * The parcel in WGS84 for the map: the drawn or uploaded one, or for a pasted corner
 * list in another CRS the server's WGS84 corners of its answer (null before it).
 */
export function wgs84Parcel(state) {
  if (!state.parcelCrs) return state.parcel;
  const corners = (state.answer?.corners?.corners ?? []).filter((c) => c.polygon === 0 && c.ring === 0);
  if (corners.length < 3) return null;
  const ring = corners.map((c) => [c.lon, c.lat]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

/** The query of POST api/land/valuation/batch for the answer in `format` (geojson | csv). */
export const batchQuery = (state, format) => {
  const appraisal = appraisalParams(state);
  const extra = appraisal ? { appraisal: '1', ...Object.fromEntries(Object.entries(appraisal).map(([k, v]) => [k, String(v)])) } : {};
  return new URLSearchParams({ ...params(state), filename: state.batchFile.name, format, ...extra }).toString();
};

/**
 * The appraisal of an answer (基准地价系数修正法, GB/T 18508-2014) as the panel shows it,
 * or null: per part the benchmark and corrected prices and each factor with its
 * coefficient, working and source (or why it was not applied).
 */
export function appraisalModel(answer) {
  const a = answer?.appraisal;
  if (!a) return null;
  return {
    benchmarkOnly: a.method === 'benchmark_only',
    illustrative: a.tables_accuracy === 'illustrative',
    tablesSource: a.tables_source ?? '',
    formula: a.formula,
    standard: a.standard,
    gazette: a.gazette,
    parts: (a.parts ?? []).map((p) => ({
      label: isEn() ? `${p.system_name}${p.grade_name} (${tv(p.land_use)})` : `${p.system_name}${p.grade_name}（${p.land_use}）`,
      benchmark: String(p.benchmark_yuan_per_m2),
      unit: fixed(p.unit_price_yuan_per_m2, 2),
      value: fmtYuan(p.value.yuan),
      working: p.working,
      factors: p.factors.map((f) => ({
        name: isEn() ? f.name_en : f.name,
        applied: f.applied,
        coefficient: f.applied ? fixed(f.coefficient, 4) : t('not_applied'),
        working: f.working,
        source: f.source ?? '',
      })),
    })),
    total: fmtYuan(a.total_value.yuan),
    totalWan: `${a.total_wan_yuan} ${t('wan_yuan')}`,
    notes: a.notes ?? [],
  };
}

/** The query of POST api/land/expropriation/batch: the same file, the same date. */
export const expropriationQuery = (state) =>
  new URLSearchParams({ filename: state.batchFile.name, ...(state.asOf ? { as_of: state.asOf } : {}) }).toString();

/**
 * What the expropriation check says of each parcel of a batch, by row: the projects
 * it touches with the area inside ('壕村小区 1,234 m²'), '—' when none, the error of
 * a parcel that could not be read. Empty when there is no answer.
 */
export function expropriationByRow(answer) {
  const out = new Map();
  for (const p of answer?.parcels ?? []) {
    let text;
    if (p.status !== 'ok') text = p.error ?? '';
    else if (!p.projects?.length) text = '—';
    else {
      text = p.projects
        .map((j) => `${j.properties?.project ?? j.properties?.decision_no ?? ''} ${Number.isFinite(j.area_inside_m2) ? whole(j.area_inside_m2) : ''} m²`)
        .join('；');
    }
    out.set(String(p.row), { text, inside: Boolean(p.in_expropriation_area) });
  }
  return out;
}

/** The GeoJSON of the drawing: the corners so far (area, edge, vertices), else the parcel. */
export function drawData(state) {
  const features = [];
  if (state.mode === 'drawing') {
    const v = state.vertices;
    if (v.length >= 3) {
      features.push({ type: 'Feature', properties: { role: 'area' }, geometry: { type: 'Polygon', coordinates: [[...v, v[0]]] } });
    } else if (v.length === 2) {
      features.push({ type: 'Feature', properties: { role: 'edge' }, geometry: { type: 'LineString', coordinates: v } });
    }
    v.forEach((c) => features.push({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: c } }));
  } else if (wgs84Parcel(state)) {
    features.push({ type: 'Feature', properties: { role: 'parcel' }, geometry: wgs84Parcel(state) });
  }
  return { type: 'FeatureCollection', features };
}

/** The GeoJSON of the answer: each grade part coloured by grade, the part outside every zone. */
export function partsData(state) {
  const features = [];
  const addParts = (zones, geoms, outside) => {
    zones.forEach((z, i) => {
      const geometry = geoms ? geoms[i] : z.geometry;
      if (geometry) {
        features.push({ type: 'Feature', geometry,
          properties: { kind: 'part', system: z.system, grade: z.grade, color: gradeColor(z.system, z.grade) } });
      }
    });
    if (outside?.coordinates?.length) features.push({ type: 'Feature', geometry: outside, properties: { kind: 'outside' } });
  };
  if (state.status === 'result' && state.answer) addParts(state.answer.zones, null, state.answer.outside_geometry);
  if (state.status === 'batch' && state.batch) {
    for (const f of state.batch.features) {
      if (f.properties.status !== 'ok' || !f.geometry) continue;
      const geoms = f.geometry.geometries;
      addParts(f.properties.zones, geoms, geoms[f.properties.zones.length]);
    }
  }
  return { type: 'FeatureCollection', features };
}

/** All parcels of a batch answer as one GeometryCollection (to fit the map), or null. */
export function batchGeometry(batch) {
  const all = batch.features.filter((f) => f.geometry).map((f) => f.geometry);
  return all.length ? { type: 'GeometryCollection', geometries: all.flatMap((g) => g.geometries) } : null;
}

/** The buttons and hint of the drawing tools. */
export function controlsModel(state) {
  const drawing = state.mode === 'drawing';
  return {
    drawKey: state.parcel || state.batchFile || drawing ? 'redraw' : 'draw',
    undoDisabled: !drawing || state.vertices.length === 0,
    finishDisabled: !drawing || state.vertices.length < 3,
    clearDisabled: state.mode === 'idle' && !state.parcel && !state.batchFile,
    hint: drawing ? t('draw_hint', state.vertices.length) : '',
    fileName: state.fileName ?? '',
  };
}

const area = (a) => ({ m2: fixed(a.m2, 2), mu: `${fixed(a.mu, 4)} ${t('mu')}` });

/** A single valuation answer as the panel shows it: the parts, the outside part, the totals, notes and facts. */
export function singleModel(answer) {
  const v = answer.valuation;
  const o = v.outside;
  const notes = v.parts.filter((p) => p.note).map((p) => `${gradeLabel(p)}${colon()}${isEn() ? p.note_en : p.note}`);
  if (o.area.m2 > 0) notes.push(`${t('outside_zones')}${colon()}${isEn() ? o.note_en : o.note}`);
  return {
    illustrative: answer.illustrative,
    zonesOverlap: Boolean(answer.zones_overlap),
    parts: v.parts.map((p) => ({
      system: p.system,
      grade: p.grade,
      color: gradeColor(p.system, p.grade),
      label: gradeLabel(p),
      area: area(p.area),
      share: `${p.share_percent.toFixed(2)}%`,
      price: p.price ? { m2: String(p.price.yuan_per_m2), mu: p.price.wan_yuan_per_mu.toFixed(1) } : null,
      value: p.value ? fmtYuan(p.value.yuan) : '—',
    })),
    outside: { area: area(o.area), share: `${o.share_percent.toFixed(2)}%` },
    parcelArea: area(v.parcel_area),
    totalYuan: v.total_value.yuan,
    total: fmtYuan(v.total_value.yuan),
    totalWan: `${v.total_wan_yuan} ${t('wan_yuan')}`,
    inForce: v.in_force,
    inForceNote: isEn() ? v.note_en : v.note,
    notes,
    details: [
      [t('requested_use'), useLabel(v.requested_use)],
      [t('urban_use'), v.urban_use ? useLabel(v.urban_use) : null],
      [t('collective_use_applied'), v.collective_use ? useLabel(v.collective_use) : null],
      [t('as_of'), v.as_of],
      [t('document'), v.document], [t('approval'), v.approval], [t('issued'), v.issued], [t('in_force'), v.in_force_from],
      [t('price_basis'), v.price_basis], [t('scope'), v.scope],
    ],
    rounding: v.rounding,
    asOf: v.as_of,
  };
}

/** The rows of a batch answer: row, id, status, and the area and value or the error. */
export function batchRows(batch) {
  return batch.features.map((f) => {
    const p = f.properties;
    const v = p.valuation;
    return {
      row: String(p.row),
      id: p.id ?? '',
      status: p.status,
      ok: p.status === 'ok',
      area: p.status === 'ok' ? area(v.parcel_area) : null,
      value: p.status === 'ok' ? fmtYuan(v.total_value.yuan) : null,
      wan: p.status === 'ok' ? `${v.total_wan_yuan} ${t('wan_yuan')}` : null,
      error: p.error,
    };
  });
}

/** The rows of the CSV file of a single valuation (the table, then the facts; `parcel` the geometry valued). */
export function answerRows(answer, parcel) {
  const v = answer.valuation;
  const rows = [[t('grade'), `${t('area')}(m²)`, `${t('area')}(${t('mu')})`, `${t('share')}(%)`, t('land_use'),
    `${t('unit_price')}(${t('yuan_per_m2')})`, `${t('unit_price')}(${t('wan_yuan_per_mu')})`, t('value_yuan'), t('note')]];
  for (const p of v.parts) {
    rows.push([gradeLabel(p, true), p.area.m2.toFixed(2), p.area.mu.toFixed(4), p.share_percent.toFixed(2),
      p.price ? useLabel(p.price.land_use) : '', p.price?.yuan_per_m2 ?? '', p.price ? p.price.wan_yuan_per_mu.toFixed(1) : '',
      p.value ? p.value.yuan : '', (isEn() ? p.note_en : p.note) ?? '']);
  }
  rows.push([t('outside_zones'), v.outside.area.m2.toFixed(2), v.outside.area.mu.toFixed(4), v.outside.share_percent.toFixed(2),
    '', '', '', '', isEn() ? v.outside.note_en : v.outside.note]);
  rows.push([t('total'), v.parcel_area.m2.toFixed(2), v.parcel_area.mu.toFixed(4), '100.00', '', '', '',
    v.total_value.yuan, `${v.total_wan_yuan} ${t('wan_yuan')}`]);
  rows.push([]);
  const meta = [
    [t('requested_use'), useLabel(v.requested_use)],
    [t('urban_use'), v.urban_use ? useLabel(v.urban_use) : ''],
    [t('collective_use_applied'), v.collective_use ? useLabel(v.collective_use) : ''],
    [t('as_of'), v.as_of ?? ''],
    [t('document'), v.document], [t('approval'), v.approval], [t('issued'), v.issued], [t('in_force'), v.in_force_from],
    [t('in_force_note'), isEn() ? v.note_en : v.note],
    [t('scope'), v.scope], [t('price_basis'), v.price_basis], [t('rounding'), v.rounding],
    [t('badge_illustrative'), answer.illustrative ? t('notice') : ''],
    [`${t('parcel')} (GeoJSON, WGS84)`, JSON.stringify(parcel)],
  ];
  rows.push([t('csv_item'), t('csv_value')], ...meta.filter(([, x]) => x !== ''));
  return rows;
}

/** Whether the panel shows a valuation of an illustrative (demo) zone. */
export const showsIllustrative = (state) => state.open && state.status === 'result' && state.answer?.illustrative === true;
