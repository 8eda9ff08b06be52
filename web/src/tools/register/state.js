// 登记 (register) forms: a truck pass, an expropriated household, a sponge-city project,
// each a form instead of hand-written GeoJSON. The fields are the layers' own
// (crates/domain/src/schema/layers.rs: truck_passes, expropriation_households,
// sponge_projects); the write goes through the generic layer write route (POST
// api/layers/{layer}/features), so the layer's rules (plates, windows, dates, ranges)
// are the server's, and its 400 problems are shown under their fields.
//
// Pure (no DOM).

/** The accuracy values of every layer (schema ACCURACY_VALUES); a registered record is official. */
const ACCURACY = ['official', 'surveyed', 'approximate', 'illustrative'];

/**
 * The forms, one per layer, in the order of their tabs. `geometry`: the layer's — none
 * (passes and households are attribute records), a point (typed or picked), a polygon
 * (corners).
 */
export const FORMS = [
  {
    layer: 'truck_passes', title: 'reg_truck_pass', geometry: 'none',
    fields: [
      { name: 'plate', type: 'text', required: true, placeholder: '晋M·12345' },
      { name: 'valid_from', type: 'date', required: true },
      { name: 'valid_to', type: 'date', required: true },
      { name: 'windows', type: 'text', required: true, placeholder: '09:00-11:00;14:00-16:00', hint: 'reg_windows_hint' },
      { name: 'area', type: 'text', required: true, default: '全区域', hint: 'reg_area_hint' },
      { name: 'pass_source', type: 'select', required: true, options: ['纸质', '交管12123'] },
      { name: 'issued_by', type: 'text' },
      { name: 'note', type: 'text', hint: 'reg_note_hint' },
      { name: 'accuracy', type: 'select', required: true, options: ACCURACY },
    ],
  },
  {
    layer: 'expropriation_households', title: 'reg_household', geometry: 'none',
    fields: [
      { name: 'decision_no', type: 'select', required: true, options: ['临政发〔2023〕10号', '临政发〔2023〕11号'] },
      { name: 'household_no', type: 'text', required: true },
      { name: 'owner_name', type: 'text', required: true },
      { name: 'owner_id_no', type: 'text' },
      { name: 'contact_phone', type: 'text' },
      { name: 'house_address', type: 'text' },
      { name: 'structure', type: 'text', placeholder: '砖混' },
      { name: 'storeys', type: 'integer' },
      { name: 'building_area_m2', type: 'number' },
      { name: 'legal_land_area_m2', type: 'number' },
      { name: 'appraised_value_yuan', type: 'number' },
      { name: 'agreement_signed_on', type: 'date' },
      { name: 'note', type: 'text' },
      { name: 'accuracy', type: 'select', required: true, options: ACCURACY },
    ],
  },
  {
    layer: 'sponge_projects', title: 'reg_sponge_project', geometry: 'polygon',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'project_type', type: 'select', options: ['新建', '改建', '扩建'] },
      { name: 'status', type: 'select', options: ['规划', '在建', '建成'] },
      { name: 'responsible_unit', type: 'text' },
      { name: 'accepted_on', type: 'date' },
      { name: 'accuracy', type: 'select', required: true, options: ACCURACY },
    ],
  },
];

/** The form of `layer`. */
export const formOf = (layer) => FORMS.find((f) => f.layer === layer);

/** The first value of every field (a select's first option, else its default, else ''). */
export function initialValues(form) {
  return Object.fromEntries(form.fields.map((f) => [f.name, f.default ?? (f.type === 'select' && f.required ? f.options[0] : '')]));
}

/**
 * Corners typed one per line (`lon,lat`, or separated by spaces), or picked on the
 * map: `{ring}` (closed, WGS84 lon/lat) or `{error}` (an i18n key). At least three
 * distinct corners.
 */
export function parseCorners(text) {
  const points = [];
  for (const line of String(text ?? '').split(/[\n;]+/).map((l) => l.trim()).filter(Boolean)) {
    const nums = line.split(/[\s,，]+/).filter(Boolean).map(Number);
    if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) return { error: 'reg_corner_bad', line };
    const [lon, lat] = nums;
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return { error: 'reg_corner_bad', line };
    points.push([lon, lat]);
  }
  const distinct = points.filter((p, i) => points.findIndex((q) => q[0] === p[0] && q[1] === p[1]) === i);
  if (distinct.length < 3) return { error: 'reg_corners_few' };
  const ring = points.slice();
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([...first]);
  return { ring };
}

/** A point typed as `lon, lat`: `[lon, lat]` or null. */
export function parsePoint(text) {
  const nums = String(text ?? '').split(/[\s,，]+/).filter(Boolean).map(Number);
  if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n)) || Math.abs(nums[0]) > 180 || Math.abs(nums[1]) > 90) return null;
  return nums;
}

/** The check before sending: `{field: i18n key}` for empty required fields and numbers that are not. */
export function checkValues(form, values) {
  const problems = {};
  for (const f of form.fields) {
    const v = String(values[f.name] ?? '').trim();
    if (!v) {
      if (f.required) problems[f.name] = 'reg_required';
      continue;
    }
    if (f.type === 'number' && !Number.isFinite(Number(v))) problems[f.name] = 'reg_not_number';
    if (f.type === 'integer' && !Number.isInteger(Number(v))) problems[f.name] = 'reg_not_integer';
  }
  return problems;
}

/** The feature's properties: trimmed, empty fields left out, numbers as numbers. */
export function propertiesOf(form, values) {
  const out = {};
  for (const f of form.fields) {
    const v = String(values[f.name] ?? '').trim();
    if (!v) continue;
    out[f.name] = f.type === 'number' || f.type === 'integer' ? Number(v) : v;
  }
  return out;
}

/**
 * The body of POST api/layers/{layer}/features for the form, or `{problems}`:
 * the field checks, and `geometry` (the place) when the layer needs one.
 */
export function registerBody(form, values, placeText) {
  const problems = checkValues(form, values);
  let geometry = null;
  if (form.geometry === 'point') {
    const p = parsePoint(placeText);
    if (!p) problems.geometry = placeText ? 'reg_point_bad' : 'reg_need_point';
    else geometry = { type: 'Point', coordinates: p };
  } else if (form.geometry === 'polygon') {
    const c = parseCorners(placeText);
    if (c.error) problems.geometry = c.error;
    else geometry = { type: 'Polygon', coordinates: [c.ring] };
  }
  if (Object.keys(problems).length) return { problems };
  return {
    body: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry, properties: propertiesOf(form, values) }] },
  };
}

/** A 201 answer: the new id and the warnings (`{zh, en}`), e.g. a pass whose windows never meet the ban hours. */
export const writtenOf = (answer) => ({ id: answer?.ids?.[0] ?? null, warnings: answer?.warnings ?? [] });
