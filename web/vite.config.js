// Vite build of the landtrace map client.
//
// The Rust server serves `dist/` at `/`, so every URL in the page is relative
// (`base: './'`). In `npm run dev` the API and tiles are proxied to a running
// `landtrace serve` (LANDTRACE_URL, default http://127.0.0.1:8080).
//
// `virtual:landtrace-data` embeds, at build time, the gazette's benchmark price
// tables (data/prices/*.csv, exact copies of 临政发〔2023〕8号) and the bounding box
// of 临猗县 (data/boundaries/yuncheng-counties-wgs84.geojson), so the legend and the
// initial view never depend on a request.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
const COUNTY_ADCODE = '140821';

function readCsv(name) {
  const [header, ...rows] = readFileSync(dataDir + name, 'utf8').trim().split(/\r?\n/);
  const keys = header.split(',');
  // The price files have no quoted fields; numbers stay strings so that the
  // published text ("45.7") is shown exactly as in the gazette.
  return rows.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v])));
}

function countyBbox() {
  const fc = JSON.parse(readFileSync(dataDir + 'boundaries/yuncheng-counties-wgs84.geojson', 'utf8'));
  const county = fc.features.find((f) => f.properties.adcode === COUNTY_ADCODE);
  if (!county) throw new Error(`no feature with adcode ${COUNTY_ADCODE} in the boundaries file`);
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
    } else c.forEach(visit);
  };
  visit(county.geometry.coordinates);
  return box.map((v) => Math.round(v * 1e5) / 1e5);
}

function landtraceData() {
  const id = 'virtual:landtrace-data';
  return {
    name: 'landtrace-data',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load(resolved) {
      if (resolved !== '\0' + id) return null;
      for (const f of ['prices/urban_benchmark_prices.csv', 'prices/collective_benchmark_prices.csv',
        'boundaries/yuncheng-counties-wgs84.geojson']) this.addWatchFile(dataDir + f);
      const data = {
        urbanPrices: readCsv('prices/urban_benchmark_prices.csv'),
        collectivePrices: readCsv('prices/collective_benchmark_prices.csv'),
        countyAdcode: COUNTY_ADCODE,
        countyBbox: countyBbox(),
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
