// Links between the dashboard and the map: `./index.html?layers=a,b` shows only those
// layers (the map reads it with `layersFromSearch`; `/` itself is also the OGC API
// landing page, which takes no other parameter than `f`), and each figure's CSV/XLSX
// download. Pure.

/** The map page showing only `layers` (tables), relative to the dashboard. */
export const mapLink = (layers) => (layers?.length ? `./index.html?layers=${layers.map(encodeURIComponent).join(',')}` : './');

/**
 * The layers a `?layers=` query names, kept to the `known` tables; null when the
 * query names none (the map then shows every layer, as before).
 */
export function layersFromSearch(search, known) {
  const text = new URLSearchParams(search).get('layers');
  if (!text) return null;
  const names = text.split(',').map((s) => s.trim()).filter((s) => known.includes(s));
  return names.length ? names : null;
}

/** The download of one figure (`trace`, `expropriation`, `sponge`, `truck_ban`). */
export const figureDownload = (figure, format) => `api/dashboard?figure=${encodeURIComponent(figure)}&format=${format}`;
