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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { DATA_FILES, buildData } from './build-data.js';
import { buildPwa } from './pwa/build-pwa.js';

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

// The PWA (issue 16): the manifest link in the page, and after the build the manifest,
// icons and the service worker with the build's asset list (pwa/build-pwa.js).
function landtracePwa() {
  let outDir = 'dist';
  return {
    name: 'landtrace-pwa',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    transformIndexHtml: () => [
      { tag: 'link', attrs: { rel: 'manifest', href: 'manifest.webmanifest' }, injectTo: 'head' },
      { tag: 'meta', attrs: { name: 'theme-color', content: '#2b8a3e' }, injectTo: 'head' },
      { tag: 'link', attrs: { rel: 'apple-touch-icon', href: 'icon-192.png' }, injectTo: 'head' },
    ],
    closeBundle() {
      buildPwa(outDir, new URL('./pwa/sw.js', import.meta.url));
    },
  };
}

const backend = process.env.LANDTRACE_URL || 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  plugins: [landtraceData(), landtracePwa()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // MapLibre in a chunk of its own, named so (else it takes the name of a small module
    // it is bundled with): loaded with main.js after the first paint (src/boot.js).
    // Two pages: the map (index.html) and the dashboard (dashboard.html, issue 16),
    // each with its own bundle (ECharts only in the dashboard's).
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        dashboard: fileURLToPath(new URL('dashboard.html', import.meta.url)),
      },
      output: { codeSplitting: { groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl[\\/].*\.m?js$/ }] } },
    },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/tiles', '/health', '/basemaps'].map((p) => [p, { target: backend }])),
  },
});
