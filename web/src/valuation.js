// 地块估价 / parcel valuation (#valuation-panel): draw a parcel on the map (plain
// GeoJSON sources and click handlers) or upload a parcel file, pick the land use
// and date, and show the server's benchmark valuation (POST api/land/valuation):
// the grade split on the map and a table per grade, the citations and in-force
// note. Files with several parcels go to api/land/valuation/batch.
//
// For tests: `#valuation-panel[data-state]` is `idle | drawing | need-use | loading
// | result | batch | error`; the grade parts are drawn in the map layer
// `valuation:parts-fill` (properties `system`, `grade`).

import { post } from './api.js';
import { el, facts } from './dom.js';
import { coordsBox } from './geo.js';
import { getLang, t, tv } from './i18n.js';
import { COLLECTIVE_GRADE_COLORS, URBAN_GRADE_COLORS, showLayers } from './map-style.js';
import {
  download, downloadCsv, fileButton, fitAboveSheet, illustrativeBadge, latestRequest, scrollToResult, todayShanghai, toolPanel,
  twoLines,
} from './panel-utils.js';

export const PARTS_FILL_LAYER = 'valuation:parts-fill';
const DRAW_SOURCE = 'valuation-draw';
const PARTS_SOURCE = 'valuation-parts';
const HATCH = 'valuation-hatch';
const USES = ['商服', '住宅', '公共管理与公共服务', '工业', '宅基地'];
const COLLECTIVE_USES = ['商服', '宅基地', '工业'];
const EMPTY = { type: 'FeatureCollection', features: [] };
const en = () => getLang() === 'en';

const fmt = (n, digits) => Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "6642609.00" → "6,642,609" (fen kept when not zero). */
export function fmtYuan(text) {
  const [whole, fen = ''] = String(text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return /^0*$/.test(fen) ? grouped : `${grouped}.${fen}`;
}

const gradeColor = (system, grade) => (system === 'collective' ? COLLECTIVE_GRADE_COLORS : URBAN_GRADE_COLORS)[grade] ?? '#888888';
const swatch = (color) => el('span', { class: 'swatch', style: `--c:${color}` });
const useLabel = (u) => (en() ? `${tv(u)} (${u})` : u);
const gradeLabel = (p, withZh = false) => (en()
  ? `${p.system === 'collective' ? 'Collective' : 'Urban'} grade ${p.grade}${withZh ? ` (${p.system_name}${p.grade_name})` : ''}`
  : `${p.system_name}${p.grade_name}`);
const colon = () => (en() ? ': ' : '：');
const paren = (x) => (en() ? ` (${x})` : `（${x}）`);

function bbox(geometry) {
  const geoms = geometry.type === 'GeometryCollection' ? geometry.geometries : [geometry];
  return coordsBox(geoms.filter((g) => g?.coordinates).map((g) => g.coordinates));
}

/** A hatch pattern for the part of a parcel outside every grade zone. */
function hatchImage() {
  const size = 8;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      data.set((x + y) % size < 2 ? [96, 101, 110, 235] : [222, 224, 228, 150], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

/**
 * The tool. `button` opens and closes `root`; `onOpen()` runs when it opens and
 * `onChange()` after every answer (for the illustrative-data notice).
 */
export function valuationTool({ map, root, button, phone, onOpen, onChange }) {
  const body = root.querySelector('.valuation-body');
  const state = {
    open: false,
    mode: 'idle', // idle | drawing | done
    vertices: [],
    parcel: null, // GeoJSON geometry
    use: '',
    collectiveUse: '',
    asOf: todayShanghai(),
    status: 'idle',
    answer: null,
    batch: null, // FeatureCollection from the batch endpoint
    batchFile: null, // { name, text }
    fileName: null,
    message: '',
  };
  const request = latestRequest({ state, refresh, onChange });
  let controls = null;
  let layersReady = false;

  // ----- map layers -----------------------------------------------------------------
  const partsData = () => {
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
  };

  const drawData = () => {
    const features = [];
    if (state.mode === 'drawing') {
      const v = state.vertices;
      if (v.length >= 3) {
        features.push({ type: 'Feature', properties: { role: 'area' }, geometry: { type: 'Polygon', coordinates: [[...v, v[0]]] } });
      } else if (v.length === 2) {
        features.push({ type: 'Feature', properties: { role: 'edge' }, geometry: { type: 'LineString', coordinates: v } });
      }
      v.forEach((c) => features.push({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: c } }));
    } else if (state.parcel) {
      features.push({ type: 'Feature', properties: { role: 'parcel' }, geometry: state.parcel });
    }
    return { type: 'FeatureCollection', features };
  };

  const updateMap = () => {
    if (!layersReady) return;
    map.getSource(DRAW_SOURCE).setData(drawData());
    map.getSource(PARTS_SOURCE).setData(partsData());
  };

  const setLayerVisibility = () => {
    if (layersReady) showLayers(map, 'valuation:', state.open);
  };

  const addLayers = () => {
    if (!map.hasImage(HATCH)) map.addImage(HATCH, hatchImage());
    map.addSource(PARTS_SOURCE, { type: 'geojson', data: EMPTY });
    map.addSource(DRAW_SOURCE, { type: 'geojson', data: EMPTY });
    const kind = (k) => ['==', ['get', 'kind'], k];
    const role = (...r) => ['in', ['get', 'role'], ['literal', r]];
    map.addLayer({ id: 'valuation:outside-fill', type: 'fill', source: PARTS_SOURCE, filter: kind('outside'),
      paint: { 'fill-pattern': HATCH } });
    map.addLayer({ id: 'valuation:outside-line', type: 'line', source: PARTS_SOURCE, filter: kind('outside'),
      paint: { 'line-color': '#5b616b', 'line-width': 1.5, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: PARTS_FILL_LAYER, type: 'fill', source: PARTS_SOURCE, filter: kind('part'),
      paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.9 } });
    map.addLayer({ id: 'valuation:parts-line', type: 'line', source: PARTS_SOURCE, filter: kind('part'),
      paint: { 'line-color': '#1f2328', 'line-width': 1.5 } });
    map.addLayer({ id: 'valuation:draw-fill', type: 'fill', source: DRAW_SOURCE, filter: role('area'),
      paint: { 'fill-color': '#1c5d99', 'fill-opacity': 0.18 } });
    map.addLayer({ id: 'valuation:draw-line', type: 'line', source: DRAW_SOURCE, filter: role('area', 'edge', 'parcel'),
      paint: { 'line-color': '#0b2e59', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: 'valuation:draw-vertices', type: 'circle', source: DRAW_SOURCE, filter: role('vertex'),
      paint: { 'circle-radius': 5, 'circle-color': '#ffffff', 'circle-stroke-color': '#0b2e59', 'circle-stroke-width': 2 } });
    layersReady = true;
    setLayerVisibility();
    updateMap();
  };
  if (map.loaded()) addLayers();
  else map.once('load', addLayers);

  const fitTo = (geometry) => {
    const box = geometry && bbox(geometry);
    if (box) fitAboveSheet(map, box, { phone, root, maxZoom: 17 });
  };

  // ----- drawing --------------------------------------------------------------------
  const setDrawing = (on) => {
    if (on) map.doubleClickZoom.disable();
    else map.doubleClickZoom.enable();
    map.getCanvas().style.cursor = on ? 'crosshair' : '';
  };

  const resetResult = () => {
    request.cancel();
    Object.assign(state, { answer: null, batch: null, batchFile: null, fileName: null, message: '' });
  };

  /** No parcel, no answer; drawing a new parcel when `drawing`. */
  const restart = (drawing) => {
    resetResult();
    const mode = drawing ? 'drawing' : 'idle';
    Object.assign(state, { mode, vertices: [], parcel: null, status: mode });
    setDrawing(drawing);
    refresh();
  };
  const startDrawing = () => restart(true);
  const clearAll = () => restart(false);

  const finish = () => {
    if (state.mode !== 'drawing') return;
    if (state.vertices.length < 3) {
      state.message = t('draw_need_three');
      refresh();
      return;
    }
    const ring = state.vertices.map(([x, y]) => [Number(x.toFixed(7)), Number(y.toFixed(7))]);
    Object.assign(state, { mode: 'done', parcel: { type: 'Polygon', coordinates: [[...ring, ring[0]]] }, vertices: [], message: '' });
    setDrawing(false);
    run();
  };

  map.on('click', (e) => {
    if (!state.open || state.mode !== 'drawing') return;
    const last = state.vertices.at(-1);
    if (last) {
      const p = map.project(last);
      if (Math.hypot(p.x - e.point.x, p.y - e.point.y) < 4) return; // second click of a double-click
    }
    state.vertices.push([e.lngLat.lng, e.lngLat.lat]);
    state.message = '';
    refresh();
  });
  map.on('dblclick', (e) => {
    if (!state.open || state.mode !== 'drawing') return;
    e.preventDefault();
    finish();
  });

  // ----- server calls ---------------------------------------------------------------
  const params = () => ({
    use: state.use,
    ...(state.collectiveUse ? { collective_use: state.collectiveUse } : {}),
    ...(state.asOf ? { as_of: state.asOf } : {}),
  });

  /** Asks the server once a land use is chosen (else state 'need-use'). */
  const ask = (work, options) => {
    if (!state.use) {
      state.status = 'need-use';
      return refresh();
    }
    return request.run(work, options);
  };

  async function run() {
    if (state.batchFile) return runBatch();
    if (!state.parcel) return refresh();
    const query = JSON.stringify({ parcel: state.parcel, ...params() });
    return ask(async () => ({ status: 'result', answer: await (await post('api/land/valuation', query, 'application/json')).json() }), {
      failed: { answer: null },
      then: (ok) => { if (ok && phone.matches) showResult(); },
    });
  }

  /** POST the batch file for the answer in `format` (geojson | csv). */
  const postBatch = (format) => {
    const q = new URLSearchParams({ ...params(), filename: state.batchFile.name, format });
    return post(`api/land/valuation/batch?${q}`, state.batchFile.text, 'text/plain; charset=utf-8');
  };

  async function runBatch() {
    return ask(async () => ({ status: 'batch', batch: await (await postBatch('geojson')).json() }), {
      failed: { batch: null },
      then: (ok) => {
        if (!ok) return;
        if (phone.matches) showResult();
        const all = state.batch.features.filter((f) => f.geometry).map((f) => f.geometry);
        if (all.length) fitTo({ type: 'GeometryCollection', geometries: all.flatMap((g) => g.geometries) });
      },
    });
  }

  async function downloadReport() {
    try {
      download('valuation-report.csv', await (await postBatch('csv')).blob());
    } catch (err) {
      Object.assign(state, { status: 'error', message: err.message });
      refresh();
    }
  }

  async function onFile(file) {
    if (!file) return;
    let text;
    try {
      text = (await file.text()).replace(/^\uFEFF/, '');
    } catch (err) {
      Object.assign(state, { status: 'error', message: `${t('file_failed')}${colon()}${err.message}` });
      return refresh();
    }
    resetResult();
    Object.assign(state, { mode: 'done', vertices: [], parcel: null, fileName: file.name });
    setDrawing(false);
    const csv = /\.(csv|txt)$/i.test(file.name) || !text.trimStart().startsWith('{');
    if (!csv) {
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        Object.assign(state, { status: 'error', message: `${t('file_failed')}${colon()}${err.message}` });
        return refresh();
      }
      const features = doc.type === 'FeatureCollection' ? doc.features ?? []
        : doc.type === 'Feature' ? [doc] : [{ type: 'Feature', geometry: doc }];
      const only = features.length === 1 ? features[0]?.geometry : null;
      if (only && (only.type === 'Polygon' || only.type === 'MultiPolygon')) {
        state.parcel = only;
        fitTo(only);
        return run();
      }
    }
    state.batchFile = { name: file.name, text };
    return runBatch();
  }

  // ----- CSV and print --------------------------------------------------------------
  function answerRows() {
    const v = state.answer.valuation;
    const rows = [[t('grade'), `${t('area')}(m²)`, `${t('area')}(${t('mu')})`, `${t('share')}(%)`, t('land_use'),
      `${t('unit_price')}(${t('yuan_per_m2')})`, `${t('unit_price')}(${t('wan_yuan_per_mu')})`, t('value_yuan'), t('note')]];
    for (const p of v.parts) {
      rows.push([gradeLabel(p, true), p.area.m2.toFixed(2), p.area.mu.toFixed(4), p.share_percent.toFixed(2),
        p.price ? useLabel(p.price.land_use) : '', p.price?.yuan_per_m2 ?? '', p.price ? p.price.wan_yuan_per_mu.toFixed(1) : '',
        p.value ? p.value.yuan : '', (en() ? p.note_en : p.note) ?? '']);
    }
    rows.push([t('outside_zones'), v.outside.area.m2.toFixed(2), v.outside.area.mu.toFixed(4), v.outside.share_percent.toFixed(2),
      '', '', '', '', en() ? v.outside.note_en : v.outside.note]);
    rows.push([t('total'), v.parcel_area.m2.toFixed(2), v.parcel_area.mu.toFixed(4), '100.00', '', '', '',
      v.total_value.yuan, `${v.total_wan_yuan} ${t('wan_yuan')}`]);
    rows.push([]);
    const meta = [
      [t('requested_use'), useLabel(v.requested_use)],
      [t('urban_use'), v.urban_use ? useLabel(v.urban_use) : ''],
      [t('collective_use_applied'), v.collective_use ? useLabel(v.collective_use) : ''],
      [t('as_of'), v.as_of ?? ''],
      [t('document'), v.document], [t('approval'), v.approval], [t('issued'), v.issued], [t('in_force'), v.in_force_from],
      [t('in_force_note'), en() ? v.note_en : v.note],
      [t('scope'), v.scope], [t('price_basis'), v.price_basis], [t('rounding'), v.rounding],
      [t('badge_illustrative'), state.answer.illustrative ? t('notice') : ''],
      [`${t('parcel')} (GeoJSON, WGS84)`, JSON.stringify(state.parcel)],
    ];
    rows.push([t('csv_item'), t('csv_value')], ...meta.filter(([, x]) => x !== ''));
    return rows;
  }

  const snapshot = () => new Promise((resolve) => {
    map.once('render', () => {
      try {
        resolve(map.getCanvas().toDataURL('image/png'));
      } catch {
        resolve(null);
      }
    });
    map.triggerRepaint();
  });

  async function printReport() {
    const geometry = state.parcel ?? null;
    if (geometry) {
      const box = bbox(geometry);
      if (box) map.fitBounds(box, { padding: 50, maxZoom: 17, duration: 0 });
      await new Promise((resolve) => {
        if (map.loaded() && map.areTilesLoaded()) resolve();
        else map.once('idle', resolve);
        setTimeout(resolve, 4000);
      });
    }
    const url = await snapshot();
    const img = body.querySelector('.print-map img');
    if (img && url) {
      img.src = url;
      await img.decode().catch(() => {});
    }
    window.print();
  }

  // ----- rendering ------------------------------------------------------------------
  const select = (id, options, value, placeholder, onPick) => {
    const s = el('select', { id }, [
      el('option', { value: '' }, placeholder),
      ...options.map((u) => el('option', { value: u }, useLabel(u))),
    ]);
    s.value = value;
    s.addEventListener('change', () => onPick(s.value));
    return s;
  };

  function buildControls() {
    const btn = (id, key, onClick, cls = '') => {
      const b = el('button', { type: 'button', id, class: `v-button ${cls}` }, t(key));
      b.addEventListener('click', onClick);
      return b;
    };
    const file = fileButton({ id: 'valuation-file', accept: '.geojson,.json,.csv,.txt', label: t('upload'), onFile });
    const asOf = el('input', { type: 'date', id: 'valuation-as-of', value: state.asOf });
    asOf.addEventListener('change', () => {
      state.asOf = asOf.value;
      run();
    });
    const c = {
      draw: btn('valuation-draw', 'draw', startDrawing, 'primary'),
      undo: btn('valuation-undo', 'undo', () => {
        state.vertices.pop();
        refresh();
      }),
      finish: btn('valuation-finish', 'finish', finish, 'primary'),
      clear: btn('valuation-clear', 'clear', clearAll),
      hint: el('p', { class: 'v-hint' }),
      fileName: el('span', { class: 'v-file-name' }),
    };
    const section = el('div', { class: 'v-controls no-print' }, [
      el('div', { class: 'v-tools' }, [c.draw, c.undo, c.finish, c.clear]),
      c.hint,
      el('div', { class: 'v-upload' }, [
        ...file, c.fileName,
        el('p', { class: 'v-small muted' }, t('upload_hint')),
      ]),
      el('div', { class: 'v-params' }, [
        el('label', { for: 'valuation-use' }, t('land_use_select')),
        select('valuation-use', USES, state.use, t('choose_use'), (u) => {
          state.use = u;
          run();
        }),
        el('label', { for: 'valuation-collective-use' }, t('collective_use')),
        select('valuation-collective-use', COLLECTIVE_USES, state.collectiveUse, t('collective_same'), (u) => {
          state.collectiveUse = u;
          run();
        }),
        el('label', { for: 'valuation-as-of' }, t('as_of')), asOf,
      ]),
    ]);
    return { ...c, section, result: el('div', { class: 'v-result', 'aria-live': 'polite' }) };
  }

  function updateControls() {
    const c = controls;
    const drawing = state.mode === 'drawing';
    c.draw.textContent = t(state.parcel || state.batchFile || drawing ? 'redraw' : 'draw');
    c.undo.disabled = !drawing || state.vertices.length === 0;
    c.finish.disabled = !drawing || state.vertices.length < 3;
    c.clear.disabled = state.mode === 'idle' && !state.parcel && !state.batchFile;
    c.hint.textContent = drawing ? t('draw_hint', state.vertices.length) : '';
    c.hint.hidden = !drawing;
    c.fileName.textContent = state.fileName ?? '';
  }

  function singleResult() {
    const a = state.answer;
    const v = a.valuation;
    const parts = v.parts.map((p) => el('tr', { 'data-system': p.system, 'data-grade': p.grade }, [
      el('th', {}, [swatch(gradeColor(p.system, p.grade)), gradeLabel(p)]),
      el('td', {}, twoLines(fmt(p.area.m2, 2), `${fmt(p.area.mu, 4)} ${t('mu')}`)),
      el('td', {}, `${p.share_percent.toFixed(2)}%`),
      el('td', { class: 'v-price' }, p.price ? twoLines(String(p.price.yuan_per_m2), p.price.wan_yuan_per_mu.toFixed(1)) : t('no_price')),
      el('td', { class: 'v-value' }, p.value ? fmtYuan(p.value.yuan) : '—'),
    ]));
    const o = v.outside;
    parts.push(el('tr', { class: 'v-outside' }, [
      el('th', {}, [el('span', { class: 'swatch hatch' }), t('outside_zones')]),
      el('td', {}, twoLines(fmt(o.area.m2, 2), `${fmt(o.area.mu, 4)} ${t('mu')}`)),
      el('td', {}, `${o.share_percent.toFixed(2)}%`),
      el('td', {}, '—'),
      el('td', {}, t('not_valued')),
    ]));
    const notes = [...v.parts.filter((p) => p.note).map((p) => `${gradeLabel(p)}${colon()}${en() ? p.note_en : p.note}`)];
    if (o.area.m2 > 0) notes.push(`${t('outside_zones')}${colon()}${en() ? o.note_en : o.note}`);
    const inForce = el('p', { class: v.in_force === false ? 'v-warning' : 'v-note', 'data-in-force': String(v.in_force) },
      [v.in_force === false ? el('strong', {}, `⚠ ${t('not_in_force')}${colon()}`) : null, en() ? v.note_en : v.note]);
    const details = [
      [t('requested_use'), useLabel(v.requested_use)],
      [t('urban_use'), v.urban_use ? useLabel(v.urban_use) : null],
      [t('collective_use_applied'), v.collective_use ? useLabel(v.collective_use) : null],
      [t('as_of'), v.as_of],
      [t('document'), v.document], [t('approval'), v.approval], [t('issued'), v.issued], [t('in_force'), v.in_force_from],
      [t('price_basis'), v.price_basis], [t('scope'), v.scope],
    ];
    const csv = el('button', { type: 'button', id: 'valuation-csv', class: 'v-button' }, t('download_csv'));
    csv.addEventListener('click', () => downloadCsv(`valuation-${v.as_of ?? todayShanghai()}.csv`, answerRows()));
    const print = el('button', { type: 'button', id: 'valuation-print', class: 'v-button' }, t('print'));
    print.addEventListener('click', printReport);
    return [
      el('div', { class: 'v-summary' }, [
        el('p', {}, [el('strong', {}, `${t('parcel_area')}${colon()}`), el('span', { class: 'v-area' }, `${fmt(v.parcel_area.m2, 2)} m²`),
          paren(`${fmt(v.parcel_area.mu, 4)} ${t('mu')}`), illustrativeBadge(a.illustrative)]),
        el('p', { class: 'v-total-line' }, [el('strong', {}, `${t('total')}${colon()}`),
          el('span', { class: 'v-total', 'data-yuan': v.total_value.yuan }, `${fmtYuan(v.total_value.yuan)} ${t('yuan')}`),
          paren(`${v.total_wan_yuan} ${t('wan_yuan')}`)]),
      ]),
      inForce,
      a.zones_overlap ? el('p', { class: 'v-warning' }, t('zones_overlap')) : null,
      el('table', { class: 'price-table v-table', id: 'valuation-table' }, [
        el('thead', {}, el('tr', {}, [
          el('th', {}, t('grade')),
          el('th', {}, [t('area'), el('span', { class: 'num-sub' }, `m² / ${t('mu')}`)]),
          el('th', {}, t('share')),
          el('th', {}, [t('unit_price'), el('span', { class: 'num-sub' }, `${t('yuan_per_m2')} / ${t('wan_yuan_per_mu')}`)]),
          el('th', {}, t('value_yuan')),
        ])),
        el('tbody', {}, parts),
        el('tfoot', {}, el('tr', {}, [
          el('th', {}, t('total')),
          el('td', {}, twoLines(fmt(v.parcel_area.m2, 2), `${fmt(v.parcel_area.mu, 4)} ${t('mu')}`)),
          el('td', {}, '100.00%'),
          el('td', {}, ''),
          el('td', { class: 'v-value' }, twoLines(fmtYuan(v.total_value.yuan), `${v.total_wan_yuan} ${t('wan_yuan')}`)),
        ])),
      ]),
      notes.length ? el('ul', { class: 'v-notes' }, notes.map((n) => el('li', {}, n))) : null,
      facts(details),
      el('details', { class: 'v-rounding' }, [el('summary', {}, t('rounding')), el('p', {}, v.rounding)]),
      el('figure', { class: 'print-map print-only' }, el('img', { alt: '' })),
      el('div', { class: 'v-actions no-print' }, [csv, print]),
    ];
  }

  function batchResult() {
    const rows = state.batch.features.map((f) => {
      const p = f.properties;
      const v = p.valuation;
      const cells = p.status === 'ok'
        ? [el('td', {}, twoLines(fmt(v.parcel_area.m2, 2), `${fmt(v.parcel_area.mu, 4)} ${t('mu')}`)),
          el('td', { class: 'v-value' }, twoLines(fmtYuan(v.total_value.yuan), `${v.total_wan_yuan} ${t('wan_yuan')}`))]
        : [el('td', { colspan: 2, class: 'v-error' }, p.error)];
      return el('tr', { 'data-status': p.status }, [
        el('td', {}, String(p.row)), el('td', {}, p.id ?? ''),
        el('td', {}, t(p.status === 'ok' ? 'status_ok' : 'status_error')), ...cells,
      ]);
    });
    const report = el('button', { type: 'button', id: 'valuation-report', class: 'v-button' }, t('download_report'));
    report.addEventListener('click', downloadReport);
    return [
      el('h3', { class: 'v-batch-title' }, t('batch_title', rows.length)),
      el('table', { class: 'price-table v-table', id: 'valuation-batch-table' }, [
        el('thead', {}, el('tr', {}, [
          el('th', {}, t('batch_row')), el('th', {}, t('batch_id')), el('th', {}, t('batch_status')),
          el('th', {}, [t('area'), el('span', { class: 'num-sub' }, `m² / ${t('mu')}`)]),
          el('th', {}, t('value_yuan')),
        ])),
        el('tbody', {}, rows),
      ]),
      el('div', { class: 'v-actions no-print' }, report),
    ];
  }

  function resultView() {
    switch (state.status) {
      case 'idle':
        return el('p', { class: 'hint' }, t('draw_or_upload_hint'));
      case 'drawing':
        return state.message ? el('p', { class: 'warning' }, state.message) : null;
      case 'need-use':
        return el('p', { class: 'hint v-need-use' }, t('pick_use_hint'));
      case 'loading':
        return el('p', { class: 'loading' }, t('valuing'));
      case 'error':
        return el('p', { class: 'warning v-error', role: 'alert' }, `${t('valuation_failed')}${colon()}${state.message}`);
      case 'result':
        return singleResult();
      case 'batch':
        return batchResult();
      default:
        return null;
    }
  }

  function refresh() {
    if (!controls) {
      controls = buildControls();
      body.replaceChildren(
        el('header', { class: 'print-only print-head' }, [
          el('h1', {}, t('valuation_title')), el('p', {}, `${t('printed_on')}${colon()}${todayShanghai()}`),
        ]),
        controls.section, controls.result,
      );
    }
    updateControls();
    const view = resultView();
    controls.result.replaceChildren(...[view].flat().filter(Boolean));
    root.dataset.state = state.status;
    updateMap();
  }

  /** On a phone, scrolls the sheet to the answer (the controls stay above it). */
  const showResult = () => scrollToResult(body, controls.result);

  const setOpen = toolPanel({ map, root, button, layoutClass: 'valuation-open', state, onOpen, onChange, toggled: (open) => {
    setLayerVisibility();
    if (!open) setDrawing(false);
    else if (state.mode === 'idle' && !state.parcel && !state.batchFile) startDrawing();
    else if (state.mode === 'drawing') setDrawing(true);
    refresh();
  } });
  refresh();

  return {
    isOpen: () => state.open,
    close: () => { if (state.open) setOpen(false); },
    /** Re-renders after a language change. */
    render() {
      controls = null;
      refresh();
    },
    showsIllustrative: () => state.open && state.status === 'result' && state.answer?.illustrative === true,
  };
}
