// 货车禁行 / truck ban (#truck-ban-panel): describe a vehicle and a time, click the map
// and show the server's decision (POST api/truck-ban/check): 禁行/允许, reason, clause
// of 临政发〔2023〕5号, penalty and the position facts. Or upload a GPS track (CSV, GPX,
// GeoJSON; WGS84 or GCJ-02) checked by POST api/truck-ban/track: the track is drawn as
// a line, the violation intervals highlighted and listed.
//
// The track geometry is read in the page (the server returns only the intervals'
// entry and exit points): a violation segment is the interpolated entry point, the
// file's fixes between entry and exit time, and the exit point; when the fix times
// cannot be read in the page it is the straight entry–exit segment. GCJ-02 tracks
// are converted to WGS84 in the page for drawing (the usual iterative inverse, ~1 m).
//
// For tests: `#truck-ban-panel[data-state]` is `idle | loading | result | track |
// error`; the result is `#truck-ban-result[data-banned]`, interval rows are
// `#truck-ban-intervals tbody tr`; map layers `truckban:track`, `truckban:violations`.

import { Marker } from 'maplibre-gl';
import { post } from './api.js';
import { el, facts } from './dom.js';
import { coordsBox } from './geo.js';
import { getLang, t } from './i18n.js';
import { showLayers } from './map-style.js';
import {
  fileButton, fitAboveSheet, illustrativeBadge, latestRequest, nowShanghai, scrollToResult, toolPanel, twoLines,
} from './panel-utils.js';

const TRACK_SOURCE = 'truckban-track';
const EMPTY = { type: 'FeatureCollection', features: [] };
const CLASSES = ['heavy', 'medium', 'light', 'mini'];
const BODIES = ['box', 'enclosed', 'open', 'tanker', 'other'];
const ENERGIES = ['fuel', 'new_energy'];
const PURPOSES = ['ordinary', 'police', 'fire', 'engineering_rescue', 'law_enforcement_on_duty', 'wrecker', 'sanitation',
  'landscaping', 'road_maintenance', 'municipal_engineering', 'medical_waste', 'other_by_law'];
const en = () => getLang() === 'en';
const colon = () => (en() ? ': ' : '：');

/** Unix ms → `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai. */
export function localTime(ms) {
  const d = new Date(ms + 8 * 3600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

// ----- GCJ-02 → WGS84 (for drawing only) -----------------------------------------------
const A = 6378245.0;
const EE = 0.00669342162296594323;
function gcjOffset(lon, lat) {
  const x = lon - 105.0;
  const y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLon += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLon += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}
export function gcjToWgs([lon, lat]) {
  let w = [lon, lat];
  for (let i = 0; i < 4; i++) {
    const [dx, dy] = gcjOffset(w[0], w[1]);
    w = [lon - dx, lat - dy];
  }
  return w;
}

// ----- reading the fixes in the page (drawing only; the server does the checking) -----
function parseTime(text) {
  const s = String(text ?? '').trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const ms = Date.parse(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : null;
}

function splitCsv(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Fixes `{t, c: [lon, lat]}` of a CSV, GPX or GeoJSON track (best effort). */
export function readFixes(text) {
  const s = text.replace(/^\uFEFF/, '').trimStart();
  const fixes = [];
  if (s.startsWith('{')) {
    let doc;
    try { doc = JSON.parse(s); } catch { return fixes; }
    const features = doc.type === 'FeatureCollection' ? doc.features ?? [] : doc.type === 'Feature' ? [doc] : [];
    for (const f of features) {
      const g = f?.geometry;
      const p = f?.properties ?? {};
      if (g?.type === 'Point') fixes.push({ t: parseTime(p.time ?? p.timestamp ?? p.t), c: g.coordinates });
      else if (g?.type === 'LineString') {
        const times = p.coordTimes ?? p.times ?? [];
        g.coordinates.forEach((c, i) => fixes.push({ t: parseTime(times[i] ?? c[3]), c }));
      }
    }
  } else if (s.startsWith('<')) {
    const doc = new DOMParser().parseFromString(s, 'application/xml');
    for (const pt of doc.getElementsByTagName('trkpt')) {
      fixes.push({ t: parseTime(pt.getElementsByTagName('time')[0]?.textContent),
        c: [Number(pt.getAttribute('lon')), Number(pt.getAttribute('lat'))] });
    }
  } else {
    const lines = s.split(/\r?\n/).filter((l) => l.trim());
    const head = splitCsv(lines.shift() ?? '').map((h) => h.trim().toLowerCase());
    const col = (names) => head.findIndex((h) => names.includes(h));
    const [ti, xi, yi] = [col(['time', 'timestamp', 't']), col(['lon', 'lng', 'longitude', 'x']), col(['lat', 'latitude', 'y'])];
    if (xi < 0 || yi < 0) return fixes;
    for (const line of lines) {
      const f = splitCsv(line);
      fixes.push({ t: ti >= 0 ? parseTime(f[ti]) : null, c: [Number(f[xi]), Number(f[yi])] });
    }
  }
  return fixes.filter((f) => Number.isFinite(f.c[0]) && Number.isFinite(f.c[1]));
}

/**
 * The tool. `button` opens and closes `root`; `onOpen()` runs when it opens and
 * `onChange()` after every answer (for the illustrative-data notice).
 */
export function truckBanTool({ map, root, button, phone, onOpen, onChange }) {
  const body = root.querySelector('.truck-ban-body');
  const state = {
    open: false,
    sizeMode: 'measured', // measured | class
    vehicleClass: 'heavy',
    length: '',
    mass: '',
    body: 'box',
    energy: 'fuel',
    purpose: 'ordinary',
    plate: '',
    at: nowShanghai(),
    crs: 'wgs84',
    point: null, // [lon, lat]
    status: 'idle',
    answer: null,
    track: null, // server report
    trackLine: null, // [[lon, lat], ...] WGS84
    segments: [], // violation lines
    fileName: null,
    message: '',
  };
  const request = latestRequest({ state, refresh, onChange });
  let controls = null;
  let layersReady = false;
  const marker = new Marker({ color: '#a61e1e', scale: 0.7 });

  // ----- map layers -----------------------------------------------------------------
  const trackData = () => {
    const features = [];
    if (state.status === 'track' && state.trackLine?.length > 1) {
      features.push({ type: 'Feature', properties: { role: 'track' }, geometry: { type: 'LineString', coordinates: state.trackLine } });
    }
    if (state.status === 'track') {
      state.segments.forEach((coords, i) => {
        features.push({ type: 'Feature', properties: { role: 'violation', n: i + 1 }, geometry: { type: 'LineString', coordinates: coords } });
        features.push({ type: 'Feature', properties: { role: 'entry' }, geometry: { type: 'Point', coordinates: coords[0] } });
        features.push({ type: 'Feature', properties: { role: 'exit' }, geometry: { type: 'Point', coordinates: coords.at(-1) } });
      });
    }
    return { type: 'FeatureCollection', features };
  };
  const updateMap = () => {
    if (layersReady) map.getSource(TRACK_SOURCE).setData(trackData());
  };
  const setLayerVisibility = () => {
    if (layersReady) showLayers(map, 'truckban:', state.open);
  };
  const addLayers = () => {
    map.addSource(TRACK_SOURCE, { type: 'geojson', data: EMPTY });
    const role = (...r) => ['in', ['get', 'role'], ['literal', r]];
    map.addLayer({ id: 'truckban:track', type: 'line', source: TRACK_SOURCE, filter: role('track'),
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#1c5d99', 'line-width': 3, 'line-opacity': 0.85 } });
    map.addLayer({ id: 'truckban:violations', type: 'line', source: TRACK_SOURCE, filter: role('violation'),
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#e03131', 'line-width': 6 } });
    map.addLayer({ id: 'truckban:ends', type: 'circle', source: TRACK_SOURCE, filter: role('entry', 'exit'),
      paint: { 'circle-radius': 5, 'circle-color': ['match', ['get', 'role'], 'entry', '#ffffff', '#e03131'],
        'circle-stroke-color': '#a61e1e', 'circle-stroke-width': 2 } });
    layersReady = true;
    setLayerVisibility();
    updateMap();
  };
  if (map.loaded()) addLayers();
  else map.once('load', addLayers);

  // ----- server calls ---------------------------------------------------------------
  const vehicle = () => {
    const v = state.sizeMode === 'class' ? { class: state.vehicleClass }
      : { length_mm: Math.round(Number(state.length)), total_mass_kg: Math.round(Number(state.mass)) };
    Object.assign(v, { body: state.body, energy: state.energy, purpose: state.purpose });
    if (state.plate.trim()) v.plate = state.plate.trim();
    return v;
  };
  const atText = () => `${state.at.length === 16 ? `${state.at}:00` : state.at}+08:00`;

  async function check() {
    if (!state.point) return refresh();
    if (state.sizeMode === 'measured' && !(Number(state.length) > 0 && Number(state.mass) > 0)) {
      Object.assign(state, { status: 'error', answer: null, message: t('tb_need_size') });
      return refresh();
    }
    if (!state.at) {
      Object.assign(state, { status: 'error', answer: null, message: t('tb_need_time') });
      return refresh();
    }
    const query = { lon: Number(state.point[0].toFixed(7)), lat: Number(state.point[1].toFixed(7)), at: atText(), vehicle: vehicle() };
    return request.run(async () => {
      const answer = await (await post('api/truck-ban/check', JSON.stringify(query), 'application/json')).json();
      return { status: 'result', answer };
    }, {
      loading: { track: null },
      failed: { answer: null },
      fail: (err) => `${t('tb_failed')}${colon()}${err.message}`,
      then: () => { if (phone.matches) showResult(); },
    });
  }

  async function onFile(file) {
    if (!file) return;
    let text;
    try {
      text = await file.text();
    } catch (err) {
      Object.assign(state, { status: 'error', message: `${t('file_failed')}${colon()}${err.message}` });
      return refresh();
    }
    state.fileName = file.name;
    state.trackText = text;
    state.trackFormat = /\.gpx$/i.test(file.name) ? 'gpx' : /\.(geo)?json$/i.test(file.name) ? 'geojson'
      : /\.(csv|txt)$/i.test(file.name) ? 'csv' : null;
    return runTrack();
  }

  async function runTrack() {
    if (state.trackText == null) return;
    marker.remove();
    const q = new URLSearchParams();
    if (state.trackFormat) q.set('format', state.trackFormat);
    if (state.crs === 'gcj02') q.set('crs', 'gcj02');
    const [text, crs] = [state.trackText, state.crs];
    return request.run(async () => {
      const track = await (await post(`api/truck-ban/track?${q}`, text, 'text/plain; charset=utf-8')).json();
      const toWgs = crs === 'gcj02' ? gcjToWgs : (c) => [c[0], c[1]];
      const fixes = readFixes(text).map((f) => ({ t: f.t, c: toWgs(f.c) }));
      const timed = fixes.length > 0 && fixes.every((f) => f.t != null);
      const segments = track.intervals.map((iv) => {
        const inner = timed ? fixes.filter((f) => f.t > iv.entry.t_ms && f.t < iv.exit.t_ms).map((f) => f.c) : [];
        return [[iv.entry.lon, iv.entry.lat], ...inner, [iv.exit.lon, iv.exit.lat]];
      });
      return { status: 'track', track, trackLine: fixes.map((f) => f.c), segments, straight: !timed };
    }, {
      loading: { answer: null, point: null },
      failed: { track: null },
      fail: (err) => `${t('tb_track_failed')}${colon()}${err.message}`,
      then: (ok) => {
        if (!ok) return;
        const box = coordsBox([state.trackLine, state.segments]);
        if (box) fitAboveSheet(map, box, { phone, root, maxZoom: 16 });
        if (phone.matches) showResult();
      },
    });
  }

  map.on('click', (e) => {
    if (!state.open) return;
    state.point = [e.lngLat.lng, e.lngLat.lat];
    marker.setLngLat(e.lngLat).addTo(map);
    check();
  });

  // ----- rendering ------------------------------------------------------------------
  function buildControls() {
    const field = (id, key, input) => [el('label', { for: id }, t(key)), input];
    const select = (id, values, value, labelKey, onPick) => {
      const s = el('select', { id }, values.map((v) => el('option', { value: v }, t(`${labelKey}_${v}`))));
      s.value = value;
      s.addEventListener('change', () => onPick(s.value));
      return s;
    };
    const rerun = () => { if (state.point) check(); };
    const input = (id, attrs, key, onInput) => {
      const i = el('input', { id, ...attrs, value: state[key] });
      i.addEventListener('change', () => { state[key] = i.value; onInput?.(); });
      return i;
    };
    const sizeMode = select('truck-ban-size-mode', ['measured', 'class'], state.sizeMode, 'tb_size', (v) => {
      state.sizeMode = v;
      updateControls();
      rerun();
    });
    const c = {
      length: input('truck-ban-length', { type: 'number', min: 1, step: 1, inputmode: 'numeric', placeholder: t('tb_length_ph') }, 'length', rerun),
      mass: input('truck-ban-mass', { type: 'number', min: 1, step: 1, inputmode: 'numeric', placeholder: t('tb_mass_ph') }, 'mass', rerun),
      klass: select('truck-ban-class', CLASSES, state.vehicleClass, 'tb_class', (v) => { state.vehicleClass = v; rerun(); }),
      at: input('truck-ban-at', { type: 'datetime-local', step: 60 }, 'at', rerun),
    };
    c.rowsMeasured = [...field('truck-ban-length', 'tb_length', c.length), ...field('truck-ban-mass', 'tb_mass', c.mass)];
    c.rowsClass = field('truck-ban-class', 'tb_class', c.klass);
    const file = fileButton({ id: 'truck-ban-file', accept: '.csv,.txt,.gpx,.geojson,.json', label: t('tb_upload'), onFile });
    c.fileName = el('span', { class: 'v-file-name' });
    const section = el('div', { class: 'v-controls' }, [
      el('h3', { class: 'tb-section' }, t('tb_vehicle')),
      el('div', { class: 'v-params' }, [
        ...field('truck-ban-size-mode', 'tb_size', sizeMode),
        ...c.rowsMeasured, ...c.rowsClass,
        ...field('truck-ban-body', 'tb_body', select('truck-ban-body', BODIES, state.body, 'tb_body', (v) => { state.body = v; rerun(); })),
        ...field('truck-ban-energy', 'tb_energy', select('truck-ban-energy', ENERGIES, state.energy, 'tb_energy', (v) => { state.energy = v; rerun(); })),
        ...field('truck-ban-purpose', 'tb_purpose', select('truck-ban-purpose', PURPOSES, state.purpose, 'tb_purpose', (v) => { state.purpose = v; rerun(); })),
        ...field('truck-ban-plate', 'tb_plate', input('truck-ban-plate', { type: 'text', placeholder: '晋M12345', autocomplete: 'off' }, 'plate', rerun)),
        ...field('truck-ban-at', 'tb_at', c.at),
      ]),
      el('p', { class: 'v-hint' }, t('tb_click_hint')),
      el('h3', { class: 'tb-section' }, t('tb_track')),
      el('div', { class: 'v-upload' }, [
        ...file, c.fileName,
        select('truck-ban-crs', ['wgs84', 'gcj02'], state.crs, 'tb_crs', (v) => { state.crs = v; runTrack(); }),
        el('p', { class: 'v-small muted' }, t('tb_track_hint')),
      ]),
    ]);
    return { ...c, section, result: el('div', { class: 'v-result', 'aria-live': 'polite' }) };
  }

  function updateControls() {
    const measured = state.sizeMode === 'measured';
    controls.rowsMeasured.forEach((n) => { n.hidden = !measured; });
    controls.rowsClass.forEach((n) => { n.hidden = measured; });
    controls.fileName.textContent = state.fileName ?? '';
  }

  const yesNo = (b) => t(b ? 'tb_yes' : 'tb_no');

  function decisionView() {
    const a = state.answer;
    const p = a.position ?? {};
    const notes = (a.notes ?? []).map((n) => el('li', {}, en() ? n.en : n.zh));
    return el('div', { id: 'truck-ban-result', 'data-banned': String(a.banned) }, [
      el('p', { class: 'tb-verdict' }, [
        el('span', { class: `tb-badge ${a.banned ? 'banned' : 'allowed'}` }, t(a.banned ? 'tb_banned' : 'tb_allowed')),
        illustrativeBadge(p.zone_illustrative),
      ]),
      el('p', { class: 'tb-reason' }, en() ? a.reason_en : a.reason),
      a.banned && a.penalty ? el('p', { class: 'v-warning tb-penalty' },
        `${t('penalty')}${colon()}${t('tb_penalty', a.penalty)}${a.penalty.clause ? (en() ? ` (clause ${a.penalty.clause})` : `（第${a.penalty.clause}条）`) : ''}`) : null,
      facts([
        [t('clause'), a.clause],
        [t('document'), a.document],
        [t('tb_vehicle_class'), t(`tb_class_${a.vehicle_class}`)],
        [t('tb_at'), a.at ?? atText()],
        [t('tb_in_zone'), yesNo(p.inside_zone)],
        [t('tb_on_road'), yesNo(p.on_boundary_road)],
        [t('tb_edge_distance'), p.distance_to_zone_edge_m != null ? `${p.distance_to_zone_edge_m.toFixed(0)} m` : null],
        [t('coords'), p.lon != null ? `${p.lon.toFixed(6)}, ${p.lat.toFixed(6)}` : null],
      ]),
      notes.length ? el('ul', { class: 'v-notes' }, notes) : null,
      p.boundary_road_rule ? el('p', { class: 'v-note' }, t('tb_road_rule')) : null,
    ]);
  }

  function trackView() {
    const r = state.track;
    const minutes = (ms) => (ms / 60000).toFixed(1);
    const rows = r.intervals.map((iv, i) => el('tr', {}, [
      el('td', {}, String(i + 1)),
      el('td', {}, twoLines(localTime(iv.entry.t_ms), t(`tb_cause_${iv.entered_by}`))),
      el('td', {}, twoLines(localTime(iv.exit.t_ms), t(`tb_cause_${iv.exited_by}`))),
      el('td', {}, Math.round(iv.distance_m).toLocaleString('en-US')),
      el('td', {}, minutes(iv.duration_ms)),
    ]));
    const gaps = (r.gaps ?? []).map((g) => el('li', {}, `${localTime(g.from_t_ms)} → ${localTime(g.to_t_ms)}（${g.from} → ${g.to}，${minutes(g.to_t_ms - g.from_t_ms)} ${t('tb_min')}）`));
    const problems = (r.problems ?? []).map((p) => el('li', {}, `${p.at}${colon()}${p.message}`));
    return [
      el('p', { class: 'v-summary tb-track-summary' }, [
        el('strong', {}, r.intervals.length ? t('tb_intervals', r.intervals.length) : t('tb_no_intervals')),
        illustrativeBadge(r.zone_illustrative),
      ]),
      r.intervals.length ? el('table', { class: 'price-table v-table', id: 'truck-ban-intervals' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, '#'), el('th', {}, t('tb_entry')), el('th', {}, t('tb_exit')),
          el('th', {}, t('tb_metres')), el('th', {}, t('tb_minutes'))])),
        el('tbody', {}, rows),
        el('tfoot', {}, el('tr', {}, [el('th', { colspan: 3 }, t('total')),
          el('td', {}, Math.round(r.total_violation_m).toLocaleString('en-US')), el('td', {}, minutes(r.total_violation_ms))])),
      ]) : null,
      facts([
        [t('tb_fixes'), String(r.fixes)],
        [t('tb_track_length'), r.total_distance_m != null ? `${Math.round(r.total_distance_m).toLocaleString('en-US')} m` : null],
        [t('tb_gaps'), String(gaps.length)],
        [t('tb_problems'), String(problems.length + (r.problems_omitted ?? 0))],
      ]),
      gaps.length ? [el('h4', {}, t('tb_gaps')), el('ul', { class: 'v-notes', id: 'truck-ban-gaps' }, gaps)] : null,
      problems.length ? [el('h4', {}, t('tb_problems')), el('ul', { class: 'v-notes', id: 'truck-ban-problems' }, problems),
        r.problems_omitted ? el('p', { class: 'v-note' }, t('tb_problems_omitted', r.problems_omitted)) : null] : null,
      el('p', { class: 'v-note' }, t(state.straight ? 'tb_geometry_straight' : 'tb_geometry_fixes')),
    ];
  }

  function resultView() {
    switch (state.status) {
      case 'idle':
        return el('p', { class: 'hint' }, t('tb_idle_hint'));
      case 'loading':
        return el('p', { class: 'loading' }, t('loading'));
      case 'error':
        return el('p', { class: 'warning tb-error', role: 'alert' }, state.message);
      case 'result':
        return decisionView();
      case 'track':
        return trackView();
      default:
        return null;
    }
  }

  function refresh() {
    if (!controls) {
      controls = buildControls();
      body.replaceChildren(controls.section, controls.result);
    }
    updateControls();
    controls.result.replaceChildren(...[resultView()].flat(2).filter(Boolean));
    root.dataset.state = state.status;
    updateMap();
  }

  const showResult = () => scrollToResult(body, controls.result);

  const setOpen = toolPanel({ map, root, button, layoutClass: 'truckban-open', state, onOpen, onChange, toggled: (open) => {
    setLayerVisibility();
    if (open) {
      map.getCanvas().style.cursor = 'crosshair';
      if (state.point && state.status === 'result') marker.setLngLat(state.point).addTo(map);
    } else {
      map.getCanvas().style.cursor = '';
      marker.remove();
    }
    refresh();
  } });
  refresh();

  return {
    isOpen: () => state.open,
    close: () => { if (state.open) setOpen(false); },
    render() {
      controls = null;
      refresh();
    },
    showsIllustrative: () => state.open && ((state.status === 'result' && state.answer?.position?.zone_illustrative === true)
      || (state.status === 'track' && state.track?.zone_illustrative === true)),
  };
}
