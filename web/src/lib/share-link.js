// The share link: the map view (centre, zoom), the visible layers and the selected
// place (the point whose features the click panel shows) in the URL hash, so that the
// same link reopens the same view. Pure.
//
//   #map=<zoom>/<lat>/<lon>&layers=<table>,<table>…&sel=<lon>,<lat>
//
// `layers` lists the visible layers (`layers=` with nothing: none); a link without it
// keeps the page's default. Unknown parts and bad numbers are left out when read.

const round = (x, digits) => Number(x.toFixed(digits));

/** The hash (with `#`) of `{center: [lon, lat], zoom, layers?: string[], selected?: [lon, lat]}`. */
export function encodeShare({ center, zoom, layers, selected }) {
  // 2 decimals of zoom; enough decimals of degrees for a pixel at that zoom.
  const digits = Math.max(4, Math.min(7, Math.ceil(Math.log10(2 ** zoom))));
  const parts = [`map=${round(zoom, 2)}/${round(center[1], digits)}/${round(center[0], digits)}`];
  if (layers) parts.push(`layers=${layers.map(encodeURIComponent).join(',')}`);
  if (selected) parts.push(`sel=${round(selected[0], 7)},${round(selected[1], 7)}`);
  return `#${parts.join('&')}`;
}

const finite = (s) => (s != null && s !== '' && Number.isFinite(Number(s)) ? Number(s) : null);
const validLonLat = (lon, lat) => lon != null && lat != null && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;

/**
 * Reads a hash (with or without `#`): `{center, zoom}` or nulls, `layers` (null when the
 * link has none), `selected` ([lon, lat] or null).
 */
export function decodeShare(hash) {
  const q = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const out = { center: null, zoom: null, layers: null, selected: null };
  const view = (q.get('map') ?? '').split('/');
  if (view.length === 3) {
    const [zoom, lat, lon] = view.map(finite);
    if (zoom != null && zoom >= 0 && zoom <= 24 && validLonLat(lon, lat)) Object.assign(out, { center: [lon, lat], zoom });
  }
  if (q.has('layers')) out.layers = q.get('layers').split(',').map((s) => s.trim()).filter(Boolean);
  const sel = (q.get('sel') ?? '').split(',').map(finite);
  if (sel.length === 2 && validLonLat(sel[0], sel[1])) out.selected = sel;
  return out;
}

/** The page's URL with the share hash in place of any other hash. */
export const shareUrl = (href, view) => `${String(href).replace(/#.*$/, '')}${encodeShare(view)}`;
