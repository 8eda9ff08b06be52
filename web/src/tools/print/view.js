// 打印 / print: the print sheet (#print-sheet, shown only by the print stylesheet): a
// title, the map rendered again at print resolution (a second MapLibre map of the same
// style and view, off screen, preserveDrawingBuffer, read with toDataURL once idle), a
// north arrow, a scale bar and 1:N, the legend of the visible layers, the data date,
// the source and the 示例数据 mark when illustrative data is shown, and optionally a
// panel's content (valuation, truck ban, expropriation) with a corner table and a
// signature block. Printed with the browser's print (PDF) in the chosen paper size
// (@page), or drawn onto a canvas and downloaded as PNG.
//
// For tests: `#print-sheet[data-state]` is `idle | rendering | ready | error`, and
// `window.__landtracePrint` is the printer (`prepare(options)` renders without printing).

import { Map as MapLibreMap } from 'maplibre-gl';
import { colon, layerTitle, t } from '../../lib/i18n.js';
import { todayShanghai } from '../../lib/time.js';
import { el } from '../../ui/dom.js';
import { download } from '../../ui/panel.js';
import { PX_PER_MM, SIGNATURES, cornerRows, metresPerPixel, printLayout, roundScale, scaleBar, scaleDenominator } from './state.js';

/** Print settings shared by the sketch panel's print section and the panels' 打印 buttons. */
export const printSettings = { paper: 'A4', orientation: 'portrait', title: '', dataDate: '', dpi: 200 };

let printer = null;
/** Prints a panel with its map (the one printer made by `printTool`); see `printer.print`. */
export const printPanel = (options) => printer?.print(options);

/**
 * A copy of a panel's `node` for the sheet: without buttons, file inputs and screen-only
 * parts, its details open, and without ids (the panel keeps them).
 */
export function printCopy(node) {
  const copy = node.cloneNode(true);
  if (!copy.querySelectorAll) return copy;
  for (const x of copy.querySelectorAll('button, .no-print, input[type=file]')) x.remove();
  for (const d of copy.querySelectorAll('details')) d.open = true;
  for (const x of [copy, ...copy.querySelectorAll('[id]')]) x.removeAttribute?.('id');
  return copy;
}

/**
 * A panel's 打印 button (class `print-panel`): prints `content(button)` (nodes, cloned
 * from the panel: buttons and screen-only parts left out) with the map in the print
 * layout, titled `title(button)`; `geometry()` the map is fitted to, `points()` [lon, lat] marked on it.
 */
export function printButton({ id, title, content, geometry, points }) {
  const b = el('button', { type: 'button', id, class: 'v-button print-panel no-print' }, t('print_panel'));
  b.addEventListener('click', () => {
    const nodes = content(b).map(printCopy);
    printPanel({ title: title(b), content: nodes, geometry: geometry?.(), points: points?.() }).catch(() => {});
  });
  return b;
}

const north = (bearing) => el('div', { class: 'ps-north', style: `transform: rotate(${-bearing}deg)` }, [
  el('span', { class: 'ps-north-arrow', 'aria-hidden': 'true' }, '▲'), el('span', {}, t('print_north')),
]);

/** `[w, s, e, n]` of a GeoJSON geometry's positions, or null. */
function boundsOf(geometry) {
  const xs = [];
  const ys = [];
  const walk = (c) => (typeof c[0] === 'number' ? (xs.push(c[0]), ys.push(c[1])) : c.forEach(walk));
  if (geometry?.coordinates) walk(geometry.coordinates);
  for (const g of geometry?.geometries ?? []) walk(g.coordinates);
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}

/** The corner table (界址点坐标表) of a valuation answer's `corners`, or null. */
export function cornerTable(corners) {
  const rows = cornerRows(corners);
  if (!rows) return null;
  return el('section', { class: 'ps-corners' }, [
    el('h3', {}, `${t('corners_title')}（${corners.crs} ${corners.title ?? ''}）`),
    el('table', { class: 'price-table ps-corner-table' }, [
      el('thead', {}, el('tr', {}, ['corners_name', 'corners_x', 'corners_y', 'corners_lon', 'corners_lat', 'corners_edge']
        .map((k) => el('th', {}, t(k))))),
      el('tbody', {}, rows.map((r) => el('tr', { 'data-corner': r.name },
        [r.name, r.x, r.y, r.lon, r.lat, r.edge].map((v, i) => el(i ? 'td' : 'th', {}, v))))),
    ]),
  ]);
}

/** The signature block: 经办人 / 审核人 / 日期 with blank lines. */
export const signatureBlock = () => el('section', { class: 'ps-signatures' },
  SIGNATURES.map((k) => el('div', { class: 'ps-sign' }, [el('span', {}, `${t(k)}${colon()}`), el('span', { class: 'ps-sign-line' })])));

/**
 * The printer. `map` is the page's map; `legend()` the visible layers `[{table, nodes}]`;
 * `illustrative()` whether illustrative data is shown; `source()` the data's source.
 */
export function printTool({ map, legend, illustrative, source }) {
  const sheet = el('div', { id: 'print-sheet', 'data-state': 'idle', 'aria-hidden': 'true' });
  document.body.append(sheet);
  const pageStyle = el('style', { id: 'print-page-style' });
  document.head.append(pageStyle);
  let last = null; // the last render: { layout, image, scale, bar, options }

  /** The map drawn again at print resolution: a data URL, the zoom and centre used. */
  async function renderMap(layout, geometry, points) {
    const holder = el('div', { class: 'print-map-holder', style: `width:${layout.css.w}px;height:${layout.css.h}px` });
    document.body.append(holder);
    const box = boundsOf(geometry);
    const copy = new MapLibreMap({
      container: holder,
      style: map.getStyle(),
      center: map.getCenter(),
      zoom: map.getZoom(),
      bearing: map.getBearing(),
      ...(box ? { bounds: box, fitBoundsOptions: { padding: 40, maxZoom: 17 } } : {}),
      pixelRatio: layout.pixelRatio,
      interactive: false,
      attributionControl: false,
      fadeDuration: 0,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    // Images added at run time (patterns) are not part of the style: copied, or left blank.
    copy.on('styleimagemissing', (e) => {
      const image = map.getImage(e.id);
      if (image?.data) {
        copy.addImage(e.id, { width: image.data.width, height: image.data.height, data: image.data.data }, { pixelRatio: image.pixelRatio ?? 1 });
      }
      else copy.addImage(e.id, { width: 1, height: 1, data: new Uint8Array(4) });
    });
    // Places marked on the page by HTML markers (a checked point) are drawn as circles.
    if (points?.length) {
      copy.once('load', () => {
        copy.addSource('print-points', { type: 'geojson',
          data: { type: 'FeatureCollection', features: points.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } })) } });
        copy.addLayer({ id: 'print-points', type: 'circle', source: 'print-points',
          paint: { 'circle-radius': 6, 'circle-color': '#111111', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
      });
    }
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout')), 30000);
        copy.once('idle', () => { clearTimeout(timer); resolve(); });
        copy.on('error', (e) => console.warn('print map:', e.error?.message ?? e));
      });
      const center = copy.getCenter();
      return { image: copy.getCanvas().toDataURL('image/png'), zoom: copy.getZoom(), lat: center.lat, bearing: copy.getBearing() };
    } finally {
      copy.remove();
      holder.remove();
    }
  }

  function legendSection() {
    const items = legend();
    return el('section', { class: 'ps-legend' }, [
      el('h3', {}, t('print_legend')),
      el('div', { class: 'ps-legend-items' }, items.map((i) => el('div', { class: 'ps-legend-item', 'data-layer': i.table }, [
        el('h4', {}, layerTitle(i.table)), ...i.nodes,
      ]))),
    ]);
  }

  /**
   * Renders the sheet: `{title, content?: Node[], geometry? (fitted), points? ([lon, lat]
   * marked), paper?, orientation?, dataDate?, illustrative?}` (the rest from `printSettings`). Resolves when the sheet is ready.
   */
  async function prepare(options = {}) {
    const o = { ...printSettings, ...options };
    const withContent = Boolean(o.content?.length);
    const title = o.title || t('print_default_title');
    const showIllustrative = o.illustrative ?? illustrative();
    // The legend and notes first, measured at the page's inner width; the map takes the rest.
    const scaleDd = el('dd', { class: 'ps-scale-meta' }, '1:');
    const foot = el('footer', { class: 'ps-foot' }, [
      legendSection(),
      el('dl', { class: 'ps-meta' }, [
        el('dt', {}, t('print_scale')), scaleDd,
        el('dt', {}, t('print_data_date')), el('dd', {}, o.dataDate || todayShanghai()),
        el('dt', {}, t('print_source')), el('dd', {}, source() || 'landtrace'),
        el('dt', {}, ''), el('dd', {}, t('print_crs_note')),
        showIllustrative ? el('dd', { class: 'ps-illustrative' }, `⚠ ${t('print_illustrative')}`) : null,
      ]),
    ]);
    const inner = printLayout({ paper: o.paper, orientation: o.orientation }).inner;
    sheet.dataset.state = 'rendering';
    sheet.style.setProperty('--ps-inner-w', `${inner.w}mm`);
    sheet.replaceChildren(foot);
    sheet.classList.add('measuring');
    const footerMm = foot.getBoundingClientRect().height / PX_PER_MM + 3;
    sheet.classList.remove('measuring');
    const layout = printLayout({ paper: o.paper, orientation: o.orientation, dpi: o.dpi, withContent, footerMm });
    sheet.dataset.paper = layout.paper;
    sheet.dataset.orientation = layout.orientation;
    sheet.dataset.pixelRatio = String(layout.pixelRatio);
    pageStyle.textContent = `@media print { ${layout.pageCss} }`;
    let rendered;
    try {
      rendered = await renderMap(layout, o.geometry, o.points);
    } catch (err) {
      sheet.dataset.state = 'error';
      sheet.replaceChildren(el('p', { class: 'warning' }, `${t('print_failed')}${colon()}${err.message}`));
      throw err;
    }
    const mpp = metresPerPixel(rendered.lat, rendered.zoom);
    const bar = scaleBar(mpp, Math.min(50, layout.map.w / 4));
    const scale = roundScale(scaleDenominator(mpp));
    scaleDd.textContent = `1:${scale.toLocaleString('zh-CN')}（${bar.label}）`;
    sheet.style.setProperty('--ps-map-w', `${layout.map.w}mm`);
    sheet.style.setProperty('--ps-map-h', `${layout.map.h}mm`);
    sheet.replaceChildren(
      el('header', { class: 'ps-head' }, [
        el('h1', { class: 'ps-title' }, title),
        el('p', {}, `${t('printed_on')}${colon()}${todayShanghai()}`),
      ]),
      el('div', { class: `ps-body ${withContent ? 'with-content' : ''}` }, [
        el('figure', { class: 'ps-map' }, [
          el('img', { src: rendered.image, alt: title }),
          north(rendered.bearing),
          el('div', { class: 'ps-scale' }, [
            el('div', { class: 'ps-scalebar', style: `width:${bar.mm.toFixed(2)}mm` }),
            el('span', { class: 'ps-scale-text' }, `${bar.label} · 1:${scale.toLocaleString('zh-CN')}`),
          ]),
          showIllustrative ? el('div', { class: 'ps-illustrative-stamp' }, t('badge_illustrative')) : null,
        ]),
        withContent ? el('section', { class: 'ps-content' }, o.content) : null,
      ]),
      foot,
    );
    const img = sheet.querySelector('.ps-map img');
    await img.decode().catch(() => {});
    last = { layout, rendered, bar, scale, title, showIllustrative, o };
    sheet.dataset.state = 'ready';
    return last;
  }

  /** Renders and opens the browser's print dialog (save as PDF there). */
  async function print(options) {
    await prepare(options);
    document.body.classList.add('printing-sheet');
    window.addEventListener('afterprint', () => document.body.classList.remove('printing-sheet'), { once: true });
    window.print();
  }

  /** The sheet drawn on a canvas at print resolution (title, map, scale, north, legend titles, meta). */
  async function png(options) {
    const r = await prepare(options);
    const k = r.layout.pixelRatio * (96 / 25.4); // px per mm
    const w = r.layout.pixels.w + Math.round(2 * 6 * k);
    const head = Math.round(14 * k);
    const foot = Math.round(30 * k);
    const canvas = el('canvas', { width: w, height: head + r.layout.pixels.h + foot + Math.round(6 * k) });
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    const x0 = Math.round(6 * k);
    g.fillStyle = '#000';
    g.font = `bold ${Math.round(6 * k)}px sans-serif`;
    g.fillText(r.title, x0, Math.round(9 * k));
    const image = new Image();
    image.src = r.rendered.image;
    await image.decode();
    g.drawImage(image, x0, head);
    g.strokeRect(x0, head, r.layout.pixels.w, r.layout.pixels.h);
    // North arrow and scale bar on the map.
    const nx = x0 + r.layout.pixels.w - Math.round(10 * k);
    const ny = head + Math.round(12 * k);
    g.beginPath();
    g.moveTo(nx, ny - 6 * k);
    g.lineTo(nx - 3 * k, ny + 3 * k);
    g.lineTo(nx + 3 * k, ny + 3 * k);
    g.closePath();
    g.fill();
    g.font = `${Math.round(3.5 * k)}px sans-serif`;
    g.fillText(t('print_north'), nx - 1.5 * k, ny + 8 * k);
    const by = head + r.layout.pixels.h - Math.round(6 * k);
    g.fillRect(x0 + 5 * k, by, r.bar.mm * k, 1.2 * k);
    g.fillText(`${r.bar.label} · 1:${r.scale.toLocaleString('zh-CN')}`, x0 + 5 * k, by - 1.5 * k);
    // Legend titles and the meta lines under the map.
    let y = head + r.layout.pixels.h + Math.round(7 * k);
    g.font = `${Math.round(3.5 * k)}px sans-serif`;
    g.fillText(`${t('print_legend')}${colon()}${legend().map((i) => layerTitle(i.table)).join('、')}`, x0, y, w - 2 * x0);
    y += 6 * k;
    g.fillText(`${t('print_data_date')}${colon()}${r.o.dataDate || todayShanghai()}　${t('print_source')}${colon()}${source() || 'landtrace'}`, x0, y, w - 2 * x0);
    y += 6 * k;
    g.fillText(`${t('printed_on')}${colon()}${todayShanghai()}　${t('print_crs_note')}`, x0, y, w - 2 * x0);
    if (r.showIllustrative) {
      y += 6 * k;
      g.fillStyle = '#b3261e';
      g.fillText(`⚠ ${t('print_illustrative')}`, x0, y, w - 2 * x0);
    }
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    download(`landtrace-${todayShanghai()}.png`, blob);
    return blob;
  }

  printer = { prepare, print, png, sheet };
  window.__landtracePrint = printer;
  return printer;
}
