// 搜索 / search: the search box's state (pure). The server finds everything
// (`GET api/search?q=&limit=`: townships and villages with the gazette's OCR variants,
// features by name, document numbers, plates and producers for their roles, positions in
// any CRS); this module makes the request URL, reads the answer into result rows, says
// where the map goes and what the click panel shows for a row, moves the keyboard's
// active row, and debounces typing.

/** Longest query the server searches (characters). */
export const MAX_QUERY = 100;
/** Results asked for. */
export const LIMIT = 10;
/** Typing pause before a request (ms). */
export const DEBOUNCE_MS = 200;

/** The i18n key of each kind's badge (乡镇, 村, 要素, 文号, 车牌, 主体, 坐标). */
const BADGES = {
  township: 'search_kind_township',
  village: 'search_kind_village',
  feature: 'search_kind_feature',
  document: 'search_kind_document',
  plate: 'search_kind_plate',
  producer: 'search_kind_producer',
  coordinate: 'search_kind_coordinate',
};

/** The query as sent (trimmed), or null when there is nothing to send. */
export function queryOf(text) {
  const q = String(text ?? '').trim();
  if (!q || [...q].length > MAX_QUERY) return null;
  return q;
}

/** The request path, relative to the page. */
export const searchUrl = (q, limit = LIMIT) => `api/search?q=${encodeURIComponent(q)}&limit=${limit}`;

/** The row's kind for its badge: a division is a township or a village. */
export function badgeKind(hit) {
  if (hit.kind === 'division') return hit.layer === 'villages' ? 'village' : 'township';
  return BADGES[hit.kind] ? hit.kind : 'feature';
}

export const badgeKey = (hit) => BADGES[badgeKind(hit)];

/** Whether the point is a finite [lon, lat] in range. */
const lonLatOk = (p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite)
  && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
const boxOk = (b) => Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) && b[0] <= b[2] && b[1] <= b[3];

/**
 * The server's answer as rows: `{key, kind, badge, title, subtitle, note, point, bbox,
 * layer, id, properties, match}`; rows without a place are kept (shown, not flown to).
 */
export function readAnswer(answer) {
  const results = Array.isArray(answer?.results) ? answer.results : [];
  return results.map((hit, i) => ({
    key: `${hit.kind}:${hit.layer ?? ''}:${hit.id ?? ''}:${hit.title}:${i}`,
    kind: badgeKind(hit),
    badge: badgeKey(hit),
    title: String(hit.title ?? ''),
    subtitle: String(hit.subtitle ?? ''),
    note: hit.note ?? null,
    point: lonLatOk(hit.point) ? hit.point : null,
    bbox: boxOk(hit.bbox) ? hit.bbox : null,
    layer: hit.layer ?? null,
    id: hit.id ?? null,
    properties: hit.properties ?? null,
    crs: hit.crs_used ?? null,
    match: hit.match ?? null,
  }));
}

/** Zoom the map flies to for a row without an area. */
const ZOOM = { township: 12, village: 14, coordinate: 16, feature: 16, producer: 12, plate: 13, document: 15 };

/**
 * Where the map goes: `{bounds: [[w, s], [e, n]]}` for an area (a zone, the ban zone of a
 * pass, the features of a document), `{center: [lon, lat], zoom}` for a point, null for
 * a row without a place.
 */
export function mapTarget(row) {
  if (row.bbox) {
    const [w, s, e, n] = row.bbox;
    if (e - w > 1e-7 || n - s > 1e-7) return { bounds: [[w, s], [e, n]] };
  }
  if (row.point) return { center: row.point, zoom: ZOOM[row.kind] ?? 15 };
  return null;
}

/**
 * What the click panel shows for a row: `null` (no panel: a document of many features,
 * or no place), else `{lngLat: {lng, lat}, points}` — the panel's lookup at that point
 * (its zones), with the row's own feature as a point card when it is not a zone (a
 * township seat, a village, a clinic, a pass, a producer).
 */
export function panelTarget(row) {
  if (!row.point) return null;
  if (row.kind === 'document' && row.id == null) return null;
  const lngLat = { lng: row.point[0], lat: row.point[1] };
  const isZone = row.bbox != null && row.kind !== 'plate';
  const card = row.layer && row.properties && !isZone
    ? [{ layer: row.layer, id: row.id ?? undefined, properties: row.properties }]
    : [];
  return { lngLat, points: card };
}

/** The active row after a key: ArrowDown/ArrowUp wrap around, Home/End; -1 = none. */
export function moveActive(active, key, count) {
  if (count <= 0) return -1;
  switch (key) {
    case 'ArrowDown': return active < 0 || active >= count - 1 ? 0 : active + 1;
    case 'ArrowUp': return active <= 0 ? count - 1 : active - 1;
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return active;
  }
}

/**
 * `fn` called `ms` after the last call (with its arguments); `.cancel()` drops a pending
 * call, `.flush()` runs it now. Timers are injectable for tests.
 */
export function debounce(fn, ms = DEBOUNCE_MS, timers = { set: (f, wait) => setTimeout(f, wait), clear: (h) => clearTimeout(h) }) {
  let handle = null;
  let pending = null;
  const run = () => {
    handle = null;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const debounced = (...args) => {
    pending = args;
    if (handle != null) timers.clear(handle);
    handle = timers.set(run, ms);
  };
  debounced.cancel = () => {
    if (handle != null) timers.clear(handle);
    handle = null;
    pending = null;
  };
  debounced.flush = () => {
    if (handle != null) timers.clear(handle);
    run();
  };
  return debounced;
}
