// 打印 / print layout: paper sizes, the map's box on the page and its pixels at print
// resolution, the scale (1:N) and a scale bar of a round length, the page CSS, and the
// corner table and signature block of a fileable valuation print. Pure.

import { fixed } from '../../lib/format.js';

/** Paper sizes in mm, portrait (ISO 216). */
export const PAPERS = { A4: [210, 297], A3: [297, 420] };
export const ORIENTATIONS = ['portrait', 'landscape'];
/** Page margin, title band and footer band (legend, scale, date, source), mm. */
export const MARGIN_MM = 10;
const HEADER_MM = 16;
const FOOTER_MM = 40;
/** CSS pixels per mm (96 dpi). */
export const PX_PER_MM = 96 / 25.4;
/** The largest canvas side drawn (WebGL limits; about 4096 in every browser). */
export const MAX_CANVAS_PX = 4096;
/** Earth's circumference at the equator (WGS84), m; MapLibre's tiles are 512 px. */
const EQUATOR_M = 40075016.686;

/** The page in mm: `{w, h}`. */
export function pageSize(paper, orientation) {
  const [a, b] = PAPERS[paper] ?? PAPERS.A4;
  return orientation === 'landscape' ? { w: b, h: a } : { w: a, h: b };
}

/**
 * The layout of a print: the page, the map box (mm and CSS px), the pixel ratio that
 * draws it at `dpi` (capped so that no side exceeds MAX_CANVAS_PX) and the @page CSS.
 * `footerMm`: the height of the legend and notes under the map (measured by the page).
 * `withContent`: a panel's content follows the map (the map then takes at most half
 * of a portrait page's height, 60 % of a landscape one's width beside it).
 */
export function printLayout({ paper = 'A4', orientation = 'portrait', dpi = 200, withContent = false, footerMm = FOOTER_MM } = {}) {
  const page = pageSize(paper, orientation);
  const inner = { w: page.w - 2 * MARGIN_MM, h: page.h - 2 * MARGIN_MM };
  // The map keeps at least a third of the height; a longer legend goes on to a second page.
  const free = { w: inner.w, h: Math.max(Math.round(inner.h / 3), inner.h - HEADER_MM - Math.ceil(footerMm)) };
  let map = { w: free.w, h: free.h };
  if (withContent) map = orientation === 'landscape' ? { w: Math.round(free.w * 0.6), h: free.h } : { w: free.w, h: Math.round(free.h * 0.5) };
  const css = { w: Math.round(map.w * PX_PER_MM), h: Math.round(map.h * PX_PER_MM) };
  const pixelRatio = Math.min(dpi / 96, MAX_CANVAS_PX / Math.max(css.w, css.h));
  return {
    paper,
    orientation,
    page,
    inner,
    map,
    css,
    pixelRatio,
    pixels: { w: Math.round(css.w * pixelRatio), h: Math.round(css.h * pixelRatio) },
    dpi: Math.round(pixelRatio * 96),
    pageCss: `@page { size: ${page.w}mm ${page.h}mm; margin: ${MARGIN_MM}mm; }`,
  };
}

/** Ground metres per CSS pixel of a MapLibre map (512-px tiles) at `lat` and `zoom`. */
export const metresPerPixel = (lat, zoom) => (EQUATOR_M * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);

/** The scale denominator N of 1:N for a map drawn at `metresPerPx` per CSS pixel on paper. */
export const scaleDenominator = (metresPerPx) => metresPerPx * PX_PER_MM * 1000;

/** A round scale denominator for the words (1:N rounded to 2 significant digits). */
export function roundScale(n) {
  const p = 10 ** Math.floor(Math.log10(n) - 1);
  return Math.round(n / p) * p;
}

/**
 * A scale bar at most `maxMm` long: the largest round length (1, 2, 5 × 10^k m) that
 * fits, its width in mm and its label (`500 m`, `2 km`).
 */
export function scaleBar(metresPerPx, maxMm) {
  const metresPerMm = metresPerPx * PX_PER_MM;
  const maxM = metresPerMm * maxMm;
  let k = 10 ** Math.floor(Math.log10(maxM));
  const metres = [5, 2, 1].map((m) => m * k).find((m) => m <= maxM) ?? k;
  k = metres;
  return { metres: k, mm: k / metresPerMm, label: k >= 1000 ? `${k / 1000} km` : `${k} m` };
}

/**
 * The corner table of a valuation print (界址点坐标表), from the answer's `corners`:
 * rows `[name, X (northing), Y (easting), lon, lat, edge m]` as text, X/Y to 3
 * decimals (mm), degrees to 8, the edge to the next corner of the same ring in the
 * projected CRS to 2. Null when the answer has none.
 */
export function cornerRows(corners) {
  const list = corners?.corners;
  if (!list?.length) return null;
  return list.map((c, i) => {
    const ring = list.filter((d) => d.polygon === c.polygon && d.ring === c.ring);
    const next = ring[(ring.indexOf(c) + 1) % ring.length];
    const edge = Math.hypot(next.x - c.x, next.y - c.y);
    return { name: c.name, x: c.x.toFixed(3), y: c.y.toFixed(3), lon: c.lon.toFixed(8), lat: c.lat.toFixed(8),
      edge: ring.length > 1 ? fixed(edge, 2) : '', index: i };
  });
}

/** The signature block of a fileable print: 经办人 / 审核人 / 日期, each a blank line. */
export const SIGNATURES = ['sign_handler', 'sign_reviewer', 'sign_date'];
