// 货车禁行 / truck ban (#truck-ban-panel): describe a vehicle and a time, click the map
// and show the server's decision (POST api/truck-ban/check): 禁行/允许, reason, clause
// of 临政发〔2023〕5号, penalty and the position facts. Or upload a GPS track (CSV, GPX,
// GeoJSON; WGS84 or GCJ-02) checked by POST api/truck-ban/track: the track is drawn as
// a line, the violation intervals highlighted and listed. The requests, the reading of
// the answers and of the track's fixes are in state.js; this is the DOM and the map.
//
// For tests: `#truck-ban-panel[data-state]` is `idle | loading | result | track |
// error`; the result is `#truck-ban-result[data-banned]`, interval rows are
// `#truck-ban-intervals tbody tr`; map layers `truckban:track`, `truckban:violations`.

import { Marker } from 'maplibre-gl';
import { coordsBox } from '../../lib/geo.js';
import { labelled, t } from '../../lib/i18n.js';
import { latestRequest } from '../../lib/latest-request.js';
import { nowShanghai } from '../../lib/time.js';
import { showLayers } from '../../map-style.js';
import { post } from '../../ui/api.js';
import { el, facts } from '../../ui/dom.js';
import { printButton } from '../print/view.js';
import { whenMapLoaded } from '../../ui/lazy-tool.js';
import { fileButton, fitAboveSheet, illustrativeBadge, scrollToResult, toolPanel, twoLines } from '../../ui/panel.js';
import {
  BODIES, CLASSES, ENERGIES, PURPOSES, atText, checkRequest, decisionModel, initialState, showsIllustrative, trackData,
  trackFile, trackGeometry, trackModel, trackQuery,
} from './state.js';

const TRACK_SOURCE = 'truckban-track';
const EMPTY = { type: 'FeatureCollection', features: [] };

/**
 * The tool. `button` opens and closes `root`; `onOpen()` runs when it opens and
 * `onChange()` after every answer (for the illustrative-data notice).
 */
export function truckBanTool({ map, root, button, phone, onOpen, onChange }) {
  const body = root.querySelector('.truck-ban-body');
  const state = initialState(nowShanghai());
  const request = latestRequest({ state, refresh, onChange });
  let controls = null;
  let layersReady = false;
  const marker = new Marker({ color: '#a61e1e', scale: 0.7 });

  // ----- map layers -----------------------------------------------------------------
  const updateMap = () => {
    if (layersReady) map.getSource(TRACK_SOURCE).setData(trackData(state));
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
  whenMapLoaded(map, addLayers);

  // ----- server calls ---------------------------------------------------------------
  async function check() {
    if (!state.point) return refresh();
    const { error, body: query } = checkRequest(state);
    if (error) {
      Object.assign(state, { status: 'error', answer: null, message: t(error) });
      return refresh();
    }
    return request.run(async () => {
      const answer = await (await post('api/truck-ban/check', JSON.stringify(query), 'application/json')).json();
      return { status: 'result', answer };
    }, {
      loading: { track: null },
      failed: { answer: null },
      fail: (err) => labelled('tb_failed', err.message),
      then: () => { if (phone.matches) showResult(); },
    });
  }

  async function onFile(file) {
    if (!file) return;
    let text;
    try {
      text = await file.text();
    } catch (err) {
      Object.assign(state, { status: 'error', message: labelled('file_failed', err.message) });
      return refresh();
    }
    Object.assign(state, trackFile(file.name, text));
    return runTrack();
  }

  async function runTrack() {
    if (state.trackText == null) return;
    marker.remove();
    const [text, format, crs] = [state.trackText, state.trackFormat, state.crs];
    return request.run(async () => {
      const track = await (await post(`api/truck-ban/track?${trackQuery(state)}`, text, 'text/plain; charset=utf-8')).json();
      return { status: 'track', track, ...trackGeometry(track, text, { format, crs }) };
    }, {
      loading: { answer: null, point: null },
      failed: { track: null },
      fail: (err) => labelled('tb_track_failed', err.message),
      then: (ok) => {
        if (!ok) return;
        const box = coordsBox([state.trackLine, state.segments]);
        if (box) fitAboveSheet(map, box, { phone, root, maxZoom: 16 });
        if (phone.matches) showResult();
      },
    });
  }

  /** The track report as a file (CSV, XLSX) or a printable page (HTML, opened in a new window). */
  async function downloadReport(f) {
    if (state.trackText == null) return;
    const win = f === 'html' ? window.open('', '_blank') : null;
    try {
      const res = await post(`api/truck-ban/track?${trackQuery(state, f)}`, state.trackText, 'text/plain; charset=utf-8');
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      if (win) {
        win.location.href = url;
      } else {
        const a = el('a', { href: url, download: `truck-ban-track.${f}` });
        document.body.append(a);
        a.click();
        a.remove();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      if (win) win.close();
      Object.assign(state, { status: 'error', message: labelled('tb_track_failed', err.message) });
      refresh();
    }
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

  function decisionView() {
    const m = decisionModel(state.answer, atText(state));
    return el('div', { id: 'truck-ban-result', 'data-banned': String(m.banned) }, [
      el('p', { class: 'tb-verdict' }, [
        el('span', { class: `tb-badge ${m.banned ? 'banned' : 'allowed'}` }, t(m.banned ? 'tb_banned' : 'tb_allowed')),
        illustrativeBadge(m.illustrative),
      ]),
      el('p', { class: 'tb-reason' }, m.reason),
      m.penalty ? el('p', { class: 'v-warning tb-penalty' }, m.penalty) : null,
      facts(m.facts),
      m.notes.length ? el('ul', { class: 'v-notes' }, m.notes.map((n) => el('li', {}, n))) : null,
      m.roadRule ? el('p', { class: 'v-note' }, t('tb_road_rule')) : null,
    ]);
  }

  function trackView() {
    const m = trackModel(state.track);
    const rows = m.intervals.map((iv, i) => el('tr', { title: iv.reason ?? '' }, [
      el('td', {}, String(i + 1)),
      el('td', {}, twoLines(iv.entry, iv.entryCause)),
      el('td', {}, twoLines(iv.exit, iv.exitCause)),
      el('td', {}, iv.metres),
      el('td', {}, iv.minutes),
    ]));
    const report = (f, key) => el('button', { type: 'button', class: 'btn-small', 'data-report': f, onclick: () => downloadReport(f) }, t(key));
    return [
      el('p', { class: 'v-summary tb-track-summary' }, [el('strong', {}, m.summary), illustrativeBadge(m.illustrative)]),
      m.notes.length ? el('ul', { class: 'v-notes', id: 'truck-ban-track-notes' }, m.notes.map((n) => el('li', {}, n))) : null,
      m.allowed.length ? [el('h4', {}, t('tb_allowed_stays')), el('ul', { class: 'v-notes', id: 'truck-ban-allowed' }, m.allowed.map((a) => el('li', {}, a)))] : null,
      el('p', { class: 'tb-reports' }, [report('csv', 'tb_report_csv'), ' ', report('xlsx', 'tb_report_xlsx'), ' ', report('html', 'tb_report_print')]),
      rows.length ? el('table', { class: 'price-table v-table', id: 'truck-ban-intervals' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, '#'), el('th', {}, t('tb_entry')), el('th', {}, t('tb_exit')),
          el('th', {}, t('tb_metres')), el('th', {}, t('tb_minutes'))])),
        el('tbody', {}, rows),
        el('tfoot', {}, el('tr', {}, [el('th', { colspan: 3 }, t('total')), el('td', {}, m.totalMetres), el('td', {}, m.totalMinutes)])),
      ]) : null,
      facts(m.facts),
      m.gaps.length ? [el('h4', {}, t('tb_gaps')), el('ul', { class: 'v-notes', id: 'truck-ban-gaps' }, m.gaps.map((g) => el('li', {}, g)))] : null,
      m.problems.length ? [el('h4', {}, t('tb_problems')), el('ul', { class: 'v-notes', id: 'truck-ban-problems' }, m.problems.map((p) => el('li', {}, p))),
        m.problemsOmitted ? el('p', { class: 'v-note' }, t('tb_problems_omitted', m.problemsOmitted)) : null] : null,
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
    const view = [resultView()].flat(2).filter(Boolean);
    if (state.status === 'result' || state.status === 'track') {
      view.push(printButton({ id: 'truck-ban-print', title: () => t('truck_ban_title'), content: () => [...controls.result.childNodes],
        points: () => (state.status === 'result' && state.point ? [state.point] : null) }));
    }
    controls.result.replaceChildren(...view);
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
    showsIllustrative: () => showsIllustrative(state),
  };
}
