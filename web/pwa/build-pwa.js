// The PWA part of the build (issue 16): after Vite has written dist/, writes
// dist/manifest.webmanifest, two PNG icons drawn here (no image files committed) and
// dist/sw.js from pwa/sw.js with the list of the built files (the app shell) and a
// version: a hash of those files, so every rebuild that changes the page installs a
// new cache and never serves a stale index.html.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export const APP_NAME = '临猗县土地与溯源一张图';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A square PNG icon: a green field with a lighter band (a field and its furrow). */
export function iconPng(size) {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const band = Math.abs(x + y - size) < size / 8;
      const edge = x < size / 16 || y < size / 16 || x >= size - size / 16 || y >= size - size / 16;
      const [r, g, b] = edge ? [255, 255, 255] : band ? [244, 196, 48] : [43, 138, 62];
      raw.set([r, g, b], y * (size * 3 + 1) + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function filesUnder(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** Writes the manifest, icons and service worker into `dist`. */
export function buildPwa(dist, swTemplate) {
  writeFileSync(path.join(dist, 'icon-192.png'), iconPng(192));
  writeFileSync(path.join(dist, 'icon-512.png'), iconPng(512));
  const manifest = {
    name: APP_NAME,
    short_name: '临猗一张图',
    lang: 'zh-CN',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#2b8a3e',
    icons: [
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  };
  writeFileSync(path.join(dist, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);
  // The shell: the page, its assets, manifest and icons (not the desktop-GIS styles).
  const shell = filesUnder(dist).filter((f) => f !== 'sw.js' && !f.startsWith('styles/')).sort();
  const hash = createHash('sha256');
  for (const f of shell) hash.update(f).update(readFileSync(path.join(dist, f)));
  const version = hash.digest('hex').slice(0, 16);
  const sw = readFileSync(swTemplate, 'utf8')
    .replace("'__VERSION__'", JSON.stringify(version))
    .replace('__SHELL__', JSON.stringify(shell));
  writeFileSync(path.join(dist, 'sw.js'), sw);
  return { version, shell };
}
