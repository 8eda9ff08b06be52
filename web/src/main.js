// landtrace map client: the county's layers from the server's vector tiles, a layer
// switcher with legend, and a click panel fed by /api/locate.
//
// Every request is relative to the page (the server serves this build at `/`); no
// external basemap, fonts or glyphs are loaded unless a basemap URL is configured
// (`?basemap=<raster XYZ template>` or VITE_BASEMAP_URL at build time).

import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import { Map as MapLibreMap, Marker, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { countyBbox } from 'virtual:landtrace-data';

import { getLang, onLangChange, setLang, t, translatePage } from './i18n.js';
import { ENTRIES, renderLayerPanel } from './layer-panel.js';
import { infoPanel, setTownshipNames } from './info-panel.js';
import { CLUSTER_SOURCE, POINT_LAYER_IDS, SOURCE, buildStyle } from './map-style.js';
import { readPointLayers, readZoom } from './tile-points.js';
import { clusterCounts, townshipLabels } from './html-labels.js';
import { valuationTool } from './valuation.js';
import { truckBanTool } from './truck-ban.js';

setWorkerUrl(new URL(workerUrl, document.baseURI).href);

const ZONE_LAYERS = new Set(['county_boundaries', 'urban_grade_zones', 'collective_grade_zones', 'truck_ban_zone',
  'expropriation_areas', 'consolidation_projects']);
const phone = window.matchMedia('(max-width: 700px)');

async function fetchJson(path) {
  const res = await fetch(new URL(path, document.baseURI));
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      message = (await res.json()).error ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  return res.json();
}

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
  const notice = document.getElementById('illustrative-notice');
  const panel = infoPanel(document.getElementById('info-panel'), () => {
    clickMarker.remove();
    if (phone.matches) map.easeTo({ padding: { top: 0, left: 0, right: 0, bottom: 0 }, duration: 300 });
  });
  let valuation = null;
  let truckBan = null;
  const updateNotice = () => {
    notice.hidden = !(ENTRIES.some((e) => e.demo && visible[e.table]) || panel.showsIllustrative()
      || valuation?.showsIllustrative() || truckBan?.showsIllustrative());
  };

  const tilejsonUrl = new URL('tiles/all.json', document.baseURI).href;
  let tilejson = null;
  try {
    tilejson = absoluteTiles(await fetchJson(tilejsonUrl), tilejsonUrl);
  } catch (err) {
    showError(`${t('tiles_failed')} (tiles/all.json: ${err.message})`);
  }

  const params = new URLSearchParams(location.search);
  const basemap = params.get('basemap') || import.meta.env.VITE_BASEMAP_URL || null;
  const style = tilejson ? buildStyle(tilejson, basemap)
    : { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9ece6' } }] };

  const map = new MapLibreMap({
    container: 'map',
    style,
    bounds: countyBbox,
    fitBoundsOptions: { padding: phone.matches ? 12 : 32 },
    minZoom: 6,
    maxZoom: 18,
    attributionControl: { compact: true },
    dragRotate: false,
    pitchWithRotate: false,
  });
  window.__landtraceMap = map;
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.on('error', (e) => console.warn('map error:', e.error?.message ?? e));
  map.once('load', () => map.once('idle', () => { document.body.dataset.mapReady = '1'; }));

  const clickMarker = new Marker({ color: '#111111', scale: 0.7 });
  valuation = valuationTool({
    map,
    root: document.getElementById('valuation-panel'),
    button: document.getElementById('valuation-toggle'),
    phone,
    onOpen: () => {
      clickMarker.remove();
      truckBan?.close();
      if (phone.matches) setLayersOpen(false);
    },
    onChange: updateNotice,
  });
  const valuationButton = document.getElementById('valuation-toggle');
  truckBan = truckBanTool({
    map,
    root: document.getElementById('truck-ban-panel'),
    button: document.getElementById('truck-ban-toggle'),
    phone,
    onOpen: () => {
      clickMarker.remove();
      if (valuation.isOpen()) valuationButton.click();
      if (phone.matches) setLayersOpen(false);
    },
    onChange: updateNotice,
  });
  let showTownships = () => {};
  const showClusterCounts = clusterCounts(map);

  const applyVisibility = (table) => {
    const on = visible[table];
    for (const layer of map.getStyle()?.layers ?? []) {
      if (layer.id.startsWith(`${table}:`)) map.setLayoutProperty(layer.id, 'visibility', on ? 'visible' : 'none');
    }
    if (table === 'townships') showTownships(on);
    if (table === 'origin_points') showClusterCounts(on);
    updateNotice();
  };

  let counts = {};
  const drawLayerPanel = () => renderLayerPanel(document.getElementById('layer-list'), visible, applyVisibility, counts);
  drawLayerPanel();
  fetchJson('api/layers').then((r) => {
    counts = Object.fromEntries(r.layers.map((l) => [l.layer, l.count]));
    drawLayerPanel();
  }).catch(() => {});
  onLangChange(() => {
    drawLayerPanel();
    panel.render();
    valuation.render();
    truckBan.render();
  });
  updateNotice();

  // Origin points for clustering and township seats for labels, read from the tiles once.
  map.once('load', async () => {
    if (!tilejson) return;
    const pad = 0.02;
    const bbox = [countyBbox[0] - pad, countyBbox[1] - pad, countyBbox[2] + pad, countyBbox[3] + pad];
    try {
      const [origin, towns] = await Promise.all([
        readPointLayers(tilejson, ['origin_points'], bbox, readZoom(tilejson, 'origin_points')),
        readPointLayers(tilejson, ['townships'], bbox, readZoom(tilejson, 'townships')),
      ]);
      map.getSource(CLUSTER_SOURCE).setData(origin.origin_points);
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
    selected = hits.filter((h) => ZONE_LAYERS.has(h.layer) && h.layer !== 'county_boundaries' && map.getSource(SOURCE))
      .map((h) => ({ source: SOURCE, sourceLayer: h.layer, id: h.id }));
    for (const key of selected) map.setFeatureState(key, { selected: true });
  };

  const existing = (ids) => ids.filter((id) => map.getLayer(id));
  for (const id of ['origin_points:clusters', ...POINT_LAYER_IDS]) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }

  let lookup = 0;
  map.on('click', async (e) => {
    if (valuation.isOpen() || truckBan.isOpen()) return; // clicks belong to an open tool
    const clusters = map.queryRenderedFeatures(e.point, { layers: existing(['origin_points:clusters']) });
    if (clusters.length) {
      const zoom = await map.getSource(CLUSTER_SOURCE).getClusterExpansionZoom(clusters[0].properties.cluster_id);
      map.easeTo({ center: clusters[0].geometry.coordinates, zoom: Math.max(zoom, map.getZoom() + 1) });
      return;
    }
    const r = phone.matches ? 12 : 7;
    const box = [[e.point.x - r, e.point.y - r], [e.point.x + r, e.point.y + r]];
    const seen = new Set();
    const points = map.queryRenderedFeatures(box, { layers: existing(POINT_LAYER_IDS) })
      .map((f) => ({ layer: f.sourceLayer || 'origin_points', id: f.id, properties: f.properties }))
      .filter((p) => {
        const key = `${p.layer}/${p.id ?? JSON.stringify(p.properties)}`;
        return seen.has(key) ? false : seen.add(key);
      });
    clickMarker.setLngLat(e.lngLat).addTo(map);
    panel.show(e.lngLat);
    if (phone.matches) setLayersOpen(false);
    const mine = ++lookup;
    try {
      const { lng, lat } = e.lngLat;
      const result = await fetchJson(`api/locate?lon=${lng.toFixed(7)}&lat=${lat.toFixed(7)}`);
      if (mine !== lookup) return;
      panel.result(result, points);
      select(result.hits);
      if (result.hits.some((h) => h.layer === 'expropriation_areas')) {
        panel.timeline({ state: 'loading' });
        fetchJson(`api/land/expropriation?lon=${lng.toFixed(7)}&lat=${lat.toFixed(7)}`)
          .then((data) => { if (mine === lookup) panel.timeline({ state: 'ok', data }); })
          .catch((err) => { if (mine === lookup) panel.timeline({ state: 'error', message: err.message }); });
      }
      if (phone.matches) {
        // Keep the clicked point visible above the bottom sheet.
        const sheet = document.getElementById('info-panel').getBoundingClientRect().height;
        map.easeTo({ center: e.lngLat, padding: { top: 0, left: 0, right: 0, bottom: sheet }, duration: 300 });
      }
    } catch (err) {
      if (mine === lookup) panel.error(err.message);
    }
    updateNotice();
  });
}

main();
