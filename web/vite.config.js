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
import { fileURLToPath } from 'node:url';
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
    // Two pages: the map (index.html) and the dashboard (dashboard.html, issue 16),
    // each with its own bundle (ECharts only in the dashboard's).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        dashboard: fileURLToPath(new URL('dashboard.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/tiles', '/health'].map((p) => [p, { target: backend }])),
  },
});
