// 地块估价 / parcel valuation (#valuation-panel): draw a parcel on the map (plain
// GeoJSON sources and click handlers) or upload a parcel file, pick the land use
// and date, and show the server's benchmark valuation (POST api/land/valuation):
// the grade split on the map and a table per grade, the citations and in-force
// note. Files with several parcels go to api/land/valuation/batch. The requests and
// the reading of the answers are in state.js; this is the DOM and the map.
//
// For tests: `#valuation-panel[data-state]` is `idle | drawing | need-use | loading
// | result | batch | error`; the grade parts are drawn in the map layer
// `valuation:parts-fill` (properties `system`, `grade`).

import { colon, labelled, paren, t } from '../../lib/i18n.js';
import { latestRequest } from '../../lib/latest-request.js';
import { todayShanghai } from '../../lib/time.js';
import { showLayers } from '../../map-style.js';
import { post } from '../../ui/api.js';
import { el, facts, swatch } from '../../ui/dom.js';
import { whenMapLoaded } from '../../ui/lazy-tool.js';
import {
  download, downloadCsv, fileButton, fitAboveSheet, illustrativeBadge, scrollToResult, toolPanel, twoLines,
} from '../../ui/panel.js';
import {
  CORRECTIONS, COLLECTIVE_USES, USES, answerRows, appraisalModel, batchGeometry, batchQuery, batchRows, bbox, controlsModel, drawData, expropriationByRow,
  expropriationQuery, initialState,
  parcelOf, partsData, readParcelFile, showsIllustrative, singleModel, useLabel, valuationBody, wgs84Parcel,
} from './state.js';
import { CORNER_CRS, parseCornerList } from '../../lib/corner-list.js';
import { cornerTable, printCopy, printPanel, signatureBlock } from '../print/view.js';

export const PARTS_FILL_LAYER = 'valuation:parts-fill';
const DRAW_SOURCE = 'valuation-draw';
const PARTS_SOURCE = 'valuation-parts';
const HATCH = 'valuation-hatch';
const EMPTY = { type: 'FeatureCollection', features: [] };

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
  const state = initialState(todayShanghai());
  const request = latestRequest({ state, refresh, onChange });
  let controls = null;
  let layersReady = false;

  // ----- map layers -----------------------------------------------------------------
  const updateMap = () => {
    if (!layersReady) return;
    map.getSource(DRAW_SOURCE).setData(drawData(state));
    map.getSource(PARTS_SOURCE).setData(partsData(state));
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
  whenMapLoaded(map, addLayers);

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
    Object.assign(state, { answer: null, batch: null, expropriation: null, batchFile: null, fileName: null, message: '' });
  };

  /** No parcel, no answer; drawing a new parcel when `drawing`. */
  const restart = (drawing) => {
    resetResult();
    const mode = drawing ? 'drawing' : 'idle';
    Object.assign(state, { mode, vertices: [], parcel: null, parcelCrs: null, status: mode });
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
    Object.assign(state, { mode: 'done', parcel: parcelOf(state.vertices), parcelCrs: null, vertices: [], message: '' });
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
    const query = valuationBody(state);
    return ask(async () => ({ status: 'result', answer: await (await post('api/land/valuation', query, 'application/json')).json() }), {
      failed: { answer: null },
      then: (ok) => {
        if (ok && state.parcelCrs) fitTo(wgs84Parcel(state)); // a pasted list: drawn from the answer's WGS84 corners
        if (ok && phone.matches) showResult();
      },
    });
  }

  /** The pasted corner list as the parcel (in its CRS), or its problems by line. */
  function useCorners() {
    const c = state.corners;
    c.result = parseCornerList(c.text, c.crs);
    controls = null; // the box again, with the problems or what was read
    if (c.result.errors.length) return refresh();
    resetResult();
    Object.assign(state, { mode: 'done', vertices: [], parcel: c.result.parcel, parcelCrs: c.result.crs });
    setDrawing(false);
    return run();
  }

  /** POST the batch file for the answer in `format` (geojson | csv). */
  const postBatch = (format) => post(`api/land/valuation/batch?${batchQuery(state, format)}`,
    state.batchFile.bytes ?? state.batchFile.text, 'application/octet-stream');

  /** The expropriation check of the batch file; null when it fails (the valuation still shows). */
  const checkExpropriation = async () => {
    try {
      return await (await post(`api/land/expropriation/batch?${expropriationQuery(state)}`,
        state.batchFile.bytes ?? state.batchFile.text, 'application/octet-stream')).json();
    } catch {
      return null;
    }
  };

  async function runBatch() {
    return ask(async () => {
      const [batch, expropriation] = await Promise.all([postBatch('geojson').then((r) => r.json()), checkExpropriation()]);
      return { status: 'batch', batch, expropriation };
    }, {
      failed: { batch: null, expropriation: null },
      then: (ok) => {
        if (!ok) return;
        if (phone.matches) showResult();
        const all = batchGeometry(state.batch);
        if (all) fitTo(all);
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
    let bytes;
    try {
      // The raw bytes go to the server, which reads GBK coordinate files of land
      // approval filings as well as UTF-8; the text here only decides what the file is.
      bytes = new Uint8Array(await file.arrayBuffer());
      text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
    } catch (err) {
      Object.assign(state, { status: 'error', message: labelled('file_failed', err.message) });
      return refresh();
    }
    resetResult();
    Object.assign(state, { mode: 'done', vertices: [], parcel: null, parcelCrs: null, fileName: file.name });
    setDrawing(false);
    const read = readParcelFile(file.name, text);
    if (read.error) {
      Object.assign(state, { status: 'error', message: labelled('file_failed', read.error) });
      return refresh();
    }
    if (read.parcel) {
      state.parcel = read.parcel;
      fitTo(read.parcel);
      return run();
    }
    state.batchFile = { ...read.batch, bytes };
    return runBatch();
  }

  // ----- CSV and print --------------------------------------------------------------
  /**
   * 打印: the fileable valuation print in the print layout (tools/print): the parcel
   * number, the result (grade split, prices, citations), the corner table in the CGCS2000
   * zone and WGS84, the signature block, with the map fitted to the parcel.
   */
  function printReport() {
    const result = printCopy(controls.result);
    const no = state.parcelNo.trim();
    const content = [
      el('p', { class: 'ps-parcel-no' }, [el('strong', {}, `${t('parcel_no')}${colon()}`), no || '________']),
      ...result.childNodes,
      cornerTable(state.answer?.corners),
      signatureBlock(),
    ];
    const geometry = wgs84Parcel(state);
    return printPanel({ title: `${t('valuation_print_title')}${no ? ` · ${no}` : ''}`, content, geometry,
      dataDate: state.answer?.valuation?.as_of, illustrative: state.answer?.illustrative }).catch(() => {});
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

  /** 宗地估价（基准地价系数修正法）: on/off, the tables, the parcel's term, plot ratio and factor grades. */
  function appraisalControls() {
    const a = state.appraisal;
    const on = el('input', { type: 'checkbox', id: 'valuation-appraisal' });
    on.checked = a.on;
    on.addEventListener('change', () => { a.on = on.checked; run(); });
    const tables = el('select', { id: 'valuation-corrections' },
      CORRECTIONS.map((c) => el('option', { value: c }, t(`corrections_${c || 'server'}`))));
    tables.value = a.corrections;
    tables.addEventListener('change', () => { a.corrections = tables.value; if (a.on) run(); });
    const input = (id, key, type, placeholder) => {
      const i = el('input', { type, id, value: a[key], placeholder, ...(type === 'number' ? { step: 'any', min: '0' } : {}) });
      i.addEventListener('change', () => { a[key] = i.value; if (a.on) run(); });
      return i;
    };
    return el('details', { class: 'v-appraisal-controls', open: a.on }, [
      el('summary', {}, t('appraisal_title')),
      el('label', { class: 'v-check' }, [on, ` ${t('appraisal_on')}`]),
      el('div', { class: 'v-params' }, [
        el('label', { for: 'valuation-corrections' }, t('corrections')), tables,
        el('label', { for: 'valuation-term' }, t('remaining_term')), input('valuation-term', 'term', 'number', '50'),
        el('label', { for: 'valuation-plot-ratio' }, t('plot_ratio')), input('valuation-plot-ratio', 'plotRatio', 'number', '2.0'),
        el('label', { for: 'valuation-factors' }, t('factor_grades')), input('valuation-factors', 'factors', 'text', '交通条件=优;宗地形状=一般'),
      ]),
    ]);
  }

  /** The appraisal of the answer, each factor with its source; null when not asked. */
  function appraisalResult() {
    const m = appraisalModel(state.answer);
    if (!m) return null;
    return el('section', { class: 'v-appraisal', 'data-method': m.benchmarkOnly ? 'benchmark_only' : 'coefficient_correction' }, [
      el('h4', {}, [t('appraisal_title'), m.illustrative ? illustrativeBadge(true) : null]),
      el('p', { class: 'v-formula' }, m.formula),
      m.benchmarkOnly ? el('p', { class: 'v-warning v-benchmark-only' }, m.notes[0]) : null,
      ...m.parts.map((p) => el('table', { class: 'price-table v-table v-appraisal-part' }, [
        el('caption', {}, `${p.label}${colon()}${t('benchmark_price')} ${p.benchmark} → ${p.unit} ${t('yuan_per_m2')}`),
        el('thead', {}, el('tr', {}, [el('th', {}, t('factor')), el('th', {}, t('coefficient')), el('th', {}, t('factor_source'))])),
        el('tbody', {}, p.factors.map((f) => el('tr', { 'data-applied': String(f.applied) }, [
          el('th', {}, f.name), el('td', {}, twoLines(f.coefficient, f.working)), el('td', { class: 'v-small' }, f.source || '—'),
        ]))),
        el('tfoot', {}, el('tr', {}, [el('th', {}, t('value_yuan')), el('td', { colspan: 2 }, twoLines(p.value, p.working))])),
      ])),
      el('p', { class: 'v-total-line' }, [el('strong', {}, `${t('appraised_total')}${colon()}`),
        el('span', { class: 'v-appraised-total' }, `${m.total} ${t('yuan')}`), paren(m.totalWan)]),
      m.tablesSource ? el('p', { class: 'source' }, `${t('factor_source')}${colon()}${m.tablesSource}`) : null,
      el('ul', { class: 'v-notes' }, [...m.notes.slice(m.benchmarkOnly ? 1 : 0), m.gazette].map((n) => el('li', {}, n))),
      el('p', { class: 'muted v-small' }, m.standard),
    ]);
  }

  /** 粘贴界址点坐标: the textarea, the CRS (recognised or chosen), 用作地块, the problems by line. */
  function cornerControls() {
    const c = state.corners;
    const text = el('textarea', { id: 'valuation-corners', rows: 5, spellcheck: 'false', placeholder: 'J1 3890148.98 37479039.53' });
    text.value = c.text;
    text.addEventListener('input', () => { c.text = text.value; });
    const crs = el('select', { id: 'valuation-corners-crs' }, CORNER_CRS.map((v) => el('option', { value: v }, v || t('corners_crs_auto'))));
    crs.value = c.crs;
    crs.addEventListener('change', () => { c.crs = crs.value; });
    const use = el('button', { type: 'button', id: 'valuation-corners-use', class: 'v-button primary' }, t('corners_use'));
    use.addEventListener('click', useCorners);
    const r = c.result;
    const dir = r?.clockwise == null ? '' : t(r.clockwise ? 'corners_clockwise' : 'corners_counterclockwise');
    const no = el('input', { type: 'text', id: 'valuation-parcel-no', class: 'v-parcel-no', value: state.parcelNo });
    no.addEventListener('input', () => { state.parcelNo = no.value; });
    return el('details', { class: 'v-corners', open: Boolean(c.text) || undefined }, [
      el('summary', {}, t('corners_paste')),
      el('p', { class: 'v-small muted' }, t('corners_paste_hint')),
      text,
      el('div', { class: 'v-params' }, [
        el('label', { for: 'valuation-corners-crs' }, t('corners_crs')), crs,
        el('label', { for: 'valuation-parcel-no' }, t('parcel_no')), no,
      ]),
      el('div', { class: 'v-actions' }, use),
      r?.errors.length ? el('ul', { class: 'v-corner-errors', id: 'valuation-corner-errors', role: 'alert' },
        r.errors.map((e) => el('li', { 'data-line': e.line }, `${t('corners_line', e.line)}${colon()}${e.message}`))) : null,
      r && !r.errors.length ? el('p', { class: 'v-small', id: 'valuation-corners-read' },
        [t('corners_read', { n: r.corners.length, crs: r.crs, dir }), ...r.notes.map((n) => ` ${n}。`)]) : null,
    ]);
  }

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
      appraisalControls(),
      cornerControls(),
    ]);
    return { ...c, section, result: el('div', { class: 'v-result', 'aria-live': 'polite' }) };
  }

  function updateControls() {
    const c = controls;
    const m = controlsModel(state);
    c.draw.textContent = t(m.drawKey);
    c.undo.disabled = m.undoDisabled;
    c.finish.disabled = m.finishDisabled;
    c.clear.disabled = m.clearDisabled;
    c.hint.textContent = m.hint;
    c.hint.hidden = !m.hint;
    c.fileName.textContent = m.fileName;
  }

  function singleResult() {
    const m = singleModel(state.answer);
    const parts = m.parts.map((p) => el('tr', { 'data-system': p.system, 'data-grade': p.grade }, [
      el('th', {}, [swatch(p.color, ''), p.label]),
      el('td', {}, twoLines(p.area.m2, p.area.mu)),
      el('td', {}, p.share),
      el('td', { class: 'v-price' }, p.price ? twoLines(p.price.m2, p.price.mu) : t('no_price')),
      el('td', { class: 'v-value' }, p.value),
    ]));
    parts.push(el('tr', { class: 'v-outside' }, [
      el('th', {}, [el('span', { class: 'swatch hatch' }), t('outside_zones')]),
      el('td', {}, twoLines(m.outside.area.m2, m.outside.area.mu)),
      el('td', {}, m.outside.share),
      el('td', {}, '—'),
      el('td', {}, t('not_valued')),
    ]));
    const inForce = el('p', { class: m.inForce === false ? 'v-warning' : 'v-note', 'data-in-force': String(m.inForce) },
      [m.inForce === false ? el('strong', {}, `⚠ ${t('not_in_force')}${colon()}`) : null, m.inForceNote]);
    const csv = el('button', { type: 'button', id: 'valuation-csv', class: 'v-button' }, t('download_csv'));
    csv.addEventListener('click', () => downloadCsv(`valuation-${m.asOf ?? todayShanghai()}.csv`, answerRows(state.answer, state.parcel)));
    const print = el('button', { type: 'button', id: 'valuation-print', class: 'v-button' }, t('print'));
    print.addEventListener('click', printReport);
    return [
      el('div', { class: 'v-summary' }, [
        el('p', {}, [el('strong', {}, `${t('parcel_area')}${colon()}`), el('span', { class: 'v-area' }, `${m.parcelArea.m2} m²`),
          paren(m.parcelArea.mu), illustrativeBadge(m.illustrative)]),
        el('p', { class: 'v-total-line' }, [el('strong', {}, `${t('total')}${colon()}`),
          el('span', { class: 'v-total', 'data-yuan': m.totalYuan }, `${m.total} ${t('yuan')}`),
          paren(m.totalWan)]),
      ]),
      inForce,
      m.zonesOverlap ? el('p', { class: 'v-warning' }, t('zones_overlap')) : null,
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
          el('td', {}, twoLines(m.parcelArea.m2, m.parcelArea.mu)),
          el('td', {}, '100.00%'),
          el('td', {}, ''),
          el('td', { class: 'v-value' }, twoLines(m.total, m.totalWan)),
        ])),
      ]),
      m.notes.length ? el('ul', { class: 'v-notes' }, m.notes.map((n) => el('li', {}, n))) : null,
      appraisalResult(),
      facts(m.details),
      el('details', { class: 'v-rounding' }, [el('summary', {}, t('rounding')), el('p', {}, m.rounding)]),
      el('div', { class: 'v-actions no-print' }, [csv, print]),
    ];
  }

  function batchResult() {
    const expropriation = expropriationByRow(state.expropriation);
    const rows = batchRows(state.batch).map((r) => el('tr', { 'data-status': r.status }, [
      el('td', {}, r.row), el('td', {}, r.id),
      el('td', {}, t(r.ok ? 'status_ok' : 'status_error')),
      ...(r.ok ? [el('td', {}, twoLines(r.area.m2, r.area.mu)), el('td', { class: 'v-value' }, twoLines(r.value, r.wan))]
        : [el('td', { colspan: 2, class: 'v-error' }, r.error)]),
      el('td', { class: expropriation.get(r.row)?.inside ? 'v-expropriation inside' : 'v-expropriation' },
        expropriation.get(r.row)?.text ?? ''),
    ]));
    const report = el('button', { type: 'button', id: 'valuation-report', class: 'v-button' }, t('download_report'));
    report.addEventListener('click', downloadReport);
    return [
      el('h3', { class: 'v-batch-title' }, t('batch_title', rows.length)),
      el('table', { class: 'price-table v-table', id: 'valuation-batch-table' }, [
        el('thead', {}, el('tr', {}, [
          el('th', {}, t('batch_row')), el('th', {}, t('batch_id')), el('th', {}, t('batch_status')),
          el('th', {}, [t('area'), el('span', { class: 'num-sub' }, `m² / ${t('mu')}`)]),
          el('th', {}, t('value_yuan')),
          el('th', {}, t('batch_expropriation')),
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
        return el('p', { class: 'warning v-error', role: 'alert' }, labelled('valuation_failed', state.message));
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
    showsIllustrative: () => showsIllustrative(state),
  };
}
