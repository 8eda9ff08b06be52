// 底图 in a real browser: `landtrace serve --basemap county=FILE.mbtiles` with a raster
// archive the test writes (a pyramid of one solid magenta PNG over 临猗县, the PNG
// written by hand with Node's zlib, the MBTiles with Python's sqlite3), switched on in
// the layer panel: the base map is drawn under every data layer (the style's layer
// order, and the colour of a pixel where only the base map and the translucent county
// fill show), its attribution is shown, the choice survives a reload, and a GCJ-02
// template (Amap) is refused with a message, in the page and by `serve` at start.
//
// Needs what map.test.mjs needs, and python3. Screenshots: artifacts/browser/basemap-*.png.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

const MAGENTA = [255, 0, 255];
const AMAP = 'https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}';
const ATTRIBUTION = '© 临猗县测试底图';

/** A solid-colour 256×256 RGB PNG. */
function png([r, g, b]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(256, 0);
  ihdr.writeUInt32BE(256, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + 256 * 3);
  for (let i = 0; i < 256; i++) row.set([r, g, b], 1 + i * 3);
  const raw = Buffer.concat(Array.from({ length: 256 }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** XYZ tiles covering a lon/lat box at zoom z. */
function tilesCovering([w, s, e, n], z) {
  const x = (lon) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const y = (lat) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
  };
  const out = [];
  for (let tx = x(w); tx <= x(e); tx++) for (let ty = y(n); ty <= y(s); ty++) out.push([z, tx, ty]);
  return out;
}

/** An MBTiles of one PNG at every tile of z6–12 over the box (rows in TMS, as the format says). */
function writeMbtiles(file, bbox, image) {
  const tiles = [];
  for (let z = 6; z <= 12; z++) tiles.push(...tilesCovering(bbox, z));
  const script = `
import json, sqlite3, sys
spec = json.load(sys.stdin)
db = sqlite3.connect(spec["file"])
db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
for k, v in spec["metadata"].items():
    db.execute("INSERT INTO metadata VALUES (?, ?)", (k, v))
data = bytes.fromhex(spec["png"])
for z, x, y in spec["tiles"]:
    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, data))
db.commit()
`;
  const spec = {
    file, tiles, png: image.toString('hex'),
    metadata: { name: '临猗县测试底图', format: 'png', attribution: ATTRIBUTION, minzoom: '6', maxzoom: '12', bounds: bbox.join(',') },
  };
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(spec) });
  assert.equal(r.status, 0, `python3 sqlite3: ${r.stderr}`);
  return tiles.length;
}

let server;
let browser;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'landtrace-basemap-'));
const archive = path.join(tmp, 'county.mbtiles');
const vectorArchive = path.join(tmp, 'counties.pmtiles');
// 临猗县 and around (the initial view fits the county).
const BBOX = [109.9, 34.6, 111.6, 35.7];

before(async () => {
  for (const p of [path.join(webDir, 'index.html'), bin, chromiumPath]) assert.ok(existsSync(p), `missing ${p}`);
  mkdirSync(artifacts, { recursive: true });
  assert.ok(writeMbtiles(archive, BBOX, png(MAGENTA)) > 50);
  // A vector archive of the county boundaries, cut by `landtrace tiles build`.
  const built = spawnSync(bin, ['tiles', 'build', 'county_boundaries', '--out', vectorArchive, '--maxzoom', '10',
    '--store', path.join(tmp, 'tiles.gpkg')], { env: { ...process.env, LANDTRACE_DATA: path.join(repo, 'data'), RUST_LOG: 'warn' },
    encoding: 'utf8', timeout: 120_000 });
  assert.equal(built.status, 0, built.stderr);
  server = await startServer({ args: ['--basemap', `county=${archive}`, '--basemap', `vec=${vectorArchive}`] });
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function openPage(context) {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.warn('page error:', err.message));
  await page.goto(`${server.baseUrl}/`);
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 60_000 });
  return page;
}

/** Waits until MapLibre has drawn every tile it asked for. */
const idle = (page) => page.evaluate(() => new Promise((resolve) => {
  const map = window.__landtraceMap;
  if (map.loaded()) resolve();
  else map.once('idle', resolve);
}));

/** The colour of the page at (x, y), from a screenshot decoded by the browser. */
async function pixel(page, x, y) {
  const shot = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  return page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(1, 1);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, shot.toString('base64'));
}

/** A point of the map outside 临猗县, in page pixels: only the base map and a neighbour's county fill. */
async function outsidePoint(page) {
  return page.evaluate(() => {
    const map = window.__landtraceMap;
    const rect = map.getCanvas().getBoundingClientRect();
    const p = map.project([110.3, 35.35]); // north-west of the county, in 万荣/临猗's neighbours
    return { x: Math.round(rect.left + p.x), y: Math.round(rect.top + p.y),
      inside: p.x > 0 && p.y > 0 && p.x < rect.width && p.y < rect.height };
  });
}

const magentaish = ([r, g, b]) => r - g > 90 && b - g > 90;

test('the local base map is drawn under every data layer, with its attribution', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context);
  await page.waitForSelector('#basemap-select option[value="county"]', { state: 'attached' });
  const labels = await page.$$eval('#basemap-select option', (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(labels.map(([v]) => v), ['none', 'county', 'vec', 'tianditu-vec', 'tianditu-img', 'custom']);
  assert.match(labels[1][1], /本地底图：临猗县测试底图/);
  assert.match(labels[2][1], /本地底图：.*（矢量）/);

  await idle(page);
  const spot = await outsidePoint(page);
  assert.ok(spot.inside, 'the sample point is on the map');
  const before = await pixel(page, spot.x, spot.y);
  assert.ok(!magentaish(before), `without a base map the ground is not magenta: ${before}`);
  await page.screenshot({ path: path.join(artifacts, 'basemap-none.png') });

  const tile = page.waitForResponse((r) => /\/basemaps\/county\/\d+\/\d+\/\d+$/.test(r.url()) && r.status() === 200);
  await page.selectOption('#basemap-select', 'county');
  await page.waitForSelector('#basemap-control[data-state="drawn"][data-basemap="county"]');
  assert.ok(!(await page.textContent('#basemap-control')).includes('null'));
  const served = await tile;
  assert.equal(served.headers()['content-type'], 'image/png');
  await idle(page);

  const ids = await page.evaluate(() => window.__landtraceMap.getStyle().layers.map((l) => l.id));
  assert.equal(ids[0], 'background');
  assert.equal(ids[1], 'basemap:county', `the base map right above the background: ${ids.slice(0, 4)}`);
  assert.equal(ids.filter((id) => id.startsWith('basemap:')).length, 1);
  assert.ok(ids.length > 10 && ids.slice(2).every((id) => !id.startsWith('basemap')), 'every data layer above it');

  const after = await pixel(page, spot.x, spot.y);
  assert.ok(magentaish(after), `the base map shows through the county fill: ${after}`);
  // Inside the urban grade-1 zone the zone's fill is drawn over the base map.
  const zone = await page.evaluate(() => {
    const map = window.__landtraceMap;
    const rect = map.getCanvas().getBoundingClientRect();
    map.jumpTo({ center: [110.775, 35.14], zoom: 14 });
    const p = map.project([110.775, 35.14]);
    return { x: Math.round(rect.left + p.x), y: Math.round(rect.top + p.y) };
  });
  await idle(page);
  const over = await pixel(page, zone.x + 3, zone.y + 3);
  assert.ok(over.some((c, i) => Math.abs(c - after[i]) > 40), `a data layer covers the base map: ${over} vs ${after}`);
  await page.screenshot({ path: path.join(artifacts, 'basemap-local-zone.png') });

  const attribution = await page.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib-inner')?.textContent ?? '');
  assert.ok(attribution.includes(ATTRIBUTION), `attribution shown: ${attribution}`);

  // The choice is kept (localStorage) across a reload.
  await page.reload();
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 60_000 });
  await page.waitForSelector('#basemap-control[data-state="drawn"][data-basemap="county"]');
  await idle(page);
  const again = await outsidePoint(page);
  assert.ok(magentaish(await pixel(page, again.x, again.y)));
  await page.screenshot({ path: path.join(artifacts, 'basemap-local.png') });

  // 无 takes it away again.
  await page.selectOption('#basemap-select', 'none');
  await page.waitForSelector('#basemap-control[data-state="none"][data-basemap="none"]');
  assert.ok(!(await page.evaluate(() => window.__landtraceMap.getStyle().layers.some((l) => l.id.startsWith('basemap:')))));
  await context.close();
});

test('a vector archive is drawn in the generic style, under the data', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context);
  await page.waitForSelector('#basemap-select option[value="vec"]', { state: 'attached' });
  const tile = page.waitForResponse((r) => /\/basemaps\/vec\/\d+\/\d+\/\d+$/.test(r.url()) && r.status() === 200);
  await page.selectOption('#basemap-select', 'vec');
  await page.waitForSelector('#basemap-control[data-state="drawn"][data-basemap="vec"]');
  const served = await tile;
  assert.equal(served.headers()['content-type'], 'application/vnd.mapbox-vector-tile');
  assert.equal(served.headers()['content-encoding'], 'gzip');
  assert.match(await page.textContent('#basemap-message'), /通用样式/);
  await idle(page);
  const ids = await page.evaluate(() => window.__landtraceMap.getStyle().layers.map((l) => l.id));
  assert.deepEqual(ids.slice(0, 4), ['background', 'basemap:vec:county_boundaries:fill',
    'basemap:vec:county_boundaries:line', 'basemap:vec:county_boundaries:circle']);
  assert.ok(ids.slice(4).every((id) => !id.startsWith('basemap')));
  const drawn = await page.evaluate(() => window.__landtraceMap
    .queryRenderedFeatures({ layers: ['basemap:vec:county_boundaries:fill'] }).length);
  assert.ok(drawn > 0, 'the base map\'s polygons are rendered');
  await page.screenshot({ path: path.join(artifacts, 'basemap-vector.png') });
  await context.close();
});

test('a GCJ-02 template is refused in the page, with a Chinese-first message', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context);
  await page.selectOption('#basemap-select', 'custom');
  await page.fill('#basemap-url', AMAP);
  await page.click('#basemap-url-apply');
  await page.waitForSelector('#basemap-control[data-state="error"]');
  const message = await page.textContent('#basemap-message');
  assert.match(message, /^高德地图.*GCJ-02（火星坐标）.*不能作为底图/);
  const requested = [];
  page.on('request', (r) => { if (r.url().includes('autonavi')) requested.push(r.url()); });
  await idle(page);
  assert.ok(!(await page.evaluate(() => window.__landtraceMap.getStyle().layers.some((l) => l.id.startsWith('basemap:')))));
  assert.deepEqual(requested, []);
  await page.screenshot({ path: path.join(artifacts, 'basemap-gcj02-refused.png') });

  // The same through ?basemap=.
  await page.goto(`${server.baseUrl}/?basemap=${encodeURIComponent('https://rt0.map.gtimg.com/realtimerender?z={z}&x={x}&y={y}')}`);
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 60_000 });
  await page.waitForSelector('#basemap-control[data-state="error"]');
  assert.match(await page.textContent('#basemap-message'), /腾讯地图.*GCJ-02/);
  await context.close();
});

test('serve refuses a GCJ-02 template at start', () => {
  const r = spawnSync(bin, ['serve', '--addr', '127.0.0.1:0', '--store', path.join(tmp, 'never.gpkg'), '--basemap-url', AMAP],
    { env: { ...process.env, RUST_LOG: 'warn' }, timeout: 30_000, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /GCJ-02/);
  assert.match(r.stderr, /高德/);
  assert.ok(!existsSync(path.join(tmp, 'never.gpkg')), 'refused before the store is made');
});
