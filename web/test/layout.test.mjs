// The module layout of web/src (web/README.md): the pure modules — lib/, every
// tools/*/state.js, tools/origin-points/record.js and map-style.js — touch no DOM and no
// MapLibre and import only pure modules, so the unit tests here run them in Node; each
// tool has its state.js and its view.js; no helper is copied into a tool.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const rel = (f) => path.relative(src, f);
const files = (dir) => readdirSync(dir, { withFileTypes: true })
  .flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.js') ? [path.join(dir, d.name)] : []));
const all = files(src);
// Pure helpers beside a tool's state.js, and the dashboard page's models (issue 16).
const EXTRA_PURE = ['tools/trace/ledger-edit.js', 'tools/expropriation/calculator-state.js', 'dashboard/state.js', 'dashboard/links.js'];
const isPure = (f) => /^lib\//.test(rel(f)) || /^tools\/[^/]+\/state\.js$/.test(rel(f)) || rel(f) === 'tools/origin-points/record.js'
  || rel(f) === 'map-style.js' || EXTRA_PURE.includes(rel(f));
const imports = (f) => [...readFileSync(f, 'utf8').matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
const code = (f) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");

/** Packages the pure modules may use: geodesics (lib/measure.js) and the KML writer (tools/sketch). */
const PURE_PACKAGES = ['geographiclib-geodesic', '@placemarkio/tokml'];

test('pure modules import only pure modules and touch no DOM or map', () => {
  const pure = all.filter(isPure);
  assert.ok(pure.length >= 17, `${pure.length} pure modules`);
  for (const f of pure) {
    for (const spec of imports(f)) {
      // Packages: only pure libraries (no DOM), named here.
      if (PURE_PACKAGES.includes(spec)) continue;
      assert.ok(spec.startsWith('.'), `${rel(f)} imports the package ${spec}`);
      const target = path.resolve(path.dirname(f), spec);
      assert.ok(isPure(target), `${rel(f)} imports ${rel(target)}, which is not pure`);
    }
    const body = code(f);
    for (const word of ['document', 'window', 'navigator', 'fetch', 'requestAnimationFrame', 'HTMLElement', 'DOMParser']) {
      // The global, not a property (`v.document`) or an object key (`document: '文件'`).
      assert.ok(!new RegExp(`(?<![.\\w$])${word}\\b(?!\\s*:)`).test(body), `${rel(f)} uses ${word}`);
    }
  }
});

test('every tool has its state.js and its view.js', () => {
  const tools = readdirSync(path.join(src, 'tools'));
  assert.deepEqual(tools.sort(), ['auth', 'basemap', 'consolidation', 'expropriation', 'import', 'offline', 'origin-points', 'print', 'register', 'search', 'sketch', 'sponge-runoff', 'trace', 'truck-ban', 'users', 'valuation']);
  for (const tool of tools) {
    for (const part of ['state.js', 'view.js']) assert.ok(all.includes(path.join(src, 'tools', tool, part)), `tools/${tool}/${part}`);
  }
});

test('the shared rules and helpers have one home', () => {
  // Words that only the shared module may define (a definition elsewhere is a copy).
  const homes = {
    'lib/gcj02.js': /function gcjToWgs|6378245/,
    'lib/iso-week.js': /function isoWeekOf|function mondayOf/,
    'lib/track-fixes.js': /function parseTimeMs|trkpt/,
    'lib/csv.js': /function csvFields|FORMULA_START/,
    'lib/time.js': /Asia\/Shanghai/,
    'ui/dom.js': /function el\(/,
    'lib/format.js': /function fmtYuan|toLocaleString\('en-US'/,
  };
  for (const f of all) {
    const body = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '');
    for (const [home, re] of Object.entries(homes)) {
      if (rel(f) !== home) assert.ok(!re.test(body), `${rel(f)} has what belongs in ${home}: ${re}`);
    }
  }
  assert.ok(!all.some((f) => /140821/.test(readFileSync(f, 'utf8'))), 'the county code is read from data/, not written in src');
});
