// 重点农产品产地溯源点: the filter of the origin points and what the map draws of the
// answer of `GET api/trace/records`. Pure. The server applies the filter (the due status
// depends on the as-of date and the update rules); the page only asks and draws.

/** The filter's query keys besides `as_of`. */
export const FILTER_KEYS = ['product', 'township', 'subject_type', 'due'];
/** Subject types offered until (or if never) api/trace/options answers. */
export const SUBJECT_TYPES = ['企业', '农民合作社', '家庭农场', '种养殖户', '农村经纪人'];
export const EMPTY = { type: 'FeatureCollection', features: [] };

/** No filter, as of `today`. */
export const blankFilter = (today) => ({ product: '', township: '', subject_type: '', due: '', as_of: today });

/** Whether any filter besides the date is set. */
export const isFiltered = (filter) => FILTER_KEYS.some((k) => filter[k]);

/** The query string of `api/trace/records` for `filter` (only the date when `withFilters` is false). */
export function recordsQuery(filter, withFilters, today) {
  const q = new URLSearchParams();
  if (withFilters) {
    for (const key of FILTER_KEYS) if (filter[key]) q.set(key, filter[key]);
  }
  q.set('as_of', filter.as_of || today);
  return q.toString();
}

/** What the map needs of a record (the panel asks the server for the record itself). */
export function drawable(f) {
  const p = f.properties ?? {};
  return {
    type: 'Feature',
    id: f.id,
    geometry: f.geometry,
    properties: {
      fid: f.id,
      product: p.product ?? '',
      subject_name: p.subject_name ?? '',
      due_status: String(p.due?.status ?? '').toLowerCase(),
      accuracy: p.accuracy ?? '',
    },
  };
}

/**
 * The points to draw of an answer `fc` and the counts: `{drawn, shown, total}`. `total`
 * is the answer's `total` (all records); from a server without it, the number of
 * features of the unfiltered answer `all` when there is one, the number shown when
 * nothing is filtered, else `previous`.
 */
export function readRecords(fc, { all = null, filtered = false, previous = null } = {}) {
  const features = (fc.features ?? []).filter((f) => f.geometry?.type === 'Point');
  const shown = features.length;
  let total = previous;
  if (fc.total != null) total = fc.total;
  else if (all) total = (all.features ?? []).length;
  else if (!filtered) total = shown;
  return { drawn: { type: 'FeatureCollection', features: features.map(drawable) }, shown, total };
}

/** The choices of the filter's selects, `[value, label]` pairs, from api/trace/options (or the built-in lists). */
export function filterChoices(options, { products, label }) {
  return {
    products: (options?.products ?? products).map((p) => [p, label(p)]),
    townships: (options?.townships ?? []).map((tw) => [tw.code, tw.name]),
    types: (options?.subject_types ?? SUBJECT_TYPES).map((x) => [x, label(x)]),
  };
}
