// Reads features straight from the server's vector tiles at one zoom level, to place
// HTML labels (township seats, sponge-city project names) without glyphs and
// without a separate feature API. Features that appear in several tiles (tile
// buffers) are kept once.

import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { emptyBox, extendBox } from './lib/geo.js';

const within = (bbox, [lon, lat]) => lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3];

function tileRange(bbox, z) {
  const n = 2 ** z;
  const x = (lon) => Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
  const y = (lat) => {
    const r = (lat * Math.PI) / 180;
    return Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)));
  };
  return { x0: x(bbox[0]), x1: x(bbox[2]), y0: y(bbox[3]), y1: y(bbox[1]) };
}

/** The zoom at which to read `layer`: 10, moved into the layer's (and the set's) zoom range. */
export function readZoom(tilejson, layer) {
  const info = (tilejson.vector_layers || []).find((l) => l.id === layer) || {};
  const min = Math.max(info.minzoom ?? 0, tilejson.minzoom ?? 0);
  const max = Math.min(info.maxzoom ?? 22, tilejson.maxzoom ?? 22);
  return Math.max(min, Math.min(10, max));
}

/**
 * The vector tiles of `tilejson` at zoom `z` that cover `bbox`: `{x, y, tile}` each, with
 * the VectorTile; missing or empty tiles (404, 204, no bytes) are left out.
 */
async function readTiles(tilejson, bbox, z) {
  const { x0, x1, y0, y1 } = tileRange(bbox, z);
  const template = tilejson.tiles[0];
  const jobs = [];
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const url = template.replace('{z}', z).replace('{x}', x).replace('{y}', y);
      jobs.push(fetch(url).then(async (r) => (r.ok && r.status !== 204 ? { x, y, buf: await r.arrayBuffer() } : null)));
    }
  }
  return (await Promise.all(jobs)).filter((t) => t && t.buf.byteLength > 0)
    .map(({ x, y, buf }) => ({ x, y, tile: new VectorTile(new PbfReader(new Uint8Array(buf))) }));
}

/**
 * GeoJSON FeatureCollections of `layers` (table names) inside `bbox`, read from the
 * tiles of `tilejson` at zoom `z`. Missing or empty tiles (404, 204) are skipped.
 */
export async function readPointLayers(tilejson, layers, bbox, z) {
  const out = Object.fromEntries(layers.map((l) => [l, new Map()]));
  for (const { x, y, tile } of await readTiles(tilejson, bbox, z)) {
    for (const name of layers) {
      const layer = tile.layers[name];
      if (!layer) continue;
      for (let i = 0; i < layer.length; i++) {
        const f = layer.feature(i).toGeoJSON(x, y, z);
        if (f.geometry.type !== 'Point') continue;
        const key = f.id ?? JSON.stringify([f.geometry.coordinates, f.properties]);
        // Plain objects: MapLibre cannot pass null-prototype properties to its worker.
        if (within(bbox, f.geometry.coordinates) && !out[name].has(key)) out[name].set(key, { ...f, properties: { ...f.properties } });
      }
    }
  }
  return Object.fromEntries(layers.map((l) => [l, { type: 'FeatureCollection', features: [...out[l].values()] }]));
}

/**
 * Label anchors of the polygon features of `layer` inside `bbox`, read from the tiles
 * at zoom `z`: one `{id, properties, coordinates}` per feature, at the centre of the
 * bounding box of all its parts (a polygon cut by tile edges appears in several tiles).
 */
export async function readAreaAnchors(tilejson, layer, bbox, z) {
  const boxes = new Map();
  for (const { x, y, tile } of await readTiles(tilejson, bbox, z)) {
    const vtLayer = tile.layers[layer];
    if (!vtLayer) continue;
    for (let i = 0; i < vtLayer.length; i++) {
      const f = vtLayer.feature(i).toGeoJSON(x, y, z);
      if (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon') continue;
      const key = f.id ?? f.properties.name;
      const b = boxes.get(key) ?? { id: f.id, properties: { ...f.properties }, box: emptyBox() };
      extendBox(b.box, f.geometry.coordinates);
      boxes.set(key, b);
    }
  }
  return [...boxes.values()].map(({ id, properties, box }) => ({ id, properties, coordinates: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2] }))
    .filter(({ coordinates }) => within(bbox, coordinates));
}
