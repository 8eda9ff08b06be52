// Vite build of the landtrace map client.
//
// The Rust server serves `dist/` at `/`, so every URL in the page is relative
// (`base: './'`). In `npm run dev` the API and tiles are proxied to a running
// `landtrace serve` (LANDTRACE_URL, default http://127.0.0.1:8080).
//
// `virtual:landtrace-data` embeds, at build time, the gazette's benchmark price
// tables (data/prices/*.csv, exact copies of 临政发〔2023〕8号), the county's code (the
// parent of the townships in data/divisions/linyi-townships-villages.csv, the file the
// server reads its divisions from) and the bounding box of that county's feature in
// data/boundaries/yuncheng-counties-wgs84.geojson, so the legend, the county outline and
// the initial view never depend on a request and the code is written in one place.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { readCsvTable } from './src/lib/csv.js';
import { coordsBox } from './src/lib/geo.js';

const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
const DIVISIONS = 'divisions/linyi-townships-villages.csv';
const BOUNDARIES = 'boundaries/yuncheng-counties-wgs84.geojson';

// Numbers stay strings, so that the published text ("45.7") is shown exactly as in the gazette.
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

function landtraceData() {
  const id = 'virtual:landtrace-data';
  return {
    name: 'landtrace-data',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load(resolved) {
      if (resolved !== '\0' + id) return null;
      for (const f of ['prices/urban_benchmark_prices.csv', 'prices/collective_benchmark_prices.csv', DIVISIONS, BOUNDARIES]) {
        this.addWatchFile(dataDir + f);
      }
      const adcode = countyAdcode();
      const data = {
        urbanPrices: readCsv('prices/urban_benchmark_prices.csv'),
        collectivePrices: readCsv('prices/collective_benchmark_prices.csv'),
        countyAdcode: adcode,
        countyBbox: countyBbox(adcode),
      };
      return Object.entries(data).map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`).join('\n');
    },
  };
}

const backend = process.env.LANDTRACE_URL || 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  plugins: [landtraceData()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(['/api', '/tiles', '/health'].map((p) => [p, { target: backend }])),
  },
});
