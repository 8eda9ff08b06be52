// Issue 16, measure · sketch · share · print, in a real browser: a measured area
// against the valuation API's area of the same polygon, the sketch exported as GeoJSON
// and KML (download events), a share link reopening view + layers + selection, the map
// printed to PDF in the print layout (page.pdf with the @page size, read back with
// pdftoppm and pdftotext: title, legend, scale, source, illustrative mark) and as PNG,
// and the fileable valuation print of a pasted corner list (corner table, signature
// block). Setup as map.test.mjs (server.mjs, Debian Chromium). Needs poppler-utils.
// Screenshots and the PDF pages: artifacts/browser/print-*.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

const P1 = [110.775, 35.14]; // urban grade 1 (data/README.md)
const P4 = [110.779276, 35.1419853]; // expropriation area 临政发〔2023〕10号

let server;
let browser;
let baseUrl;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'landtrace-print-'));

before(async () => {
  for (const [what, p] of [['web/dist', path.join(webDir, 'index.html')], ['the landtrace binary', bin], ['Chromium', chromiumPath]]) {
    assert.ok(existsSync(p), `missing ${what}: ${p}`);
  }
  for (const tool of ['pdftoppm', 'pdftotext', 'pdfinfo']) execFileSync('sh', ['-c', `command -v ${tool}`]);
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  ({ baseUrl } = server);
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A page at `url` (relative), window.print stubbed (counted), the map ready. */
async function openPage(url = '/') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
  await page.goto(baseUrl + url);
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
  return { context, page, problems };
}

const screenPoint = (page, lonLat) => page.evaluate((ll) => {
  const map = window.__landtraceMap;
  const p = map.project(ll);
  const r = map.getCanvas().getBoundingClientRect();
  return { x: r.left + p.x, y: r.top + p.y };
}, lonLat);
const moveTo = (page, center, zoom) => page.evaluate(([c, z]) => new Promise((resolve) => {
  const map = window.__landtraceMap;
  map.once('idle', resolve);
  map.jumpTo({ center: c, zoom: z });
  map.triggerRepaint();
}), [center, zoom]);
const shot = (page, name) => page.screenshot({ path: path.join(artifacts, name) });
const postJson = async (p, body) => {
  const res = await fetch(baseUrl + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
/** Saves a download triggered by `click()`; returns its path. */
async function downloaded(page, click, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(tmp, name ?? download.suggestedFilename());
  await download.saveAs(file);
  return { file, suggested: download.suggestedFilename() };
}
/** The page printed to PDF in its @page size; returns the text and the first page as PNG (kept in artifacts). */
function readPdf(pdf, name) {
  execFileSync('pdftoppm', ['-png', '-r', '80', pdf, path.join(artifacts, name)]);
  const png = [`${name}-1.png`, `${name}-01.png`].map((f) => path.join(artifacts, f)).find(existsSync);
  assert.ok(png, 'pdftoppm wrote no page image');
  return { text: execFileSync('pdftotext', ['-layout', pdf, '-']).toString(), info: execFileSync('pdfinfo', [pdf]).toString(), png };
}
/** The PDF's page size (pdfinfo, points) is `w` × `h` mm within 0.5 mm. */
function assertPageMm(info, w, h) {
  const m = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  assert.ok(m, info);
  const mm = [Number(m[1]), Number(m[2])].map((pt) => (pt * 25.4) / 72);
  assert.ok(Math.abs(mm[0] - w) < 0.5 && Math.abs(mm[1] - h) < 0.5, `${mm} mm, expected ${w} x ${h}`);
}
const pngSize = (buf) => ({ w: buf.readUInt32BE(16), h: buf.readUInt32BE(20) });

test('a measured area equals the valuation API area; the sketch exports as GeoJSON and KML', async () => {
  const { context, page, problems } = await openPage();
  try {
    await moveTo(page, P1, 15);
    await page.click('#sketch-toggle');
    await page.click('#sketch-polygon');
    const corners = [[-1, -1], [1.3, -0.8], [1, 1.2], [-0.9, 0.8]].map(([dx, dy]) => [P1[0] + dx * 0.0012, P1[1] + dy * 0.0009]);
    for (const c of corners) {
      const { x, y } = await screenPoint(page, c);
      await page.mouse.click(x, y);
    }
    assert.match(await page.locator('.sketch-live').innerText(), /m² · .* 亩/);
    await page.click('#sketch-finish');
    await page.click('#sketch-line');
    for (const c of corners.slice(0, 2)) {
      const { x, y } = await screenPoint(page, c);
      await page.mouse.click(x, y);
    }
    await page.click('#sketch-finish');
    const item = page.locator('#sketch-list li[data-kind="polygon"]');
    const shown = await item.locator('.sketch-measure').innerText();
    const areaM2 = Number(await item.getAttribute('data-area-m2'));
    await shot(page, 'print-sketch.png');

    const geo = await downloaded(page, () => page.click('#sketch-geojson'));
    assert.match(geo.suggested, /^sketch-\d{4}-\d{2}-\d{2}\.geojson$/);
    const fc = JSON.parse(readFileSync(geo.file, 'utf8'));
    assert.deepEqual(fc.features.map((f) => f.geometry.type), ['Polygon', 'LineString']);
    const polygon = fc.features[0];
    assert.equal(polygon.properties.area_m2, areaM2);

    // The valuation of the same polygon: the same area to the cent, and the same words.
    const { status, body } = await postJson('/api/land/valuation', { parcel: polygon.geometry, use: '住宅' });
    assert.equal(status, 200, JSON.stringify(body));
    const server = body.valuation.parcel_area;
    assert.ok(Math.abs(server.m2 - areaM2) <= 0.005, `measured ${areaM2} m², valuation ${server.m2} m²`);
    const grouped = (n, d) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
    assert.ok(shown.includes(`${grouped(server.m2, 2)} m²`), `${shown} vs ${server.m2}`);
    assert.ok(shown.includes(`${grouped(server.mu, 4)} 亩`), `${shown} vs ${server.mu}`);
    // The line: its geodesic length (WGS84) as exported, in m.
    assert.match(await page.locator('#sketch-list li[data-kind="line"] .sketch-measure').innerText(), /^[\d,.]+ m$/);

    const kml = await downloaded(page, () => page.click('#sketch-kml'));
    const text = readFileSync(kml.file, 'utf8');
    assert.match(text, /^<kml xmlns="http:\/\/www.opengis.net\/kml\/2.2">/);
    assert.equal((text.match(/<Placemark>/g) ?? []).length, 2);
    assert.match(text, /<name>测面1<\/name>/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a share link reopens the view, the visible layers and the selected place', async () => {
  const { context, page, problems } = await openPage();
  let url;
  try {
    await moveTo(page, P4, 15.5);
    await page.uncheck('input[data-layer="truck_ban_zone"]');
    const { x, y } = await screenPoint(page, P4);
    await page.mouse.click(x, y);
    await page.waitForSelector('#info-panel[data-state="result"] .hit[data-hit-layer="expropriation_areas"]');
    await page.click('#sketch-toggle');
    await page.click('#share-copy');
    url = await page.inputValue('#share-url');
    assert.match(url, /#map=15\.5\/35\.14\d*\/110\.77\d*&layers=[^&]*&sel=110\.779276,35\.1419853$/);
    assert.ok(!/[=,]truck_ban_zone(,|&)/.test(url), url);
    assert.equal(await page.evaluate(() => location.hash), new URL(url).hash);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
  const again = await openPage(url.slice(baseUrl.length));
  try {
    const view = await again.page.evaluate(() => {
      const map = window.__landtraceMap;
      return { zoom: map.getZoom(), center: map.getCenter().toArray(),
        hidden: map.getLayoutProperty(map.getStyle().layers.find((l) => l.id.startsWith('truck_ban_zone:')).id, 'visibility') };
    });
    assert.ok(Math.abs(view.zoom - 15.5) < 1e-6, String(view.zoom));
    assert.ok(Math.abs(view.center[0] - P4[0]) < 1e-4 && Math.abs(view.center[1] - P4[1]) < 1e-4, String(view.center));
    assert.equal(view.hidden, 'none');
    assert.equal(await again.page.isChecked('input[data-layer="truck_ban_zone"]'), false);
    assert.equal(await again.page.isChecked('input[data-layer="urban_grade_zones"]'), true);
    await again.page.waitForSelector('#info-panel[data-state="result"] .hit[data-hit-layer="expropriation_areas"]', { timeout: 15_000 });
    await again.page.waitForSelector('#expropriation-print');
    await shot(again.page, 'print-share-reopened.png');
    // The expropriation card's 打印: the same layout with the card's content.
    await again.page.click('#expropriation-print');
    await again.page.waitForSelector('#print-sheet[data-state="ready"]', { state: 'attached', timeout: 60_000 });
    const sheet = await again.page.$eval('#print-sheet', (e) => e.textContent);
    assert.match(sheet, /临政发〔2023〕10号/);
    assert.match(sheet, /图例/);
    assert.equal(await again.page.evaluate(() => window.__printed), 1);
    assert.deepEqual(again.problems, []);
  } finally {
    await again.context.close();
  }
});

test('the map prints to PDF (A4 landscape) with title, legend, scale and source, and to PNG', async () => {
  const { context, page, problems } = await openPage();
  try {
    await moveTo(page, P1, 13);
    await page.click('#sketch-toggle');
    await page.fill('#print-title', '临猗县城区土地级别图（测试）');
    await page.selectOption('#print-paper', 'A4');
    await page.selectOption('#print-orientation', 'landscape');
    await page.fill('#print-data-date', '2026-12-01');
    await page.click('#print-pdf');
    await page.waitForSelector('#print-sheet[data-state="ready"]', { state: 'attached', timeout: 60_000 });
    await page.waitForFunction(() => window.__printed === 1);
    const sheet = await page.evaluate(() => {
      const img = document.querySelector('#print-sheet .ps-map img');
      return { w: img.naturalWidth, h: img.naturalHeight, scale: document.querySelector('.ps-scale-text').textContent };
    });
    // A4 landscape: a 277 mm wide map at 200 dpi (capped at 4096 px).
    assert.ok(sheet.w >= 2000, JSON.stringify(sheet));
    const pdf = path.join(tmp, 'map.pdf');
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const { text, info } = readPdf(pdf, 'print-map-pdf');
    assertPageMm(info, 297, 210);
    assert.match(info, /Pages:\s+1\b/, info);
    for (const expected of ['临猗县城区土地级别图（测试）', '图例', '城区土地级别', '比例尺', '数据日期', '2026-12-01', '数据来源', '示例数据']) {
      assert.ok(text.includes(expected), `the PDF lacks ${expected}:\n${text}`);
    }
    const scaleText = sheet.scale.replace(/\s+/g, ' ');
    assert.match(scaleText, /^\d+ k?m · 1:[\d,]+$/);
    assert.ok(text.includes(scaleText.split(' · ')[1]), `the PDF lacks ${scaleText}`);

    const png = await downloaded(page, () => page.click('#print-png'));
    const buf = readFileSync(png.file);
    assert.equal(buf.subarray(1, 4).toString(), 'PNG');
    assert.ok(pngSize(buf).w > 2000, JSON.stringify(pngSize(buf)));
    execFileSync('cp', [png.file, path.join(artifacts, 'print-map.png')]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the valuation of a pasted corner list prints with its corner table and signature block', async () => {
  const { context, page, problems } = await openPage();
  try {
    // The corners of a parcel in urban grade 1 in EPSG:4525 (zone number 37), from the server.
    const ring = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([dx, dy]) => [P1[0] + dx * 0.0008, P1[1] + dy * 0.0006]);
    const oracle = await postJson('/api/land/valuation', { parcel: { type: 'Polygon', coordinates: [[...ring, ring[0]]] }, use: '住宅', corners_crs: 'EPSG:4525' });
    assert.equal(oracle.status, 200);
    const lines = oracle.body.corners.corners.map((c) => `${c.name} ${c.x.toFixed(3)} ${c.y.toFixed(3)}`);
    assert.match(lines[0], /^J1 38\d{5}\.\d{3} 37\d{6}\.\d{3}$/);

    await page.click('#valuation-toggle');
    await page.selectOption('#valuation-use', '住宅');
    await page.click('.v-corners summary');
    // A bad list first: the problems by line, in Chinese, nothing sent.
    await page.fill('#valuation-corners', `${lines[0]}\nJ2 3890x 37479039\n${lines[2]}`);
    await page.click('#valuation-corners-use');
    const errors = await page.locator('#valuation-corner-errors').innerText();
    assert.match(errors, /第 2 行：“3890x”不是数字/);
    await shot(page, 'print-corners-errors.png');

    await page.fill('#valuation-corners', ['点号 X Y', ...lines, lines[0]].join('\n'));
    await page.fill('#valuation-parcel-no', '临猗-2026-016');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/land/valuation') && r.request().method() === 'POST');
    await page.click('#valuation-corners-use');
    const res = await answer;
    const sent = JSON.parse(res.request().postData());
    assert.equal(sent.crs, 'EPSG:4525');
    assert.equal(sent.corners_crs, 'EPSG:4525');
    assert.equal(sent.parcel.coordinates[0].length, 5, 'closed automatically');
    const body = await res.json();
    await page.waitForSelector('#valuation-panel[data-state="result"]');
    assert.match(await page.locator('#valuation-corners-read').innerText(), /已读入 4 个界址点（EPSG:4525，逆时针）/);
    // The same parcel: its corners as pasted, and the area of the WGS84 one within the 1 mm rounding (perimeter × 1 mm).
    body.corners.corners.forEach((c, i) => assert.equal(`${c.name} ${c.x.toFixed(3)} ${c.y.toFixed(3)}`, lines[i]));
    const delta = Math.abs(body.valuation.parcel_area.m2 - oracle.body.valuation.parcel_area.m2);
    assert.ok(delta < 0.6, `${body.valuation.parcel_area.m2} vs ${oracle.body.valuation.parcel_area.m2}`);
    await shot(page, 'print-valuation-panel.png');

    await page.click('#valuation-print');
    await page.waitForSelector('#print-sheet[data-state="ready"]', { state: 'attached', timeout: 60_000 });
    const pdf = path.join(tmp, 'valuation.pdf');
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const { text, info } = readPdf(pdf, 'print-valuation-pdf');
    assertPageMm(info, 210, 297);
    for (const expected of ['地块基准地价估算表', '临猗-2026-016', '界址点坐标表', 'EPSG:4525', '经办人', '审核人', '日期', '比例尺',
      '晋自然资技审〔2023〕6号', body.corners.corners[2].x.toFixed(3), body.corners.corners[2].lon.toFixed(8)]) {
      assert.ok(text.includes(expected), `the valuation PDF lacks ${expected}:\n${text}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the corner-list parser recognises the CRS and axis order as api/locate does', async () => {
  const { recognise } = await import('../../web/src/lib/corner-list.js');
  const pairs = [
    [3890148.98, 37479039.53], [37479039.53, 3890148.98], // 3° zone 37 with its number, either order
    [3890148.98, 479039.53], [479039.53, 3890148.98], // no zone number: the county's zone
    [3890148.98, 19479039.53], // 6° zone 19
    [3890148.98, 36520960.47], // 3° zone 36 (CM 108°E)
    [110.77, 35.14], // lon/lat
  ];
  for (const [a, b] of pairs) {
    const mine = recognise(a, b);
    const auto = await (await fetch(`${baseUrl}/api/locate?lon=${a}&lat=${b}`)).json();
    assert.ok(mine, `${a} ${b}`);
    const crs = mine.crs === 'EPSG:4490' ? 'EPSG:4326' : mine.crs;
    assert.equal(auto.input.crs, crs, `${a} ${b}: server ${auto.input.crs}, page ${mine.crs}`);
    // The same point when the page's reading (easting, northing in its CRS) is sent with that CRS.
    const [x, y] = mine.northingFirst === true ? [b, a] : mine.northingFirst === false ? [a, b] : mine.lonFirst ? [a, b] : [b, a];
    const named = await (await fetch(`${baseUrl}/api/locate?lon=${x}&lat=${y}&crs=${crs}`)).json();
    assert.ok(Math.abs(named.point.lon - auto.point.lon) < 1e-9 && Math.abs(named.point.lat - auto.point.lat) < 1e-9,
      `${a} ${b}: ${JSON.stringify(named.point)} vs ${JSON.stringify(auto.point)}`);
  }
});

test('the truck-ban answer prints with its map in the same layout', async () => {
  const { context, page, problems } = await openPage();
  try {
    await moveTo(page, P1, 13);
    await page.click('#truck-ban-toggle');
    await page.fill('#truck-ban-length', '9000');
    await page.fill('#truck-ban-mass', '15000');
    await page.selectOption('#truck-ban-body', 'open');
    await page.selectOption('#truck-ban-energy', 'fuel');
    await page.fill('#truck-ban-at', '2023-06-01T10:00');
    await page.dispatchEvent('#truck-ban-at', 'change');
    const { x, y } = await screenPoint(page, P1);
    const check = page.waitForResponse((r) => r.url().endsWith('/api/truck-ban/check'));
    await page.mouse.click(x, y);
    assert.equal((await check).status(), 200);
    await page.waitForSelector('#truck-ban-result[data-banned="true"]');
    await page.click('#truck-ban-print');
    await page.waitForSelector('#print-sheet[data-state="ready"]', { state: 'attached', timeout: 60_000 });
    const sheet = await page.$eval('#print-sheet', (e) => ({ text: e.textContent, ids: e.querySelectorAll('[id]').length,
      map: e.querySelector('.ps-map img').naturalWidth }));
    for (const text of ['货车禁行查询', '禁行', '临政发〔2023〕5号', '罚款200元、记1分', '图例', '比例尺']) {
      assert.ok(sheet.text.includes(text), `the truck-ban print lacks ${text}`);
    }
    assert.equal(sheet.ids, 0, 'the printed copy keeps no ids of the panel');
    assert.ok(sheet.map > 1000);
    // The checked point (an HTML marker on the page) is drawn in the print map at its place.
    const dark = await page.evaluate((ll) => {
      const img = document.querySelector('#print-sheet .ps-map img');
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      // Same centre and zoom as the page's map; `pixelRatio` image pixels per CSS pixel.
      const map = window.__landtraceMap;
      const ratio = Number(document.querySelector('#print-sheet').dataset.pixelRatio);
      const p = map.project(ll);
      const centre = map.project(map.getCenter());
      const x = Math.round(c.width / 2 + (p.x - centre.x) * ratio);
      const y = Math.round(c.height / 2 + (p.y - centre.y) * ratio);
      return { x, y, px: [...g.getImageData(x, y, 1, 1).data] };
    }, P1);
    assert.ok(dark.px[0] < 60 && dark.px[1] < 60 && dark.px[2] < 60, `no point drawn at P1: ${JSON.stringify(dark)}`);
    const pdf = path.join(tmp, 'truck-ban.pdf');
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const { text } = readPdf(pdf, 'print-truck-ban-pdf');
    assert.ok(text.includes('罚款200元、记1分'), text);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
