// The PWA part of the build (pwa/build-pwa.js): the manifest, the icons, and a service
// worker whose cache version follows the built files, so a rebuild that changes the page
// installs a new cache (a stale index.html is never served after a rebuild).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { buildPwa, iconPng } from '../pwa/build-pwa.js';

const template = new URL('../pwa/sw.js', import.meta.url);

function fakeDist() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'landtrace-pwa-'));
  mkdirSync(path.join(dir, 'assets'));
  mkdirSync(path.join(dir, 'styles'));
  writeFileSync(path.join(dir, 'index.html'), '<html>v1</html>');
  writeFileSync(path.join(dir, 'assets/index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'styles/all.json'), '{}');
  return dir;
}

test('the service worker lists the shell and is versioned by the built files', () => {
  const dir = fakeDist();
  try {
    const first = buildPwa(dir, template);
    assert.deepEqual(first.shell, ['assets/index-abc.js', 'icon-192.png', 'icon-512.png', 'index.html', 'manifest.webmanifest']);
    const sw = readFileSync(path.join(dir, 'sw.js'), 'utf8');
    assert.ok(sw.includes(`const VERSION = "${first.version}";`));
    assert.ok(sw.includes(JSON.stringify(first.shell)));
    assert.ok(!sw.includes('__SHELL__') && !sw.includes('__VERSION__'));
    assert.equal(buildPwa(dir, template).version, first.version, 'the same build, the same version');
    writeFileSync(path.join(dir, 'index.html'), '<html>v2</html>');
    assert.notEqual(buildPwa(dir, template).version, first.version, 'a changed page is a new cache');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.name, '临猗县土地与溯源一张图');
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    assert.deepEqual(manifest.icons.map((i) => i.sizes), ['192x192', '512x512']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('icons are valid PNGs of their size', () => {
  const png = iconPng(48);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 48);
  assert.equal(png.readUInt32BE(20), 48);
  const idatLen = png.readUInt32BE(33);
  assert.equal(png.toString('ascii', 37, 41), 'IDAT');
  assert.equal(inflateSync(png.subarray(41, 41 + idatLen)).length, (48 * 3 + 1) * 48);
});
