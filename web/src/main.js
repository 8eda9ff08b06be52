// landtrace map client: the county's layers from the server's vector tiles, a layer
// switcher with legend, the origin points (from api/trace/records, filtered), staff
// sign-in, and a click panel fed by /api/locate, the origin-point records and the
// sponge-city projects' runoff control.
//
// Every request is relative to the page (the server serves this build at `/`); no
// external fonts or glyphs are loaded, and no external base map unless one is chosen
// in the 底图 switch (tools/basemap) or given as `?basemap=<id or XYZ template>` (or
// VITE_BASEMAP_URL at build time).

import { Map as MapLibreMap, Marker, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { countyAdcode, countyBbox } from 'virtual:landtrace-data';

import { getLang, onLangChange, setLang, setUserLayerTitles, t } from './lib/i18n.js';
import { fetchJson } from './ui/api.js';
import { translatePage } from './ui/dom.js';
import { ENTRIES, renderLayerPanel } from './layer-panel.js';
import { infoPanel, setTownshipNames } from './info-panel.js';
import {
  CLUSTER_SOURCE, SOURCE, buildStyle, pointLayerIds, showLayers, userLayerColor, userLayerStyle, userLayersOf, userSource,
} from './map-style.js';
import { readAreaAnchors, readPointLayers, readZoom } from './tile-points.js';
import { areaLabels, clusterCounts, townshipLabels } from './html-labels.js';
import { mayWrite, onAuthChange } from './tools/auth/state.js';
import { TABLE as TRACE_TABLE } from './tools/trace/state.js';
import { REGISTER_LAYER, progressLabel } from './tools/expropriation/state.js';
import { authControl } from './tools/auth/view.js';
import { originPoints } from './tools/origin-points/view.js';
import { printTool } from './tools/print/view.js';
import { sketchTool } from './tools/sketch/view.js';
import { decodeShare } from './lib/share-link.js';
import { lazyTool, prefetchTools, trackMapLoad } from './ui/lazy-tool.js';
import { basemapControl } from './tools/basemap/view.js';
import { searchBox } from './tools/search/view.js';
import { usersTool } from './tools/users/view.js';
import { registerTool } from './tools/register/view.js';
import { layersFromSearch } from './dashboard/links.js';
import { registerServiceWorker } from './tools/offline/view.js';

// The PWA's service worker: the page opens offline (issue 16).
registerServiceWorker();

setWorkerUrl(new URL(workerUrl, document.baseURI).href);

const ZONE_LAYERS = new Set(['county_boundaries', 'urban_grade_zones', 'collective_grade_zones', 'truck_ban_zone',
  'expropriation_areas', 'consolidation_projects', 'sponge_projects']);
/** Sponge-project names are labelled from this zoom on. */
const PROJECT_LABEL_ZOOM = 13;
const phone = window.matchMedia('(max-width: 700px)');

/** Tile URLs may be relative to the TileJSON; keep the {z}/{x}/{y} placeholders unescaped. */
function absoluteTiles(tilejson, base) {
  const tiles = tilejson.tiles.map((u) => (/^https?:/.test(u) ? u
    : new URL(u, base).href.replaceAll('%7B', '{').replaceAll('%7D', '}')));
  return { ...tilejson, tiles };
}

function showError(message) {
  const bar = document.getElementById('error-bar');
  bar.textContent = message;
  bar.hidden = false;
}

async function main() {
  translatePage();
  onLangChange(translatePage); // first: the page's own text, then every panel (below)
  const langButton = document.getElementById('lang-toggle');
  langButton.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));

  const layerPanel = document.getElementById('layer-panel');
  const layersButton = document.getElementById('layers-toggle');
  const setLayersOpen = (open) => {
    layerPanel.classList.toggle('open', open);
    layersButton.setAttribute('aria-expanded', String(open));
  };
  setLayersOpen(!phone.matches);
  layersButton.addEventListener('click', () => setLayersOpen(!layerPanel.classList.contains('open')));

  const visible = Object.fromEntries(ENTRIES.map((e) => [e.table, true]));
  const shared = decodeShare(location.hash); // a share link: view, visible layers, selected place
  if (shared.layers) for (const e of ENTRIES) visible[e.table] = shared.layers.includes(e.table);
  // ?layers=a,b (links from the dashboard): only those layers shown at first.
  const onlyLayers = layersFromSearch(location.search, ENTRIES.map((e) => e.table));
  if (onlyLayers) for (const table of Object.keys(visible)) visible[table] = onlyLayers.includes(table);
  const notice = document.getElementById('illustrative-notice');
  const panel = infoPanel(document.getElementById('info-panel'), () => {
    clickMarker.remove();
    if (phone.matches) map.easeTo({ padding: { top: 0, left: 0, right: 0, bottom: 0 }, duration: 300 });
  });
  let valuation = null;
  let truckBan = null;
  let trace = null;
  let importer = null;
  let sketch = null;
  const updateNotice = () => {
    notice.hidden = !(ENTRIES.some((e) => e.demo && visible[e.table]) || panel.showsIllustrative()
      || valuation?.showsIllustrative() || truckBan?.showsIllustrative() || trace?.showsIllustrative());
  };

  const tilejsonUrl = new URL('tiles/all.json', document.baseURI).href;
  let tilejson = null;
  try {
    tilejson = absoluteTiles(await fetchJson(tilejsonUrl), tilejsonUrl);
  } catch (err) {
    showError(`${t('tiles_failed')} (tiles/all.json: ${err.message})`);
  }

  const params = new URLSearchParams(location.search);
  // The base map is the 底图 switch's (tools/basemap), drawn once the style has loaded.
  const style = tilejson ? buildStyle(tilejson, null, countyAdcode)
    : { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9ece6' } }] };

  const map = new MapLibreMap({
    container: 'map',
    style,
    ...(shared.center ? { center: shared.center, zoom: shared.zoom } : { bounds: countyBbox }),
    fitBoundsOptions: { padding: phone.matches ? 12 : 32 },
    minZoom: 6,
    maxZoom: 18,
    attributionControl: { compact: true },
    dragRotate: false,
    pitchWithRotate: false,
  });
  window.__landtraceMap = map;
  trackMapLoad(map); // tools made later add their layers at once (whenMapLoaded)
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.on('error', (e) => console.warn('map error:', e.error?.message ?? e));
  const basemap = basemapControl({ map, root: document.getElementById('basemap-control'),
    param: params.get('basemap') || import.meta.env.VITE_BASEMAP_URL || null });
  // After the map's first drawing: the tools' code, fetched in idle time, then ready for tests.
  map.once('load', () => map.once('idle', () => {
    prefetchTools([valuation, truckBan, trace, importer]).then(() => { document.body.dataset.mapReady = '1'; });
  }));

  const clickMarker = new Marker({ color: '#111111', scale: 0.7 });
  /**
   * What every tool gets: its panel `#<name>-panel` and button `#<name>-toggle`; when it
   * opens, the other tools close, the click marker goes, and on a phone the layer sheet.
   */
  const toolOptions = (name, self) => ({
    map,
    root: document.getElementById(`${name}-panel`),
    button: document.getElementById(`${name}-toggle`),
    phone,
    onOpen: () => {
      clickMarker.remove();
      for (const tool of [valuation, truckBan, trace, importer, sketch]) if (tool && tool !== self()) tool.close();
      if (phone.matches) setLayersOpen(false);
    },
    onChange: updateNotice,
  });
  const printer = printTool({
    map,
    legend: () => ENTRIES.filter((e) => visible[e.table])
      .map((e) => ({ table: e.table, nodes: [e.legend()].flat(2).filter((n) => n && n.tagName !== 'DETAILS') })),
    illustrative: () => !notice.hidden,
    source: () => tilejson?.attribution,
  });
  // Each tool's code is loaded when its button is first clicked (ui/lazy-tool.js).
  const lazy = (name, importer, make) => lazyTool(document.getElementById(`${name}-toggle`), importer, make,
    { onError: (err) => showError(`${t('tool_load_failed')} (${err.message})`) });
  valuation = lazy('valuation', () => import('./tools/valuation/view.js'),
    (m) => m.valuationTool(toolOptions('valuation', () => valuation)));
  truckBan = lazy('truck-ban', () => import('./tools/truck-ban/view.js'),
    (m) => m.truckBanTool(toolOptions('truck-ban', () => truckBan)));
  let showTownships = () => {};
  let showProjectLabels = () => {};
  let showProgressLabels = () => {};
  const showClusterCounts = clusterCounts(map);
  const auth = authControl({ button: document.getElementById('auth-toggle'), root: document.getElementById('auth-panel') });
  const origins = originPoints({ map, root: document.getElementById('origin-filter') });
  trace = lazy('trace', () => import('./tools/trace/view.js'), (m) => m.traceTool({
    ...toolOptions('trace', () => trace),
    // After a write: the points again, and the open lookup without a deleted record.
    onRecordsChanged: ({ deletedId } = {}) => {
      origins.reload();
      if (last && deletedId != null) {
        last.points = last.points.filter((p) => !(p.layer === 'origin_points' && String(p.id) === String(deletedId)));
      }
      if (last && document.getElementById('info-panel').dataset.state !== 'hint') lookUp(last.lngLat, last.points, last.projects);
    },
    signIn: () => auth.open(),
  }));

  importer = lazy('import', () => import('./tools/import/view.js'), (m) => m.importTool({
    ...toolOptions('import', () => importer),
    // The layer list again (counts, new layers) and the imported layer's tiles.
    onImported: (table) => refreshLayers([table]),
    signIn: () => auth.open(),
  }));

  // Not lazy: imported with print/view.js, which the info panel needs at start (a lazy
  // chunk of it failed with a TDZ error in the bundle's evaluation order).
  sketch = sketchTool({
    ...toolOptions('sketch', () => sketch),
    printer,
    shareView: () => ({ center: map.getCenter().toArray(), zoom: map.getZoom(), layers: Object.keys(visible).filter((k) => visible[k]),
      selected: last && document.getElementById('info-panel').dataset.state !== 'hint' ? [last.lngLat.lng, last.lngLat.lat] : null }),
  });

  // 用户管理 (admins) and the 登记 forms (the roles that write passes, households, sponge projects).
  const users = usersTool({ button: document.getElementById('users-toggle'), root: document.getElementById('users-panel') });
  const register = registerTool({ button: document.getElementById('register-toggle'), root: document.getElementById('register-panel'),
    map, onWritten: (table) => refreshLayers([table]) });

  const applyVisibility = (table) => {
    const on = visible[table];
    showLayers(map, `${table}:`, on);
    if (table === 'townships') showTownships(on);
    if (table === 'origin_points') showClusterCounts(on);
    if (table === 'sponge_projects') showProjectLabels(on);
    if (table === 'expropriation_areas') showProgressLabels(on);
    updateNotice();
  };

  let counts = {};
  let userLayers = []; // the user-defined layers of api/layers
  const drawLayerPanel = () => renderLayerPanel(document.getElementById('layer-list'), visible, applyVisibility, counts, userLayers);
  drawLayerPanel();
  if (onlyLayers) map.once('load', () => ENTRIES.forEach((e) => applyVisibility(e.table)));

  /**
   * Draws the user-defined layers that have a tile set and are not drawn yet (each its
   * own source, below the point layers), and reloads the tiles of the tables in
   * `reload` (after an import into them).
   */
  function drawUserLayers(reload) {
    // Not `map.isStyleLoaded()`: it is false while any tile loads, long after 'load'.
    if (!mapLoaded) return; // drawn on 'load' (below), from the list known then
    const below = map.getLayer('county_boundaries:line-neighbours') ? 'county_boundaries:line-neighbours' : undefined;
    for (const layer of userLayers) {
      const url = new URL(layer.tiles?.tilejson?.replace(/^\//, '') ?? '', document.baseURI).href;
      const drawn = userLayerStyle(layer, userLayerColor(userLayers, layer.layer), url);
      if (!drawn) continue;
      const source = map.getSource(drawn.source.id);
      if (!source) {
        map.addSource(drawn.source.id, drawn.source.spec);
        for (const l of drawn.layers) map.addLayer(l, below);
        for (const id of drawn.layers.filter((l) => l.id.endsWith(':points')).map((l) => l.id)) {
          map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
          map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
        }
        applyVisibility(layer.layer);
      } else if (reload.includes(layer.layer)) {
        source.setUrl(url); // the TileJSON again, and every tile of the layer
      }
    }
    // A built-in layer's tiles come from the one source of tiles/all.json.
    if (tilejson && reload.some((table) => !userLayers.some((l) => l.layer === table))) {
      map.getSource(SOURCE)?.setTiles(tilejson.tiles);
    }
  }

  /** The layer list (counts, user-defined layers) again; `reload`: tables whose tiles changed. */
  function refreshLayers(reload = []) {
    return fetchJson('api/layers').then((r) => {
      counts = Object.fromEntries(r.layers.map((l) => [l.layer, l.count]));
      userLayers = userLayersOf(r.layers);
      setUserLayerTitles(userLayers);
      drawLayerPanel();
      drawUserLayers(reload.filter(Boolean));
    }).catch((err) => console.warn('could not read the layer list:', err));
  }
  let mapLoaded = false;
  map.once('load', () => {
    mapLoaded = true;
    drawUserLayers([]);
  });
  window.__landtraceRefreshLayers = refreshLayers;
  refreshLayers();
  onLangChange(() => {
    origins.render();
    drawLayerPanel();
    auth.render();
    panel.render();
    valuation.render();
    truckBan.render();
    trace.render();
    importer.render();
    sketch.render();
    basemap.render();
    users.render();
    register.render();
  });
  updateNotice();

  // Township seats and sponge-project names for labels, read from the tiles once.
  map.once('load', async () => {
    if (!tilejson) return;
    const pad = 0.02;
    const bbox = [countyBbox[0] - pad, countyBbox[1] - pad, countyBbox[2] + pad, countyBbox[3] + pad];
    if ((tilejson.vector_layers ?? []).some((l) => l.id === 'sponge_projects')) {
      readAreaAnchors(tilejson, 'sponge_projects', bbox, readZoom(tilejson, 'sponge_projects')).then((anchors) => {
        showProjectLabels = areaLabels(map, anchors, PROJECT_LABEL_ZOOM, 'project-label');
        showProjectLabels(visible.sponge_projects);
      }).catch((err) => console.warn('could not read the sponge projects from the tiles:', err));
    }
    // The signing progress of each expropriation area (counts only) as a label on the map.
    if ((tilejson.vector_layers ?? []).some((l) => l.id === 'expropriation_areas')) {
      Promise.all([readAreaAnchors(tilejson, 'expropriation_areas', bbox, readZoom(tilejson, 'expropriation_areas')),
        fetchJson('api/expropriation/progress')]).then(([anchors, answer]) => {
        const labelled = anchors.map((a) => ({ ...a, properties: { name: progressLabel(answer.progress, a.properties.decision_no) } }));
        showProgressLabels = areaLabels(map, labelled, PROJECT_LABEL_ZOOM, 'project-label progress-label');
        showProgressLabels(visible.expropriation_areas);
      }).catch((err) => console.warn('could not read the expropriation progress:', err));
    }
    try {
      const towns = await readPointLayers(tilejson, ['townships'], bbox, readZoom(tilejson, 'townships'));
      showTownships = townshipLabels(map, towns.townships);
      setTownshipNames(Object.fromEntries(towns.townships.features.map((f) => [f.properties.code, f.properties.name])));
      panel.render();
      showTownships(visible.townships);
    } catch (err) {
      console.warn('could not read point layers from the tiles:', err);
    }
  });

  // Selection outline on the zones /api/locate found.
  let selected = [];
  const select = (hits) => {
    for (const key of selected) map.removeFeatureState(key, 'selected');
    const sourceOf = (h) => (h.user_defined ? userSource(h.layer) : SOURCE);
    selected = hits.filter((h) => (ZONE_LAYERS.has(h.layer) || h.user_defined) && h.layer !== 'county_boundaries'
      && map.getSource(sourceOf(h)))
      .map((h) => ({ source: sourceOf(h), sourceLayer: h.layer, id: h.id }));
    for (const key of selected) map.setFeatureState(key, { selected: true });
  };

  const existing = (ids) => ids.filter((id) => map.getLayer(id));
  for (const id of ['origin_points:clusters', ...pointLayerIds()]) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }

  /** Record of an origin point (full fields when the signed-in user may see them). */
  const fetchRecord = (id) => fetchJson(`api/trace/records/${encodeURIComponent(id)}?as_of=${origins.asOf()}`)
    .then((data) => ({ state: 'ok', data }), (err) => ({ state: 'error', message: err.message }));

  let lookup = 0;
  let last = null; // the last lookup, redone after a sign-in or sign-out
  async function lookUp(lngLat, points, projects) {
    last = { lngLat, points, projects };
    panel.show(lngLat);
    const mine = ++lookup;
    try {
      const { lng, lat } = lngLat;
      const [result, ...records] = await Promise.all([
        fetchJson(`api/locate?lon=${lng.toFixed(7)}&lat=${lat.toFixed(7)}`),
        ...points.map((p) => (p.layer === 'origin_points' && p.id != null ? fetchRecord(p.id) : null)),
      ]);
      if (mine !== lookup) return;
      // Sponge projects drawn under the click that the lookup did not name (e.g. an
      // outline without a zone index entry) are added from the tile features.
      for (const f of projects) {
        if (!result.hits.some((h) => h.layer === 'sponge_projects' && h.id === f.id)) {
          result.hits.push({ layer: 'sponge_projects', id: f.id, illustrative: f.properties.accuracy === 'illustrative', properties: f.properties });
        }
      }
      panel.result(result, points.map((p, i) => (records[i] ? { ...p, record: records[i] } : p)));
      select(result.hits);
      if (result.hits.some((h) => h.layer === 'expropriation_areas')) {
        panel.timeline({ state: 'loading' });
        fetchJson(`api/land/expropriation?lon=${lng.toFixed(7)}&lat=${lat.toFixed(7)}`)
          .then((data) => { if (mine === lookup) panel.timeline({ state: 'ok', data }); })
          .catch((err) => { if (mine === lookup) panel.timeline({ state: 'error', message: err.message }); });
        // The household register of the project, for the role that keeps it (the server decides).
        const decision = result.hits.find((h) => h.layer === 'expropriation_areas')?.properties?.decision_no
          ?? result.hits.find((h) => h.layer === 'expropriation_areas')?.details?.decision_no;
        if (decision && mayWrite(REGISTER_LAYER)) {
          panel.register({ state: 'loading' });
          fetchJson(`api/expropriation/households?decision_no=${encodeURIComponent(decision)}`)
            .then((data) => { if (mine === lookup) panel.register({ state: 'ok', data }); })
            .catch((err) => { if (mine === lookup) panel.register({ state: 'error', message: err.message }); });
        }
      }
      for (const hit of result.hits.filter((h) => h.layer === 'sponge_projects' && h.id != null)) {
        panel.runoff(hit.id, { state: 'loading' });
        fetchJson(`api/sponge/projects/${encodeURIComponent(hit.id)}/runoff`)
          .then((data) => { if (mine === lookup) panel.runoff(hit.id, { state: 'ok', data }); })
          .catch((err) => { if (mine === lookup) panel.runoff(hit.id, { state: 'error', message: err.message }); });
      }
      for (const hit of result.hits.filter((h) => h.layer === 'consolidation_projects' && h.id != null)) {
        panel.consolidation(hit.id, { state: 'loading' });
        fetchJson(`api/land/consolidation/projects/${encodeURIComponent(hit.id)}`)
          .then((data) => { if (mine === lookup) panel.consolidation(hit.id, { state: 'ok', data }); })
          .catch((err) => { if (mine === lookup) panel.consolidation(hit.id, { state: 'error', message: err.message }); });
      }
      if (phone.matches) {
        // Keep the clicked point visible above the bottom sheet.
        const sheet = document.getElementById('info-panel').getBoundingClientRect().height;
        map.easeTo({ center: lngLat, padding: { top: 0, left: 0, right: 0, bottom: sheet }, duration: 300 });
      }
    } catch (err) {
      if (mine === lookup) panel.error(err.message);
    }
    updateNotice();
  }

  // 搜索: a chosen result opens the click panel at its point (with its own card).
  const search = searchBox({ map, root: document.getElementById('search'), phone,
    openAt: async (lngLat, points) => {
      clickMarker.setLngLat(lngLat).addTo(map);
      await lookUp(lngLat, points, []);
      // The found feature's own card (a pass, a producer, a village) into view.
      if (points.length) document.querySelector('#info-panel .hit.point')?.scrollIntoView({ block: 'nearest' });
    } });
  onLangChange(() => search.render());

  onAuthChange(() => {
    origins.reload();
    // An editor's record cards carry the trace tool's 编辑 / 删除 buttons: load it, then
    // show the open card again with them.
    if (mayWrite(TRACE_TABLE) && !trace.loaded) {
      trace.load().then(() => {
        if (last && document.getElementById('info-panel').dataset.state !== 'hint') lookUp(last.lngLat, last.points, last.projects);
      }, (err) => console.warn('could not load the trace tool:', err));
    }
    refreshLayers(); // layers that are not public are listed to their bureau only
    if (last && document.getElementById('info-panel').dataset.state !== 'hint') {
      lookUp(last.lngLat, last.points, last.projects);
    }
  });

  map.on('click', async (e) => {
    if (valuation.isOpen() || truckBan.isOpen() || trace.isOpen() || importer.isOpen() || sketch.isDrawing() || register.isPicking()) return; // clicks belong to an open tool
    const clusters = map.queryRenderedFeatures(e.point, { layers: existing(['origin_points:clusters']) });
    if (clusters.length) {
      const zoom = await map.getSource(CLUSTER_SOURCE).getClusterExpansionZoom(clusters[0].properties.cluster_id);
      map.easeTo({ center: clusters[0].geometry.coordinates, zoom: Math.max(zoom, map.getZoom() + 1) });
      return;
    }
    const r = phone.matches ? 12 : 7;
    const box = [[e.point.x - r, e.point.y - r], [e.point.x + r, e.point.y + r]];
    const seen = new Set();
    const points = map.queryRenderedFeatures(box, { layers: existing(pointLayerIds(userLayers)) })
      .map((f) => ({ layer: f.sourceLayer || f.layer.id.split(':')[0], id: f.id ?? f.properties.fid, properties: f.properties }))
      .filter((p) => {
        const key = `${p.layer}/${p.id ?? JSON.stringify(p.properties)}`;
        return seen.has(key) ? false : seen.add(key);
      })
      .slice(0, 8);
    const projects = map.queryRenderedFeatures(e.point, { layers: existing(['sponge_projects:fill']) })
      .filter((f, i, all) => f.id != null && all.findIndex((g) => g.id === f.id) === i)
      .map((f) => ({ id: f.id, properties: { ...f.properties } }));
    clickMarker.setLngLat(e.lngLat).addTo(map);
    if (phone.matches) setLayersOpen(false);
    lookUp(e.lngLat, points, projects);
  });

  // A share link's hidden layers, and its selected place: looked up once the map is ready, as a click there.
  map.once('load', () => { for (const e of ENTRIES) if (!visible[e.table]) applyVisibility(e.table); });
  if (shared.selected) {
    map.once('load', () => {
      const lngLat = { lng: shared.selected[0], lat: shared.selected[1] };
      clickMarker.setLngLat(lngLat).addTo(map);
      lookUp(lngLat, [], []);
    });
  }
}

main();
