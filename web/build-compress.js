// The last step of `npm run build` (after vite build and build-styles.js), Node only:
//
// 1. Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) next to
//    every compressible file of dist/ (scripts, styles, HTML, JSON, SVG …) of at least
//    1 KiB, each only when it is smaller than the file. The server answers a request
//    with the smallest variant the client accepts (crates/server/src/routes/web.rs,
//    tower-http ServeDir precompressed_br/precompressed_gzip): phones on mobile data get
//    the 1 MB map script as some 230 KiB, and nothing is compressed per request.
// 2. Keeps the budget of what a phone must fetch before its first paint: index.html, its
//    stylesheets, its entry script and whatever it modulepreloads (src/boot.js; the map,
//    main.js and MapLibre, is loaded after that paint). The build fails when their gzip
//    total exceeds FIRST_PAINT_BUDGET_KIB. See docs/benchmarks.md for the measurement.
//
//     node build-compress.js [dist]

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * gzip KiB of index.html + its CSS + entry script + modulepreloads: measured 38.9 KiB when
 * the budget was set (50), 51.4 KiB once issue 16's tools (search, base maps, print,
 * accounts, offline, dashboard) added their top-bar strings and styles; raised to 60 with
 * Lighthouse's FCP checked again (docs/benchmarks.md). Most of it is i18n.js (both
 * languages): splitting the strings of the tools out of the entry is the next saving.
 */
export const FIRST_PAINT_BUDGET_KIB = 60;
const COMPRESSIBLE = /\.(js|mjs|css|html|json|svg|txt|xml|webmanifest|wasm|map)$/;
const MIN_BYTES = 1024;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const brotli = (bytes) => brotliCompressSync(bytes, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
  },
});
const gzip = (bytes) => gzipSync(bytes, { level: 9 });

/** Writes the variants of every compressible file under `dist`: `[{file, bytes, br, gz}]`. */
export function compressDir(dist) {
  const written = [];
  for (const path of [...files(dist)]) {
    if (!COMPRESSIBLE.test(path)) continue;
    const bytes = readFileSync(path);
    if (bytes.length < MIN_BYTES) continue;
    const entry = { file: relative(dist, path), bytes: bytes.length, br: null, gz: null };
    for (const [ext, compress] of [['br', brotli], ['gz', gzip]]) {
      const out = compress(bytes);
      if (out.length >= bytes.length) continue;
      writeFileSync(`${path}.${ext}`, out);
      entry[ext] = out.length;
    }
    written.push(entry);
  }
  return written;
}

/**
 * What index.html makes the browser fetch before its first paint: the files of its
 * module scripts, stylesheets and modulepreloads (relative URLs into `dist`).
 */
export function firstPaintFiles(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const urls = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1];
    const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if (!url || /^(data:|https?:|\/\/)/.test(url)) continue;
    if (tag.startsWith('<script') || rel === 'stylesheet' || rel === 'modulepreload') urls.push(url);
  }
  return ['index.html', ...urls.map((u) => u.replace(/^\.\//, '').replace(/^\//, ''))];
}

/** gzip bytes of each first-paint file and their total. */
export function firstPaintSize(dist) {
  const files = firstPaintFiles(dist).map((file) => ({ file, gz: gzip(readFileSync(join(dist, file))).length }));
  return { files, total: files.reduce((sum, f) => sum + f.gz, 0) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] ?? fileURLToPath(new URL('./dist', import.meta.url)));
  const written = compressDir(dist);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const sum = (k) => written.reduce((s, e) => s + (e[k] ?? e.bytes), 0);
  console.log(`precompressed ${written.length} files: ${kib(sum('bytes'))} → br ${kib(sum('br'))}, gzip ${kib(sum('gz'))}`);
  const first = firstPaintSize(dist);
  console.log(`before first paint: ${kib(first.total)} gzip (budget ${FIRST_PAINT_BUDGET_KIB} KiB): `
    + first.files.map((f) => `${f.file} ${kib(f.gz)}`).join(', '));
  if (first.total > FIRST_PAINT_BUDGET_KIB * 1024) {
    console.error(`build-compress: what arrives before the first paint is ${kib(first.total)} gzip, over the budget of `
      + `${FIRST_PAINT_BUDGET_KIB} KiB (web/build-compress.js). Load the new code later (dynamic import(), `
      + `src/ui/lazy-tool.js) or raise the budget with a measurement in docs/benchmarks.md.`);
    process.exit(1);
  }
}
