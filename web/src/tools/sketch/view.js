// 测量 · 标绘 · 分享 · 打印 (#sketch-panel): draw points, lines (distance) and polygons
// (area in m² and 亩, perimeter) on the map, list them with their measurements, export
// them as GeoJSON or KML; copy a share link of the view; print the map (A4/A3,
// portrait/landscape) to PDF through the browser or download it as PNG. The measuring,
// the files and the layout are pure (state.js, lib/measure.js, lib/share-link.js,
// tools/print/state.js); this is the DOM and the map.
//
// For tests: `#sketch-panel[data-kind]` is the kind being drawn ('' when none), the
// list `#sketch-list` has `li[data-kind]` with `.sketch-measure`; map layers `sketch:*`.

import { t } from '../../lib/i18n.js';
import { shareUrl } from '../../lib/share-link.js';
import { todayShanghai } from '../../lib/time.js';
import { showLayers } from '../../map-style.js';
import { el } from '../../ui/dom.js';
import { download, toolPanel } from '../../ui/panel.js';
import { ORIENTATIONS, PAPERS } from '../print/state.js';
import { printSettings } from '../print/view.js';
import { KINDS, MIN_VERTICES, drawData, featureOf, initialState, liveText, measureText, sketchGeoJSON, sketchKML } from './state.js';
import { whenMapLoaded } from '../../ui/lazy-tool.js';

const SOURCE = 'sketch';
const EMPTY = { type: 'FeatureCollection', features: [] };

/**
 * The tool: `shareView()` gives `{center, zoom, layers, selected}` for the share link,
 * `printer` the printer of tools/print/view.js.
 */
export function sketchTool({ map, root, button, onOpen, onChange, shareView, printer }) {
  const body = root.querySelector('.sketch-body');
  const state = initialState();
  let ready = false;

  const update = () => {
    if (ready) map.getSource(SOURCE).setData(drawData(state));
    render();
  };
  const addLayers = () => {
    map.addSource(SOURCE, { type: 'geojson', data: EMPTY });
    const geom = (...types) => ['in', ['geometry-type'], ['literal', types]];
    map.addLayer({ id: 'sketch:fill', type: 'fill', source: SOURCE, filter: geom('Polygon'), paint: { 'fill-color': '#c2410c', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'sketch:line', type: 'line', source: SOURCE, filter: geom('Polygon', 'LineString'),
      paint: { 'line-color': '#c2410c', 'line-width': 2.5 } });
    map.addLayer({ id: 'sketch:points', type: 'circle', source: SOURCE, filter: geom('Point'),
      paint: { 'circle-radius': ['case', ['==', ['get', 'role'], 'vertex'], 4, 6], 'circle-color': '#ffffff',
        'circle-stroke-color': '#c2410c', 'circle-stroke-width': 2 } });
    ready = true;
    update();
  };
  whenMapLoaded(map, addLayers); // made on first use, usually after the map's 'load'

  const setDrawing = (on) => {
    if (on) map.doubleClickZoom.disable();
    else map.doubleClickZoom.enable();
    map.getCanvas().style.cursor = on ? 'crosshair' : '';
  };
  const start = (kind) => {
    Object.assign(state, { kind, vertices: [] });
    setDrawing(true);
    update();
  };
  const finish = () => {
    if (state.kind && state.vertices.length >= MIN_VERTICES[state.kind]) {
      state.features.push(featureOf(state.kind, state.vertices, state.next++));
    }
    Object.assign(state, { kind: null, vertices: [] });
    setDrawing(false);
    update();
  };
  map.on('click', (e) => {
    if (!state.open || !state.kind) return;
    state.vertices.push([e.lngLat.lng, e.lngLat.lat]);
    if (state.kind === 'point') finish();
    else update();
  });
  map.on('dblclick', (e) => {
    if (!state.open || !state.kind) return;
    e.preventDefault();
    // The double-click's second click added the last vertex again.
    const v = state.vertices;
    if (v.length >= 2 && v.at(-1)[0] === v.at(-2)[0] && v.at(-1)[1] === v.at(-2)[1]) v.pop();
    finish();
  });

  const btn = (id, label, onClick, attrs = {}) => {
    const b = el('button', { type: 'button', id, class: 'v-button', ...attrs }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const select = (id, options, value, onPick) => {
    const s = el('select', { id }, options.map(([v, label]) => el('option', { value: v }, label)));
    s.value = value;
    s.addEventListener('change', () => onPick(s.value));
    return s;
  };
  let shareText = '';

  function render() {
    root.dataset.kind = state.kind ?? '';
    const drawing = Boolean(state.kind);
    const tools = el('div', { class: 'v-tools' }, [
      ...KINDS.map((k) => btn(`sketch-${k}`, t(`sketch_${k}`).trim(), () => start(k), { class: `v-button ${state.kind === k ? 'primary' : ''}` })),
      btn('sketch-finish', t('sketch_finish'), finish, { disabled: !drawing || state.vertices.length < MIN_VERTICES[state.kind] }),
      btn('sketch-undo', t('sketch_undo'), () => { state.vertices.pop(); update(); }, { disabled: !drawing || !state.vertices.length }),
      btn('sketch-clear', t('sketch_clear'), () => { Object.assign(state, { features: [], kind: null, vertices: [] }); setDrawing(false); update(); },
        { disabled: !state.features.length && !drawing }),
    ]);
    const live = liveText(state);
    const list = state.features.length
      ? el('ul', { id: 'sketch-list', class: 'sketch-list' }, state.features.map((f) => {
        const del = btn('', '×', () => { state.features = state.features.filter((g) => g !== f); update(); },
          { class: 'sketch-delete', 'aria-label': t('sketch_delete'), title: t('sketch_delete') });
        del.removeAttribute('id');
        return el('li', { 'data-kind': f.properties.kind, 'data-area-m2': f.properties.area_m2 ?? '', 'data-length-m': f.properties.length_m ?? '' }, [
          el('strong', {}, f.properties.name), ' ', el('span', { class: 'sketch-measure' }, measureText(f.properties)), del,
        ]);
      }))
      : el('p', { id: 'sketch-list', class: 'hint' }, t('sketch_none'));
    const exports = el('div', { class: 'v-actions' }, [
      btn('sketch-geojson', t('sketch_geojson'), () => download(`sketch-${todayShanghai()}.geojson`,
        new Blob([JSON.stringify(sketchGeoJSON(state.features), null, 1)], { type: 'application/geo+json' })), { disabled: !state.features.length }),
      btn('sketch-kml', t('sketch_kml'), () => download(`sketch-${todayShanghai()}.kml`,
        new Blob([sketchKML(state.features)], { type: 'application/vnd.google-earth.kml+xml' })), { disabled: !state.features.length }),
    ]);
    const shareOut = el('input', { id: 'share-url', type: 'text', readonly: true, value: shareText, class: 'share-url' });
    const share = el('section', { class: 'sketch-share' }, [
      el('h3', {}, t('share_title')),
      btn('share-copy', t('share_copy'), async () => {
        shareText = shareUrl(location.href, shareView());
        history.replaceState(null, '', shareText);
        try {
          await navigator.clipboard.writeText(shareText);
          root.dataset.copied = '1';
        } catch {
          root.dataset.copied = '0';
        }
        render();
      }),
      shareText ? shareOut : null,
      el('p', { class: 'v-small muted' }, t('share_hint')),
    ]);
    const titleInput = el('input', { id: 'print-title', type: 'text', value: printSettings.title, placeholder: t('print_default_title') });
    titleInput.addEventListener('change', () => { printSettings.title = titleInput.value; });
    const dateInput = el('input', { id: 'print-data-date', type: 'date', value: printSettings.dataDate || todayShanghai() });
    dateInput.addEventListener('change', () => { printSettings.dataDate = dateInput.value; });
    const printSection = el('section', { class: 'sketch-print' }, [
      el('h3', {}, t('print')),
      el('div', { class: 'v-params' }, [
        el('label', { for: 'print-title' }, t('print_title_label')), titleInput,
        el('label', { for: 'print-paper' }, t('print_paper')),
        select('print-paper', Object.keys(PAPERS).map((p) => [p, p]), printSettings.paper, (v) => { printSettings.paper = v; }),
        el('label', { for: 'print-orientation' }, t('print_orientation')),
        select('print-orientation', ORIENTATIONS.map((o) => [o, t(`print_${o}`)]), printSettings.orientation, (v) => { printSettings.orientation = v; }),
        el('label', { for: 'print-data-date' }, t('print_data_date')), dateInput,
      ]),
      el('div', { class: 'v-actions' }, [
        btn('print-pdf', t('print_pdf'), () => printer.print({}).catch(() => {})),
        btn('print-png', t('print_png'), () => printer.png({}).catch(() => {})),
      ]),
    ]);
    body.replaceChildren(
      el('section', { class: 'sketch-draw' }, [
        tools,
        drawing ? el('p', { class: 'v-hint' }, t('sketch_hint', state.vertices.length)) : null,
        live ? el('p', { class: 'sketch-live' }, live) : null,
        list,
        exports,
        el('p', { class: 'v-small muted' }, t('sketch_method')),
      ]),
      share,
      printSection,
    );
  }

  const setOpen = toolPanel({ map, root, button, layoutClass: 'sketch-open', state, onOpen, onChange, toggled: (open) => {
    if (ready) showLayers(map, 'sketch:', open || state.features.length > 0);
    if (!open) { Object.assign(state, { kind: null, vertices: [] }); setDrawing(false); }
    update();
  } });
  render();

  return {
    isOpen: () => state.open,
    /** Whether map clicks belong to the tool (only while it draws). */
    isDrawing: () => state.open && Boolean(state.kind),
    close: () => { if (state.open) setOpen(false); },
    render,
  };
}
