// Vite build of the landtrace map client.
//
// The Rust server serves `dist/` at `/`, so every URL in the page is relative
// (`base: './'`). In `npm run dev` the API and tiles are proxied to a running
// `landtrace serve` (LANDTRACE_URL, default http://127.0.0.1:8080).
//
// `virtual:landtrace-data` embeds, at build time, what build-data.js reads from
// ../data/: the gazette's benchmark price tables, the county's code and the bounding
// box of the county, so the legend, the county outline and the initial view never
// depend on a request.
import { defineConfig } from 'vite';
import { DATA_FILES, buildData } from './build-data.js';

function landtraceData() {
  const id = 'virtual:landtrace-data';
  return {
    name: 'landtrace-data',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load(resolved) {
      if (resolved !== '\0' + id) return null;
      for (const f of DATA_FILES) this.addWatchFile(f);
      return Object.entries(buildData()).map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`).join('\n');
    },
  };
}

const backend = process.env.LANDTRACE_URL || 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  plugins: [landtraceData()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // MapLibre in a chunk of its own, named so (else it takes the name of a small module
    // it is bundled with): loaded with main.js after the first paint (src/boot.js).
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl[\\/].*\.m?js$/ }] } } },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/tiles', '/health', '/basemaps'].map((p) => [p, { target: backend }])),
  },
});
