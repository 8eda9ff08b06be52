// 底图 / base map switch at the top of the layer panel: 无, the server's base maps
// (GET basemaps: archives it serves, templates it names), 天地图矢量 / 天地图影像 with the
// user's key, 自定义 (a template). The chosen base map is drawn under every data layer;
// its attribution shows in MapLibre's attribution control. The choice, the key and the
// template are kept in localStorage; `?basemap=<id or template>` overrides them once.

import { colon, getLang, paren, t } from '../../lib/i18n.js';
import { COUNTY_FILL_LAYER, countyFillOpacity } from '../../map-style.js';
import { fetchJson } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import {
  BASEMAP_PREFIX, basemapStyle, choices, cleanTiandituKey, fromUrlParam, insertBefore, readSaved,
} from './state.js';

const STORAGE_KEY = 'landtrace.basemap';

function problemText(error) {
  if (error.problem === 'gcj02') return t('bm_gcj02', error.provider);
  if (error.problem === 'not_http') return t('bm_not_http');
  if (error.problem === 'no_placeholders') return t('bm_no_placeholders');
  if (error.problem === 'tianditu_key') return t('bm_tianditu_key_needed');
  return t('bm_failed');
}

function choiceLabel(c) {
  if (c.source === 'none') return t('bm_none');
  if (c.source === 'custom') return t('bm_custom');
  if (c.source === 'tianditu') return getLang() === 'en' ? c.title.en : c.title.zh;
  if (c.source === 'archive') return `${t('bm_local')}${colon()}${c.title}${c.kind === 'vector' ? paren(t('bm_vector')) : ''}`;
  return c.title;
}

/** The switch in `root`; `param`: the page's `?basemap=` (or the build's default). */
export function basemapControl({ map, root, param }) {
  let saved = readSaved(localStorage.getItem(STORAGE_KEY));
  const fromParam = fromUrlParam(param);
  let settings = { ...saved, ...(fromParam ?? {}) };
  let list = [];
  let listError = null;
  let message = null; // { text: () => string (in the page language at each render), error }
  let loaded = false;
  let applied = 0; // the latest apply(); an older one's answer is dropped

  const save = () => {
    saved = { choice: settings.choice, tiandituKey: settings.tiandituKey, customUrl: settings.customUrl };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // storage full or off: the choice lasts for this page only
    }
  };

  function clear() {
    for (const l of map.getStyle().layers.filter((x) => x.id.startsWith(BASEMAP_PREFIX))) map.removeLayer(l.id);
    for (const id of Object.keys(map.getStyle().sources).filter((x) => x.startsWith(BASEMAP_PREFIX))) map.removeSource(id);
  }

  async function apply() {
    const run = ++applied;
    const all = choices(list);
    const choice = all.find((c) => c.id === settings.choice) ?? all[0];
    root.dataset.basemap = choice.id;
    if (!loaded) return;
    let vectorLayers = [];
    if (choice.server?.source === 'archive' && choice.server.kind === 'vector') {
      message = { text: () => t('bm_loading') };
      render();
      try {
        vectorLayers = (await fetchJson(choice.server.tilejson)).vector_layers ?? [];
      } catch (err) {
        if (run !== applied) return;
        clear();
        setState('error', { text: () => `${t('bm_failed')}${paren(err.message)}`, error: true });
        return;
      }
      if (run !== applied) return;
    }
    // 自定义 before a template is typed: nothing drawn, nothing wrong yet.
    const waiting = choice.source === 'custom' && !settings.customUrl?.trim();
    const drawn = waiting ? { sources: {}, layers: [] } : basemapStyle(choice, settings, vectorLayers);
    clear();
    if (drawn.error) {
      if (map.getLayer(COUNTY_FILL_LAYER)) map.setPaintProperty(COUNTY_FILL_LAYER, 'fill-opacity', countyFillOpacity(false));
      setState('error', { text: () => problemText(drawn.error), error: true });
      return;
    }
    const before = insertBefore(map.getStyle().layers.map((l) => l.id));
    for (const [id, spec] of Object.entries(drawn.sources)) map.addSource(id, spec);
    for (const layer of drawn.layers) map.addLayer(layer, before);
    if (map.getLayer(COUNTY_FILL_LAYER)) {
      map.setPaintProperty(COUNTY_FILL_LAYER, 'fill-opacity', countyFillOpacity(drawn.layers.length > 0));
    }
    const vector = choice.server?.kind === 'vector';
    setState(drawn.layers.length ? 'drawn' : 'none', vector ? { text: () => t('bm_generic_style') } : null);
  }

  function setState(state, msg) {
    root.dataset.state = state;
    message = msg;
    render();
  }

  function render() {
    const all = choices(list);
    const select = el('select', { id: 'basemap-select', 'aria-label': t('bm_title') },
      all.map((c) => el('option', { value: c.id, ...(c.id === settings.choice ? { selected: true } : {}) }, choiceLabel(c))));
    select.addEventListener('change', () => {
      settings.choice = select.value;
      save();
      apply();
    });
    const chosen = all.find((c) => c.id === settings.choice);
    const rows = [];
    if (chosen?.source === 'tianditu') {
      const key = el('input', { id: 'basemap-tianditu-key', type: 'text', autocomplete: 'off', spellcheck: 'false',
        value: settings.tiandituKey ?? '', placeholder: 'tk' });
      const go = el('button', { type: 'button', id: 'basemap-tianditu-apply' }, t('bm_apply'));
      go.addEventListener('click', () => {
        settings.tiandituKey = key.value.trim();
        if (cleanTiandituKey(settings.tiandituKey)) save();
        apply();
      });
      rows.push(el('label', { class: 'bm-field', for: 'basemap-tianditu-key' }, t('bm_tianditu_key')),
        el('div', { class: 'bm-row' }, [key, go]), el('p', { class: 'legend-note' }, t('bm_tianditu_key_hint')));
    }
    if (chosen?.source === 'custom') {
      const url = el('input', { id: 'basemap-url', type: 'url', autocomplete: 'off', spellcheck: 'false',
        value: settings.customUrl ?? '', placeholder: 'https://…/{z}/{x}/{y}.png' });
      const go = el('button', { type: 'button', id: 'basemap-url-apply' }, t('bm_apply'));
      go.addEventListener('click', () => {
        settings.customUrl = url.value.trim();
        save();
        apply();
      });
      rows.push(el('label', { class: 'bm-field', for: 'basemap-url' }, t('bm_custom_url')),
        el('div', { class: 'bm-row' }, [url, go]), el('p', { class: 'legend-note' }, t('bm_custom_hint')));
    }
    root.replaceChildren(...[
      el('label', { class: 'bm-title', for: 'basemap-select' }, t('bm_title')),
      select,
      ...rows,
      listError ? el('p', { class: 'bm-message error' }, `${t('bm_list_failed')}${paren(listError)}`) : null,
      message ? el('p', { id: 'basemap-message', class: `bm-message${message.error ? ' error' : ''}`, role: message.error ? 'alert' : null }, message.text()) : null,
    ].filter(Boolean));
  }

  root.dataset.state = 'none';
  render();
  fetchJson('basemaps')
    .then((r) => { list = r.basemaps ?? []; })
    .catch((err) => { listError = err.message; })
    .finally(() => {
      render();
      apply();
    });
  map.once('load', () => {
    loaded = true;
    apply();
  });
  return { render };
}
