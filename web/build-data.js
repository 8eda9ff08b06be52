// What the build embeds from ../data/ (vite.config.js, `virtual:landtrace-data`), read
// with the client's own CSV reader (src/lib/csv.js). Node only (reads files).
//
// - `urbanPrices`, `collectivePrices`: the gazette's benchmark price tables
//   (data/prices/*.csv, exact copies of 临政发〔2023〕8号); numbers stay text, so that the
//   published figures ("45.7") are shown exactly as in the gazette.
// - `countyAdcode`: the county's code, the parent of the townships in
//   data/divisions/linyi-townships-villages.csv (the file the server reads its divisions
//   from), so the code is written in one place.
// - `countyBbox`: [w, s, e, n] of that county's feature in
//   data/boundaries/yuncheng-counties-wgs84.geojson (the initial view).
//
// tests/browser/client-rules.test.mjs compares these with the server's answers.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCsvTable } from './src/lib/csv.js';
import { coordsBox } from './src/lib/geo.js';

const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
const URBAN_PRICES = 'prices/urban_benchmark_prices.csv';
const COLLECTIVE_PRICES = 'prices/collective_benchmark_prices.csv';
const DIVISIONS = 'divisions/linyi-townships-villages.csv';
const BOUNDARIES = 'boundaries/yuncheng-counties-wgs84.geojson';

/** The files read (absolute paths), for the dev server to watch. */
export const DATA_FILES = [URBAN_PRICES, COLLECTIVE_PRICES, DIVISIONS, BOUNDARIES].map((f) => dataDir + f);

const readCsv = (name) => readCsvTable(readFileSync(dataDir + name, 'utf8'));

/** The code of the county whose townships the divisions file lists (exactly one). */
function countyAdcode() {
  const parents = new Set(readCsv(DIVISIONS).filter((r) => r.kind === 'township').map((r) => r.parent_code));
  if (parents.size !== 1) throw new Error(`${DIVISIONS}: the townships have ${parents.size} parent codes, expected one`);
  return [...parents][0];
}

function countyBbox(adcode) {
  const fc = JSON.parse(readFileSync(dataDir + BOUNDARIES, 'utf8'));
  const county = fc.features.find((f) => f.properties.adcode === adcode);
  if (!county) throw new Error(`no feature with adcode ${adcode} in ${BOUNDARIES}`);
  return coordsBox(county.geometry.coordinates).map((v) => Math.round(v * 1e5) / 1e5);
}

/** Everything `virtual:landtrace-data` exports. */
export function buildData() {
  const adcode = countyAdcode();
  return {
    urbanPrices: readCsv(URBAN_PRICES),
    collectivePrices: readCsv(COLLECTIVE_PRICES),
    countyAdcode: adcode,
    countyBbox: countyBbox(adcode),
  };
}
