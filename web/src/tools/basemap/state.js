// 底图 / base map: the choices (none, the server's base maps of `basemaps`, the 天地图
// presets with the user's own key, a custom XYZ/WMTS template), the check of a template
// (GCJ-02 providers refused: their tiles are hundreds of metres off the WGS84 data), and
// the MapLibre sources and layers a choice draws, under every data layer. Pure.
//
// The host list and the 天地图 URLs are the server's (crates/tiles/src/basemap.rs); the
// unit tests of both read the same hosts.

/** Hosts (and their subdomains) whose tiles are in GCJ-02 or BD-09, with the provider. */
export const GCJ02_HOSTS = [
  ['amap.com', '高德地图 Amap'],
  ['autonavi.com', '高德地图 Amap (AutoNavi)'],
  ['gtimg.com', '腾讯地图 Tencent'],
  ['qq.com', '腾讯地图 Tencent'],
  ['baidu.com', '百度地图 Baidu (BD-09)'],
  ['bdimg.com', '百度地图 Baidu (BD-09)'],
  ['bdstatic.com', '百度地图 Baidu (BD-09)'],
  ['google.cn', '谷歌中国 Google China'],
];

/** Ids of the layers a base map draws start with this; the sources too. */
export const BASEMAP_PREFIX = 'basemap:';

export const TIANDITU_ATTRIBUTION = '© 天地图 国家地理信息公共服务平台 www.tianditu.gov.cn';

/** The 天地图 presets: id → the base layer and its annotation. */
export const TIANDITU = {
  'tianditu-vec': { layers: ['vec', 'cva'], zh: '天地图矢量', en: 'Tianditu map' },
  'tianditu-img': { layers: ['img', 'cia'], zh: '天地图影像', en: 'Tianditu imagery' },
};

/** The host of a URL template, lower case; null when it is not http(s) with a host. */
export function templateHost(template) {
  const m = /^https?:\/\/([^/?#]*)/i.exec(String(template ?? '').trim());
  if (!m) return null;
  const hostPort = m[1].split('@').pop();
  const host = (hostPort.startsWith('[') ? hostPort.slice(1).split(']')[0] : hostPort.split(':')[0])
    .toLowerCase().replace(/\.+$/, '');
  return host || null;
}

/** The GCJ-02 / BD-09 provider of a template's host, or null. */
export function gcj02Provider(template) {
  const host = templateHost(template);
  if (!host) return null;
  const hit = GCJ02_HOSTS.find(([domain]) => host === domain || host.endsWith(`.${domain}`));
  return hit ? hit[1] : null;
}

/**
 * Checks a raster XYZ/WMTS template: null when it may be drawn, else
 * `{ problem: 'not_http' | 'gcj02' | 'no_placeholders', provider? }` (worded by the view).
 */
export function checkTemplate(template) {
  const t = String(template ?? '').trim();
  if (!templateHost(t)) return { problem: 'not_http' };
  const provider = gcj02Provider(t);
  if (provider) return { problem: 'gcj02', provider };
  const has = (p) => t.includes(p);
  if (!(has('{z}') && has('{x}') && has('{y}')) && !has('{quadkey}') && !has('{bbox-epsg-3857}')) {
    return { problem: 'no_placeholders' };
  }
  return null;
}

/** A 天地图 key as the page keeps it: letters and digits only (16–64), else null. */
export function cleanTiandituKey(key) {
  const k = String(key ?? '').trim();
  return /^[A-Za-z0-9]{16,64}$/.test(k) ? k : null;
}

/** The tile URLs of a 天地图 preset: one list (hosts t0–t7) per layer, base first. */
export function tiandituLayers(id, key) {
  const k = String(key ?? '').replace(/[^A-Za-z0-9]/g, '');
  return TIANDITU[id].layers.map((layer) => Array.from({ length: 8 }, (_, host) =>
    `https://t${host}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0`
    + `&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles`
    + `&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${k}`));
}

/**
 * The choices offered, in order: 无, the server's base maps (`serverList`: the
 * `basemaps` of GET basemaps), the 天地图 presets the server does not offer itself
 * (they need the user's key), and 自定义.
 */
export function choices(serverList = []) {
  const server = serverList.map((m) => ({ id: m.id, title: m.title, kind: m.kind, source: m.source, server: m }));
  const presets = Object.entries(TIANDITU)
    .filter(([id]) => !serverList.some((m) => m.id === id))
    .map(([id, p]) => ({ id, title: { zh: p.zh, en: p.en }, kind: 'raster', source: 'tianditu' }));
  return [{ id: 'none', source: 'none' }, ...server, ...presets, { id: 'custom', source: 'custom' }];
}

/** Saved settings (localStorage text) → `{ choice, tiandituKey, customUrl }`. */
export function readSaved(text) {
  let v = {};
  try {
    v = JSON.parse(text ?? '{}') ?? {};
  } catch {
    v = {};
  }
  const str = (x) => (typeof x === 'string' ? x : '');
  return { choice: str(v.choice) || 'none', tiandituKey: str(v.tiandituKey), customUrl: str(v.customUrl) };
}

/** What `?basemap=` asks for: a template URL is a custom base map, anything else an id. */
export function fromUrlParam(param) {
  const p = String(param ?? '').trim();
  if (!p) return null;
  return /^https?:\/\//i.test(p) ? { choice: 'custom', customUrl: p } : { choice: p };
}

/**
 * What a choice draws: `{ sources: {id: spec}, layers: [...] }` (ids prefixed
 * `basemap:`), or `{ error: {problem, provider?} }` when it cannot be drawn.
 * `settings`: `{ tiandituKey, customUrl }`; `tilejsonUrl`: a server base map's TileJSON
 * (absolute); `vectorLayers`: a vector base map's `vector_layers`.
 */
export function basemapStyle(choice, settings = {}, vectorLayers = []) {
  if (!choice || choice.id === 'none') return { sources: {}, layers: [] };
  if (choice.source === 'custom') {
    const problem = checkTemplate(settings.customUrl);
    if (problem) return { error: problem };
    const host = templateHost(settings.customUrl);
    return rasterStyle([[settings.customUrl.trim()]], `© ${host}`, 0, 19);
  }
  if (choice.source === 'tianditu') {
    const key = cleanTiandituKey(settings.tiandituKey);
    if (!key) return { error: { problem: 'tianditu_key' } };
    return rasterStyle(tiandituLayers(choice.id, key), TIANDITU_ATTRIBUTION, 1, 18);
  }
  const m = choice.server;
  if (m.source === 'template') {
    for (const urls of m.layers ?? []) {
      const problem = checkTemplate(urls[0]);
      if (problem) return { error: problem };
    }
    return rasterStyle(m.layers ?? [], m.attribution, m.minzoom ?? 0, m.maxzoom ?? 18);
  }
  const id = `${BASEMAP_PREFIX}${m.id}`;
  if (m.kind === 'vector') {
    return {
      sources: { [id]: { type: 'vector', url: m.tilejson, attribution: m.attribution || undefined } },
      layers: genericVectorLayers(vectorLayers, id),
    };
  }
  return {
    sources: { [id]: { type: 'raster', url: m.tilejson, tileSize: 256, attribution: m.attribution || undefined } },
    layers: [{ id, type: 'raster', source: id }],
  };
}

function rasterStyle(layers, attribution, minzoom, maxzoom) {
  const sources = {};
  const out = [];
  layers.forEach((tiles, i) => {
    const id = `${BASEMAP_PREFIX}${i}`;
    // The attribution once (on the base layer): the control shows each source's.
    sources[id] = { type: 'raster', tiles, tileSize: 256, minzoom, maxzoom, ...(i === 0 && attribution ? { attribution } : {}) };
    out.push({ id, type: 'raster', source: id });
  });
  return { sources, layers: out };
}

/** Muted colours, one per source layer, for the generic style of a vector base map. */
export const VECTOR_PALETTE = ['#b8c4b0', '#a9c1d9', '#d6c7a1', '#c9b3c9', '#b0c9c4', '#d1b8a6', '#bfbfbf', '#c4cf9b'];

/**
 * A generic style for a vector base map, which brings no style of its own: per source
 * layer of its `vector_layers`, a light fill for polygons, a line for lines and
 * polygon edges, and small circles for points, each in its colour.
 */
export function genericVectorLayers(vectorLayers, sourceId) {
  return (vectorLayers ?? []).flatMap((vl, i) => {
    const color = VECTOR_PALETTE[i % VECTOR_PALETTE.length];
    const base = { source: sourceId, 'source-layer': vl.id };
    const id = `${sourceId}:${vl.id}`;
    return [
      { id: `${id}:fill`, type: 'fill', ...base, filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': color, 'fill-opacity': 0.5 } },
      { id: `${id}:line`, type: 'line', ...base,
        filter: ['in', ['geometry-type'], ['literal', ['LineString', 'Polygon']]],
        paint: { 'line-color': color, 'line-width': 1 } },
      { id: `${id}:circle`, type: 'circle', ...base, filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-color': color, 'circle-radius': 2.5 } },
    ];
  });
}

/**
 * Where the base map goes: before the first layer that is neither the background nor
 * a base map's (`layerIds`: the style's layer ids, bottom to top); undefined = on top.
 */
export function insertBefore(layerIds) {
  return layerIds.find((id) => id !== 'background' && !id.startsWith(BASEMAP_PREFIX));
}
