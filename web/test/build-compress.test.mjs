// build-compress.js: the precompressed variants decode to their files, small and
// incompressible files are left alone, and the first-paint files are read from index.html.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { compressDir, firstPaintFiles, firstPaintSize } from '../build-compress.js';

function dist() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'landtrace-compress-'));
  mkdirSync(path.join(dir, 'assets'));
  const html = '<!doctype html><html><head>'
    + '<script type="module" crossorigin src="./assets/index-abc.js"></script>'
    + '<link rel="modulepreload" crossorigin href="./assets/dep-def.js">'
    + '<link rel="stylesheet" crossorigin href="./assets/index-ghi.css">'
    + '<link rel="icon" href="data:,"></head><body>' + '<p>临猗县</p>'.repeat(200) + '</body></html>';
  writeFileSync(path.join(dir, 'index.html'), html);
  writeFileSync(path.join(dir, 'assets/index-abc.js'), 'export const x = 1;\n'.repeat(500));
  writeFileSync(path.join(dir, 'assets/dep-def.js'), 'export const y = 2;\n'.repeat(100));
  writeFileSync(path.join(dir, 'assets/index-ghi.css'), 'body { margin: 0; }\n'.repeat(300));
  writeFileSync(path.join(dir, 'assets/tiny-jkl.js'), 'export {};\n');
  writeFileSync(path.join(dir, 'assets/photo-mno.png'), Buffer.alloc(5000, 7));
  return dir;
}

test('every compressible file of 1 KiB or more gets .br and .gz that decode to it', () => {
  const dir = dist();
  try {
    const written = compressDir(dir);
    const names = written.map((w) => w.file).sort();
    assert.deepEqual(names, ['assets/dep-def.js', 'assets/index-abc.js', 'assets/index-ghi.css', 'index.html']);
    for (const name of names) {
      const original = readFileSync(path.join(dir, name));
      assert.deepEqual(brotliDecompressSync(readFileSync(path.join(dir, `${name}.br`))), original, `${name}.br`);
      assert.deepEqual(gunzipSync(readFileSync(path.join(dir, `${name}.gz`))), original, `${name}.gz`);
      const entry = written.find((w) => w.file === name);
      assert.ok(entry.br < entry.bytes && entry.gz < entry.bytes, JSON.stringify(entry));
    }
    assert.ok(!existsSync(path.join(dir, 'assets/tiny-jkl.js.br')), 'a file under 1 KiB is sent as it is');
    assert.ok(!existsSync(path.join(dir, 'assets/photo-mno.png.gz')), 'images are not compressed again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what arrives before the first paint: index.html, its entry script, modulepreloads and stylesheets', () => {
  const dir = dist();
  try {
    assert.deepEqual(firstPaintFiles(dir), ['index.html', 'assets/index-abc.js', 'assets/dep-def.js', 'assets/index-ghi.css']);
    const size = firstPaintSize(dir);
    assert.equal(size.files.length, 4);
    assert.equal(size.total, size.files.reduce((s, f) => s + f.gz, 0));
    assert.ok(size.total > 0 && size.total < 4096, `${size.total}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
