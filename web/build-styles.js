// The map client's MapLibre style written as files for desktop GIS (QGIS's vector-tile
// layer, "Load style from URL"): `npm run build` runs this after `vite build`, so the one
// home of the style stays src/map-style.js (buildStyle, userLayerStyle). Node only.
//
// Writes into dist/styles/ (or the directory given as the first argument):
// - `all.json`: buildStyle's style of the `all` tile set;
// - `user-layers.json`: `{ colors, geometries: { MULTIPOLYGON, POINT, GEOMETRY } }`, the
//   generic style of a user-defined layer per geometry (userLayerStyle) and the colours
//   it takes by its place among the user-defined layers.
// The server (crates/server/src/routes/styles.rs, GET /styles/{id}.json) fills these in:
// every `__LANDTRACE_BASE__` with its public address, `__LANDTRACE_LAYER__` with the
// table and `__LANDTRACE_COLOR__` with the layer's colour, and each vector source with
// the set's absolute tile URL and zoom range.
//
// What a desktop GIS cannot use is left out (buildStyle has no sprite and no glyphs):
// - the clustered GeoJSON source `origin-clusters` and its two layers: the map client
//   fills it from api/trace/records in the page; here origin points are drawn from the
//   tiles' `origin_points` source-layer instead, in the same colours;
// - the `:selected` outlines: they follow the page's feature state (the clicked zone).
// - the raster basemap: none is configured at build time.

import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildData } from './build-data.js';
import {
  CLUSTER_SOURCE, PRODUCT_COLORS, SOURCE, USER_LAYER_COLORS, buildStyle, userLayerStyle,
} from './src/map-style.js';

export const BASE = '__LANDTRACE_BASE__';
export const LAYER = '__LANDTRACE_LAYER__';
export const COLOR = '__LANDTRACE_COLOR__';
/** Geometries of user-defined layers that have a style (userLayerStyle draws polygons and points). */
export const USER_GEOMETRIES = ['MULTIPOLYGON', 'POINT', 'GEOMETRY'];

const forDesktop = (layer) => !layer.id.endsWith(':selected') && layer.source !== CLUSTER_SOURCE;

/** The style of the `all` set without what a desktop GIS cannot use (see above). */
export function allSetStyle(countyAdcode) {
  const tilejson = { tiles: [`${BASE}/tiles/all/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 18 };
  const style = buildStyle(tilejson, null, countyAdcode);
  const origin = {
    id: 'origin_points:points', type: 'circle', source: SOURCE, 'source-layer': 'origin_points',
    paint: {
      'circle-color': ['match', ['to-string', ['get', 'product']], ...Object.entries(PRODUCT_COLORS).flat(), '#888888'],
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 4, 14, 7],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1.2,
    },
  };
  return {
    version: 8,
    name: 'landtrace · all',
    sources: { [SOURCE]: style.sources[SOURCE] },
    layers: [...style.layers.filter(forDesktop), origin],
  };
}

/** The generic style of a user-defined layer of `geometry`, with the placeholders. */
export function userLayerTemplate(geometry) {
  const layer = { layer: LAYER, geometry, tiles: { tilejson: `/tiles/${LAYER}.json` } };
  const { source, layers } = userLayerStyle(layer, COLOR, `${BASE}/tiles/${LAYER}.json`);
  return {
    version: 8,
    name: `landtrace · ${LAYER}`,
    sources: { [source.id]: source.spec },
    layers: layers.filter(forDesktop),
  };
}

/** Writes the templates into `dir`. */
export function writeStyles(dir) {
  mkdirSync(dir, { recursive: true });
  const { countyAdcode } = buildData();
  writeFileSync(resolve(dir, 'all.json'), JSON.stringify(allSetStyle(countyAdcode), null, 1));
  const geometries = Object.fromEntries(USER_GEOMETRIES.map((g) => [g, userLayerTemplate(g)]));
  writeFileSync(resolve(dir, 'user-layers.json'), JSON.stringify({ colors: USER_LAYER_COLORS, geometries }, null, 1));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeStyles(process.argv[2] ?? fileURLToPath(new URL('./dist/styles/', import.meta.url)));
}
