// The map client in a real browser: `target/debug/landtrace serve` serves the built
// page (web/dist) and its tiles, Debian's Chromium (driven by playwright-core) loads
// it, and the test checks what MapLibre renders and what the click panel shows.
//
// Needs: `npm ci && npm run build` in web/, `cargo build -p landtrace-cli`, and
// /usr/bin/chromium (`apt-get install chromium fonts-noto-cjk`). Run: `npm ci && npm test`
// here. Screenshots go to artifacts/browser/. Overrides: LANDTRACE_BIN, CHROMIUM, and
// LANDTRACE_TEST_URL (use a server that is already running instead of starting one;
// give its admin token as LANDTRACE_TEST_ADMIN_TOKEN, or the sign-in part and the
// traceability write test are skipped; the write test adds, edits, deletes and imports
// records, so point it only at a throw-away store). The server started here gets a
// fresh store in a temporary directory on every run.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

// Fixed test points of data/README.md.
const P1 = [110.775, 35.14]; // urban grade 1 and truck-ban zone
const P4 = [110.779276, 35.1419853]; // expropriation area 临政发〔2023〕10号
const P6 = [109.9, 35.2]; // outside 临猗县

let server; // the server started here: {baseUrl, adminToken, stop}
// The admin token the test server is started with (the sign-in test pastes it).
let adminToken = process.env.LANDTRACE_TEST_ADMIN_TOKEN || null;
let browser;
let baseUrl;
// A transport-bureau user (owns freight_sources, a point layer) for the import tool.
const TRAFFIC_TOKEN = `browser-traffic-${process.pid}-${Date.now()}`;
let trafficToken = process.env.LANDTRACE_TEST_TRAFFIC_TOKEN || null;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'landtrace-browser-'));

before(async () => {
  const external = process.env.LANDTRACE_TEST_URL?.replace(/\/$/, '');
  const needs = [['web/dist (npm ci && npm run build in web/)', path.join(webDir, 'index.html')],
    ['the landtrace binary (cargo build -p landtrace-cli)', bin], ['Chromium', chromiumPath]];
  for (const [what, p] of external ? needs.slice(2) : needs) assert.ok(existsSync(p), `missing ${what}: ${p}`);
  mkdirSync(artifacts, { recursive: true });
  if (external) {
    baseUrl = external;
  } else {
    server = await startServer({ users: [{ name: 'browser.traffic', role: 'traffic', token: TRAFFIC_TOKEN }] });
    ({ baseUrl, adminToken } = server);
    trafficToken = TRAFFIC_TOKEN;
  }
  for (const p of ['/', '/tiles/all.json']) {
    const res = await fetch(baseUrl + p);
    assert.equal(res.status, 200, `GET ${p} answered ${res.status}: the server must serve web/dist and the tiles`);
  }
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function openPage(contextOptions) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // MapLibre cancels tile requests it no longer needs after a jump.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !/^(data|blob):/.test(r.url())) problems.push(`external request: ${r.url()}`);
  });
  await page.goto(baseUrl + '/');
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
  return { context, page, problems };
}

/** Moves the map and waits until it has rendered everything at the new view. */
async function moveTo(page, center, zoom) {
  await page.evaluate(([c, z]) => new Promise((resolve) => {
    const map = window.__landtraceMap;
    map.once('idle', resolve);
    map.jumpTo({ center: c, zoom: z });
    map.triggerRepaint();
  }), [center, zoom]);
}

const waitIdle = (page) => page.evaluate(() => new Promise((resolve) => {
  const map = window.__landtraceMap;
  map.once('idle', resolve);
  map.triggerRepaint();
}));

/** Waits until the map has stopped moving and has drawn every tile. */
const settle = (page) => page.waitForFunction(() => {
  const map = window.__landtraceMap;
  return !map.isMoving() && map.loaded() && map.areTilesLoaded();
});

/** Number of rendered features per source-layer name (GeoJSON layers: the table part of the layer id). */
const renderedCounts = (page) => page.evaluate(() => {
  const counts = {};
  for (const f of window.__landtraceMap.queryRenderedFeatures()) {
    const layer = f.sourceLayer || f.layer.id.split(':')[0];
    counts[layer] = (counts[layer] ?? 0) + 1;
  }
  return counts;
});

/** Page coordinates of a lon/lat on the map canvas. */
const screenPoint = (page, lonLat) => page.evaluate((ll) => {
  const map = window.__landtraceMap;
  const p = map.project(ll);
  const r = map.getCanvas().getBoundingClientRect();
  return { x: r.left + p.x, y: r.top + p.y };
}, lonLat);

async function clickAt(page, lonLat, tap = false) {
  const { x, y } = await screenPoint(page, lonLat);
  const stamp = await page.$eval('#info-panel', (e) => e.dataset.lookup ?? '');
  if (tap) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
  await page.waitForFunction((s) => {
    const p = document.querySelector('#info-panel');
    return (p.dataset.state === 'result' || p.dataset.state === 'error') && (p.dataset.lookup ?? '') !== s;
  }, stamp, { timeout: 15_000 });
  assert.equal(await page.$eval('#info-panel', (e) => e.dataset.state), 'result', 'the locate lookup failed');
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, name) });

/**
 * Clicks at `lonLat` until the info panel shows the card of record `id` (three tries).
 * Closing a tool or saving a record refreshes the origin-point source asynchronously;
 * a click that lands while MapLibre re-tiles that GeoJSON source finds no point there,
 * as a person's click would, so the test waits for the map to settle and clicks again.
 */
async function openRecordCard(page, lonLat, id) {
  const card = page.locator(`#info-panel .record[data-record-id="${id}"]`);
  for (let attempt = 1; ; attempt += 1) {
    await waitIdle(page);
    await clickAt(page, lonLat);
    try {
      await card.waitFor({ timeout: 5_000 });
      return card;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

test('desktop: layers render, the click panel shows grade and prices, toggles work', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    await waitIdle(page);
    await shot(page, 'desktop-county.png');
    const notice = page.locator('#illustrative-notice');
    assert.ok(await notice.isVisible(), '#illustrative-notice is not visible');
    assert.match(await notice.innerText(), /示例数据，仅供演示，不作为决策依据/);

    // The county seat at street-block scale: grade zones, truck-ban zone and origin points.
    await moveTo(page, P1, 12);
    const counts = await renderedCounts(page);
    for (const layer of ['urban_grade_zones', 'truck_ban_zone', 'origin_points', 'county_boundaries']) {
      assert.ok(counts[layer] > 0, `no rendered features of ${layer}: ${JSON.stringify(counts)}`);
    }

    // P1: grade 1 with the gazette's prices, and the truck ban.
    await clickAt(page, P1);
    const grade = await page.locator('#info-panel [data-hit-layer="urban_grade_zones"]').innerText();
    for (const text of ['一级', '686', '657', '430', '401', '45.7', '43.8', '28.7', '26.7',
      '临政发〔2023〕8号', '晋自然资技审〔2023〕6号', '2023-05-01', '示例数据']) {
      assert.ok(grade.includes(text), `grade card lacks ${text}:\n${grade}`);
    }
    const ban = await page.locator('#info-panel [data-hit-layer="truck_ban_zone"]').innerText();
    for (const text of ['06:00-22:00', '临政发〔2023〕5号', '重中型货车禁止通行']) {
      assert.ok(ban.includes(text), `truck-ban card lacks ${text}:\n${ban}`);
    }
    assert.equal(await page.locator('#info-panel [data-hit-layer="expropriation_areas"]').count(), 0);
    await shot(page, 'desktop-p1-panel.png');

    // English.
    await page.click('#lang-toggle');
    const english = await page.locator('#info-panel [data-hit-layer="urban_grade_zones"]').innerText();
    assert.match(english, /Grade.*1 \(一级\)/);
    assert.match(english, /commercial/);
    assert.match(await page.locator('#illustrative-notice').innerText(), /Illustrative demo data, not for decisions/);
    await shot(page, 'desktop-p1-panel-en.png');
    await page.click('#lang-toggle');
    assert.match(await page.locator('#info-panel').innerText(), /一级/);

    // P4: the expropriation decision.
    await clickAt(page, P4);
    const expr = await page.locator('#info-panel [data-hit-layer="expropriation_areas"]').innerText();
    for (const text of ['壕村小区及油厂家属院', '临政发〔2023〕10号', '2023-06-29']) {
      assert.ok(expr.includes(text), `expropriation card lacks ${text}:\n${expr}`);
    }

    // Toggling a layer off removes its features from the map.
    await page.uncheck('[data-layer="urban_grade_zones"]');
    await waitIdle(page);
    const off = await renderedCounts(page);
    assert.equal(off.urban_grade_zones ?? 0, 0, `urban_grade_zones still rendered: ${JSON.stringify(off)}`);
    assert.ok(off.truck_ban_zone > 0, 'the truck-ban zone disappeared with the grade zones');
    await shot(page, 'desktop-grades-off.png');
    await page.check('[data-layer="urban_grade_zones"]');
    await waitIdle(page);
    assert.ok((await renderedCounts(page)).urban_grade_zones > 0, 'urban_grade_zones not back after re-checking');

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('phone (375×740): bottom sheet with the grade, usable layer list', async () => {
  const { context, page, problems } = await openPage({
    viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  try {
    await waitIdle(page);
    await shot(page, 'phone-county.png');
    assert.ok(await page.locator('#illustrative-notice').isVisible(), '#illustrative-notice is not visible');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 375, `page is ${overflow} px wide at 375 px`);

    // The layer list opens from the top bar and its toggles are reachable.
    const toggle = page.locator('[data-layer="truck_ban_zone"]');
    assert.ok(!(await toggle.isVisible()), 'layer list should start collapsed on a phone');
    await page.locator('#layers-toggle').tap();
    assert.ok(await toggle.isVisible(), 'layer toggles not visible after opening the layer list');
    const box = await toggle.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 375, `toggle off screen: ${JSON.stringify(box)}`);
    await shot(page, 'phone-layers.png');
    await page.locator('#layers-toggle').tap();

    await moveTo(page, P1, 12);
    const counts = await renderedCounts(page);
    assert.ok(counts.urban_grade_zones > 0, `no urban grade zones rendered: ${JSON.stringify(counts)}`);
    await clickAt(page, P1, true);
    const sheet = page.locator('#info-panel');
    assert.ok(await sheet.isVisible(), 'the info panel did not open');
    const sheetBox = await sheet.boundingBox();
    assert.ok(Math.abs(sheetBox.y + sheetBox.height - 740) <= 1 && sheetBox.width <= 375,
      `info panel is not a bottom sheet: ${JSON.stringify(sheetBox)}`);
    const text = await sheet.innerText();
    for (const t of ['一级', '686', '657', '430', '401']) assert.ok(text.includes(t), `sheet lacks ${t}`);
    await settle(page); // the map eases the clicked point above the sheet
    await waitIdle(page);
    await shot(page, 'phone-p1-sheet.png');
    await page.locator('#info-panel .close').tap();
    assert.ok(!(await sheet.isVisible()), 'the bottom sheet did not close');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

// ----- 地块估价 (parcel valuation) and expropriation periods -----------------------------

/** Clicks (or taps) the map at a lon/lat without waiting for anything. */
async function pressAt(page, lonLat, tap = false) {
  const { x, y } = await screenPoint(page, lonLat);
  if (tap) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
  return { x, y };
}

/** A square of ±`half` degrees around `center`, as 4 corners (counter-clockwise). */
const square = ([lon, lat], half) => [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([dx, dy]) => [lon + dx * half, lat + dy * half]);

/** Draws a parcel by clicking its corners and pressing 完成. */
async function drawParcel(page, corners, tap = false) {
  await page.waitForSelector('#valuation-panel[data-state="drawing"]');
  const points = [];
  for (const c of corners) points.push(await pressAt(page, c, tap));
  assert.match(await page.locator('#valuation-panel .v-hint').innerText(), new RegExp(`${corners.length} 个顶点`));
  if (tap) await page.locator('#valuation-finish').tap();
  else await page.click('#valuation-finish');
  return points;
}

/** Chooses a land use and returns the JSON answer of the valuation it triggers. */
async function chooseUse(page, use) {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/land/valuation') && r.request().method() === 'POST');
  await page.selectOption('#valuation-use', use);
  const res = await answer;
  await page.waitForFunction(() => ['result', 'error'].includes(document.querySelector('#valuation-panel').dataset.state));
  return { status: res.status(), body: await res.json() };
}

/** Checks the result table against the server's answer for a parcel wholly in urban grade 1, 住宅. */
async function checkGradeOneResidential(page, body) {
  assert.equal(await page.$eval('#valuation-panel', (e) => e.dataset.state), 'result');
  const v = body.valuation;
  assert.equal(v.parts.length, 1, `expected one grade part: ${JSON.stringify(v.parts)}`);
  const part = v.parts[0];
  assert.equal(part.grade_name, '一级');
  assert.equal(part.price.yuan_per_m2, 657);
  const expected = Math.round(part.area.m2 * 657);
  assert.equal(Number(v.total_value.yuan), expected, 'server total ≠ round(area × 657)');
  assert.ok(Math.abs(part.area.m2 - v.parcel_area.m2) < 0.01, 'the parcel is not wholly in grade 1');

  const table = await page.locator('#valuation-table').innerText();
  for (const text of ['一级', '657', '43.8', '100.00%', '级别范围外']) {
    assert.ok(table.includes(text), `valuation table lacks ${text}:\n${table}`);
  }
  const shown = await page.$eval('#valuation-panel .v-total', (e) => e.textContent);
  assert.equal(Number(shown.replace(/[^\d.]/g, '')), expected, `total shown as ${shown}, expected ${expected}`);
  assert.ok(table.replaceAll(',', '').includes(String(expected)), `table lacks the total ${expected}`);
  const panel = await page.locator('#valuation-panel').innerText();
  for (const text of ['临政发〔2023〕8号', '晋自然资技审〔2023〕6号', '2023-05-01', '示例数据']) {
    assert.ok(panel.includes(text), `valuation panel lacks ${text}`);
  }
  return expected;
}

/** Grade parts the map draws in the valuation parts layer. */
const renderedParts = (page) => page.evaluate(() => window.__landtraceMap
  .queryRenderedFeatures({ layers: ['valuation:parts-fill'] }).map((f) => f.properties));

test('desktop: parcel valuation (draw, error, batch, print) and expropriation periods', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    await moveTo(page, P1, 16);
    await page.click('#valuation-toggle');
    assert.ok(await page.locator('#valuation-panel').isVisible(), 'the valuation panel did not open');

    // A small square around P1, wholly in the demo grade-1 zone, valued for 住宅.
    await drawParcel(page, square(P1, 0.0004));
    assert.equal(await page.$eval('#valuation-panel', (e) => e.dataset.state), 'need-use');
    const { status, body } = await chooseUse(page, '住宅');
    assert.equal(status, 200, JSON.stringify(body));
    await checkGradeOneResidential(page, body);
    assert.equal(body.valuation.as_of, await page.inputValue('#valuation-as-of'), 'as_of is not the date input');
    await waitIdle(page);
    const parts = await renderedParts(page);
    assert.ok(parts.some((p) => p.grade === 1 && p.system === 'urban'), `no grade-1 part drawn: ${JSON.stringify(parts)}`);
    await shot(page, 'valuation-desktop.png');

    // Client-side CSV: UTF-8 with BOM, the part and the total.
    const csvDownload = page.waitForEvent('download');
    await page.click('#valuation-csv');
    const csv = readFileSync(await (await csvDownload).path(), 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'the CSV has no BOM');
    assert.ok(csv.includes('城区一级') && csv.includes(body.valuation.total_value.yuan), `CSV lacks the part or total:\n${csv}`);

    // A date before 2023-05-01: visible warning.
    const early = page.waitForResponse((r) => r.url().endsWith('/api/land/valuation'));
    await page.fill('#valuation-as-of', '2023-01-01');
    await page.dispatchEvent('#valuation-as-of', 'change');
    assert.equal((await (await early).json()).valuation.in_force, false);
    await page.waitForSelector('#valuation-panel .v-warning[data-in-force="false"]');
    assert.match(await page.locator('#valuation-panel .v-warning').innerText(), /早于.*2023-05-01/);
    await page.fill('#valuation-as-of', '2024-06-01');
    await page.dispatchEvent('#valuation-as-of', 'change');
    await page.waitForSelector('#valuation-panel .v-note[data-in-force="true"]');

    // 打印: window.print() is stubbed; the print layout (tools/print, tests/browser/print.test.mjs)
    // gives the map, the table, the corner table and the signatures, then the legend: at most two A4 pages.
    await page.evaluate(() => { window.print = () => { window.__printed = true; }; });
    await page.click('#valuation-print');
    await page.waitForFunction(() => window.__printed === true, null, { timeout: 60_000 });
    assert.ok(await page.$eval('#print-sheet .ps-map img', (img) => img.naturalWidth > 0), 'no map rendered for printing');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(path.join(artifacts, 'valuation-print.pdf'), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 1 && pages <= 2, `the printed report has ${pages} pages`);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(artifacts, 'valuation-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // English.
    await page.click('#lang-toggle');
    assert.match(await page.locator('#valuation-table').innerText(), /Urban grade 1/);
    await page.click('#lang-toggle');

    // A self-intersecting parcel: the server's reason is shown.
    await page.click('#valuation-draw');
    const [a, b, c, d] = square(P1, 0.0004);
    await drawParcel(page, [a, c, b, d]);
    await page.waitForSelector('#valuation-panel[data-state="error"]');
    assert.match(await page.locator('#valuation-panel .v-error').innerText(), /估价失败.*(处自相交|self-intersects at \()/);

    // Upload with two parcels: one valued, one outside the county; CSV report.
    const fc = { type: 'FeatureCollection', features: [P1, P6].map((p, i) => ({
      type: 'Feature', properties: { id: `T-${i + 1}` }, geometry: { type: 'Polygon', coordinates: [[...square(p, 0.0003), square(p, 0.0003)[0]]] },
    })) };
    const batch = page.waitForResponse((r) => r.url().includes('/api/land/valuation/batch'));
    await page.setInputFiles('#valuation-file', { name: 'parcels.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(fc)) });
    assert.equal((await batch).status(), 200);
    await page.waitForSelector('#valuation-panel[data-state="batch"]');
    const rows = await page.locator('#valuation-batch-table tbody tr').allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.match(rows[0], /T-1[\s\S]*已估价/);
    assert.match(rows[1], /T-2[\s\S]*错误[\s\S]*outside 临猗县/);
    // The same file checked against the expropriation areas, in its own column.
    assert.match(await page.locator('#valuation-batch-table thead').innerText(), /征收范围/);
    assert.match(rows[0], /(—|m²)\s*$/);
    const reportDownload = page.waitForEvent('download');
    await page.click('#valuation-report');
    const report = readFileSync(await (await reportDownload).path(), 'utf8');
    assert.match(report, /total_value_yuan/);
    await waitIdle(page);
    await shot(page, 'valuation-batch.png');

    // Closed: clicks look up again. P4 is in 临政发〔2023〕10号: the periods and their status today.
    await page.click('#valuation-panel .close');
    assert.ok(!(await page.locator('#valuation-panel').isVisible()), 'the valuation panel did not close');
    await moveTo(page, P4, 15);
    await clickAt(page, P4);
    await page.waitForSelector('#info-panel .timeline li[data-status]', { timeout: 15_000 });
    const expr = await page.locator('#info-panel [data-hit-layer="expropriation_areas"]').innerText();
    for (const text of ['临政发〔2023〕10号', '壕村小区及油厂家属院', '2023-06-29', '通告期限', '2023-07-04', '通告 六、通告期限']) {
      assert.ok(expr.includes(text), `expropriation card lacks ${text}:\n${expr}`);
    }
    assert.match(expr, /未开始|进行中|已结束/);
    // Issue 15: the valuation date (gazette line 1532), the objection/appeal periods (lines
    // 1580, 1586) and the signing progress of the illustrative register (counts only).
    await page.waitForSelector('#info-panel .progress[data-households]', { timeout: 15_000 });
    const progress = await page.locator('#info-panel .progress').innerText();
    for (const text of ['签约进度', '登记户数', '已签约', '已作出补偿决定']) {
      assert.ok(progress.includes(text), `progress lacks ${text}:\n${progress}`);
    }
    assert.equal(await page.locator('#info-panel .progress').getAttribute('data-households'), '4');
    assert.ok(expr.includes('估价时点') && expr.includes('复核评估'), `no valuation date or objection period:\n${expr}`);
    assert.ok(!expr.includes('示例户'), 'no household name reaches an anonymous visitor');
    assert.equal(await page.locator('#info-panel .register').count(), 0, 'no register for an anonymous visitor');
    // On the map: the area's label carries the counts of its project.
    await page.waitForSelector('.progress-label', { timeout: 15_000 });
    const labels = await page.locator('.progress-label').allInnerTexts();
    assert.ok(labels.includes('已签约 2/4 户 · 补偿决定 1'), `progress labels: ${labels}`);
    // Signed in (admin owns every layer, the housing role this one): the household register
    // of the project with each household's compensation as the server computed it.
    await signInAsAdmin(page);
    await clickAt(page, P4);
    await page.waitForSelector('#info-panel .register[data-count]', { timeout: 15_000 });
    assert.equal(await page.locator('#info-panel .register').getAttribute('data-count'), '4');
    const register = await page.locator('#info-panel .register').innerText();
    for (const text of ['被征收户登记', '10-001', '示例户甲', '已签约', '403,125 元']) {
      assert.ok(register.includes(text), `register lacks ${text}:\n${register}`);
    }
    await page.$eval('#info-panel [data-hit-layer="expropriation_areas"]', (e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, 'desktop-p4-periods.png');

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('phone (375×740): parcel valuation in the bottom sheet', async () => {
  const { context, page, problems } = await openPage({
    viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  try {
    await page.locator('#valuation-toggle').tap();
    const sheet = page.locator('#valuation-panel');
    assert.ok(await sheet.isVisible(), 'the valuation sheet did not open');
    const box = await sheet.boundingBox();
    assert.ok(Math.abs(box.y + box.height - 740) <= 1 && box.width <= 375, `not a bottom sheet: ${JSON.stringify(box)}`);
    // P1 in the part of the map above the sheet.
    await page.evaluate(([c, bottom]) => new Promise((resolve) => {
      const map = window.__landtraceMap;
      map.once('idle', resolve);
      map.jumpTo({ center: c, zoom: 16, padding: { top: 0, left: 0, right: 0, bottom } });
      map.triggerRepaint();
    }), [P1, box.height]);
    const points = await drawParcel(page, square(P1, 0.0003), true);
    for (const p of points) assert.ok(p.y < box.y, `vertex ${JSON.stringify(p)} is under the sheet`);
    const { status, body } = await chooseUse(page, '住宅');
    assert.equal(status, 200, JSON.stringify(body));
    await checkGradeOneResidential(page, body);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 375, `page is ${overflow} px wide at 375 px`);
    await waitIdle(page);
    assert.ok((await renderedParts(page)).length > 0, 'no grade part drawn');
    await shot(page, 'valuation-phone.png');
    await page.$eval('#valuation-panel .valuation-body', (e) => { e.scrollTop = e.scrollHeight; });
    await shot(page, 'valuation-phone-end.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

// ----- 货车禁行 (truck ban): point check and track upload ---------------------------------

/** Clicks the map with the truck-ban tool open and waits for the decision. */
async function truckBanAt(page, lonLat) {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/truck-ban/check'));
  await pressAt(page, lonLat);
  assert.equal((await answer).status(), 200);
  await page.waitForFunction(() => ['result', 'error'].includes(document.querySelector('#truck-ban-panel').dataset.state));
  assert.equal(await page.$eval('#truck-ban-panel', (e) => e.dataset.state), 'result',
    await page.locator('#truck-ban-panel').innerText());
  return page.locator('#truck-ban-result').innerText();
}

test('desktop: truck ban (vehicle check at P1, day and night; track upload)', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    await moveTo(page, P1, 13);
    await page.click('#truck-ban-toggle');
    assert.ok(await page.locator('#truck-ban-panel').isVisible(), 'the truck-ban panel did not open');
    await page.fill('#truck-ban-length', '9000');
    await page.fill('#truck-ban-mass', '15000');
    await page.selectOption('#truck-ban-body', 'open');
    await page.selectOption('#truck-ban-energy', 'fuel');
    await page.fill('#truck-ban-at', '2023-06-01T10:00');
    await page.dispatchEvent('#truck-ban-at', 'change');

    const day = await truckBanAt(page, P1);
    for (const text of ['禁行', '一、(一)', '临政发〔2023〕5号', '200', '罚款200元、记1分', '重型货车', '示例数据']) {
      assert.ok(day.includes(text), `truck-ban result lacks ${text}:\n${day}`);
    }
    assert.equal(await page.$eval('#truck-ban-result', (e) => e.dataset.banned), 'true');
    assert.match(day, /在禁行区域内\s*是/);
    assert.equal(await page.locator('#info-panel').isVisible(), false, 'the info panel should give way to the tool');
    await waitIdle(page);
    await shot(page, 'truck-ban-banned.png');

    // 23:00: outside the ban hours.
    const night = page.waitForResponse((r) => r.url().endsWith('/api/truck-ban/check'));
    await page.fill('#truck-ban-at', '2023-06-01T23:00');
    await page.dispatchEvent('#truck-ban-at', 'change');
    assert.equal((await night).status(), 200);
    await page.waitForSelector('#truck-ban-result[data-banned="false"]');
    const allowed = await page.locator('#truck-ban-result').innerText();
    assert.ok(allowed.includes('允许'), `not allowed at 23:00:\n${allowed}`);
    assert.ok(!allowed.includes('罚款'), 'a penalty is shown when allowed');
    await shot(page, 'truck-ban-allowed.png');

    // A CSV track eastwards along 35.14 from 110.74 to 110.80, one fix a minute, 10:00-10:30.
    const lines = ['time,lon,lat'];
    for (let i = 0; i <= 30; i++) {
      lines.push(`2023-06-01T10:${String(i).padStart(2, '0')}:00+08:00,${(110.74 + (0.06 * i) / 30).toFixed(6)},35.14`);
    }
    const csvPath = path.join(tmp, 'track.csv');
    writeFileSync(csvPath, `${lines.join('\n')}\n`);
    const track = page.waitForResponse((r) => r.url().includes('/api/truck-ban/track'));
    await page.setInputFiles('#truck-ban-file', csvPath);
    assert.equal((await track).status(), 200);
    await page.waitForSelector('#truck-ban-panel[data-state="track"]');
    const rows = await page.locator('#truck-ban-intervals tbody tr').allInnerTexts();
    assert.ok(rows.length >= 1, 'no violation interval listed');
    assert.match(rows[0], /2023-06-01 10:\d\d:\d\d[\s\S]*2023-06-01 10:\d\d:\d\d/);
    const panel = await page.locator('#truck-ban-panel').innerText();
    assert.match(panel, /合计/);
    await settle(page);
    await waitIdle(page);
    const drawn = await page.evaluate(() => window.__landtraceMap
      .queryRenderedFeatures({ layers: ['truckban:track', 'truckban:violations'] }).map((f) => f.layer.id));
    assert.ok(drawn.includes('truckban:track') && drawn.includes('truckban:violations'), `track not drawn: ${drawn}`);
    await shot(page, 'truck-ban-track.png');

    // Closed: clicks look up again.
    await page.click('#truck-ban-panel .close');
    assert.ok(!(await page.locator('#truck-ban-panel').isVisible()), 'the truck-ban panel did not close');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

// ----- 产地溯源点 (origin points): filter, record card, sign-in; sponge-city runoff -------

/** GET a JSON API of the test server (with a bearer token when given). */
async function api(pathAndQuery, token) {
  const res = await fetch(baseUrl + pathAndQuery, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  assert.equal(res.status, 200, `GET ${pathAndQuery} answered ${res.status}: ${await res.clone().text()}`);
  return res.json();
}

// Mobile numbers and 0359 landlines, not digits inside coordinates or ids.
const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0359[-\s]?\d{7}(?!\d)/;

/** Waits until the filter panel has drawn the answer to a query containing every part of `want`. */
const filterReady = (page, want = []) => page.waitForFunction((parts) => {
  const r = document.querySelector('#origin-filter');
  return r?.dataset.state === 'ready' && parts.every((p) => (r.dataset.query ?? '').includes(p));
}, want, { timeout: 15_000 });

/**
 * Origin points the map draws in the view: each single point counts 1, each cluster
 * its point_count (MapLibre may return a feature once per tile it touches).
 */
const drawnOrigins = (page) => page.evaluate(() => {
  const map = window.__landtraceMap;
  const clusters = new Map();
  const singles = new Map();
  for (const f of map.queryRenderedFeatures({ layers: ['origin_points:clusters', 'origin_points:points'] })) {
    if (f.properties.cluster) clusters.set(f.properties.cluster_id, f.properties.point_count);
    else singles.set(f.id ?? f.properties.fid, f.properties.product);
  }
  const inClusters = [...clusters.values()].reduce((a, b) => a + b, 0);
  return { total: inClusters + singles.size, clusters: clusters.size, products: [...new Set(singles.values())] };
});

test('desktop: origin-point filter, record card anonymous and signed in', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    await filterReady(page);
    const filter = page.locator('#origin-filter');
    const asOf = await page.inputValue('#origin-as-of');
    assert.match(asOf, /^\d{4}-\d{2}-\d{2}$/, 'no as-of date by default');
    const all = await api(`/api/trace/records?as_of=${asOf}`);
    const total = all.features.length;
    assert.ok(total > 0, 'no origin records');
    assert.equal(await filter.getAttribute('data-total'), String(total));
    assert.equal(await filter.getAttribute('data-shown'), String(total));
    await waitIdle(page);
    assert.equal((await drawnOrigins(page)).total, total, 'not every record is drawn at the county view');

    // (a) One product: the points drawn (clusters counted by size) are exactly the API's.
    const product = '韭菜';
    await page.selectOption('#origin-product', product);
    await filterReady(page, [`product=${encodeURIComponent(product)}`]);
    const byProduct = await api(`/api/trace/records?product=${encodeURIComponent(product)}&as_of=${asOf}`);
    const expected = byProduct.features.length;
    assert.ok(expected > 0 && expected < total, `${expected} of ${total} records are ${product}`);
    assert.equal(await filter.getAttribute('data-shown'), String(expected));
    assert.match(await page.locator('#origin-count').innerText(), new RegExp(`显示 ${expected} / 共 ${total} 个点位`));
    await waitIdle(page);
    const drawn = await drawnOrigins(page);
    assert.equal(drawn.total, expected, `drawn ${JSON.stringify(drawn)}, API ${expected}`);
    assert.ok(drawn.products.every((p) => p === product), `other products drawn: ${drawn.products}`);
    await shot(page, 'origin-filter-product.png');

    // Zoomed in (no clusters): every point drawn is of the product.
    const first = byProduct.features[0];
    await moveTo(page, first.geometry.coordinates, 12);
    const near = await drawnOrigins(page);
    assert.equal(near.clusters, 0, 'clusters at zoom 12');
    assert.ok(near.total > 0 && near.products.every((p) => p === product), `zoom 12: ${JSON.stringify(near)}`);

    // Product + due status on a fixed date: again the API's count.
    await page.fill('#origin-as-of', '2024-03-01');
    await page.dispatchEvent('#origin-as-of', 'change');
    await page.selectOption('#origin-due', 'overdue');
    await filterReady(page, ['due=overdue', 'as_of=2024-03-01']);
    const overdue = await api(`/api/trace/records?product=${encodeURIComponent(product)}&due=overdue&as_of=2024-03-01`);
    assert.equal(await filter.getAttribute('data-shown'), String(overdue.features.length));
    for (const f of overdue.features) assert.equal(String(f.properties.due?.status).toLowerCase(), 'overdue');
    await page.click('#origin-reset');
    await filterReady(page);
    assert.equal(await filter.getAttribute('data-shown'), String(total));

    // (b) Anonymous click on a point (one below the mandatory scale, if any): the record,
    // its flags, and no phone number anywhere in the panel.
    const record = all.features.find((f) => f.properties.threshold?.mandatory === false) ?? all.features[0];
    for (const key of ['contact_phone', 'grid_officer_phone', 'collector_phone', 'contact_name']) {
      assert.ok(!(key in record.properties), `anonymous API answer carries ${key}`);
    }
    await moveTo(page, record.geometry.coordinates, 15);
    const card = await openRecordCard(page, record.geometry.coordinates, record.id);
    const anonymous = await card.innerText();
    for (const text of [record.properties.subject_name, record.properties.subject_type, record.properties.base_address,
      record.properties.township_name, '联系人信息仅对登录的农业农村部门人员显示', '示例数据']) {
      assert.ok(text && anonymous.includes(text), `record card lacks ${text}:\n${anonymous}`);
    }
    assert.match(anonymous, /逾期 \d+ 天|按期/);
    if (record.properties.threshold?.mandatory === false) {
      assert.match(anonymous, /未达强制采集规模/);
      assert.ok(anonymous.includes(record.properties.threshold.rule), `no threshold rule in:\n${anonymous}`);
    }
    const due = record.properties.due;
    if (due) assert.ok(anonymous.includes(due.due_on), `no due date ${due.due_on} in:\n${anonymous}`);
    const panelText = await page.locator('#info-panel').innerText();
    assert.doesNotMatch(panelText, PHONE, `a phone number in the anonymous panel:\n${panelText}`);
    await shot(page, 'origin-record-anonymous.png');

    // (c) Sign in: a wrong token is refused with a clear message; the admin token shows the contacts.
    if (adminToken) {
      await page.click('#auth-toggle');
      await page.fill('#auth-token', 'not-a-token');
      await page.click('#auth-submit');
      await page.waitForSelector('#auth-panel[data-state="error"]');
      assert.match(await page.locator('#auth-panel').innerText(), /令牌无效或已过期（401）/);
      await page.fill('#auth-token', adminToken);
      await page.click('#auth-submit');
      await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
      assert.match(await page.locator('#auth-toggle').innerText(), /admin/);
      const full = await api(`/api/trace/records/${record.id}?as_of=${asOf}`, adminToken);
      const phone = full.properties.contact_phone;
      assert.match(phone ?? '', PHONE, 'the admin API answer has no contact phone');
      // The panel looks the point up again with the token.
      await page.waitForFunction((p) => document.querySelector('#info-panel .record')?.innerText.includes(p), phone, { timeout: 10_000 });
      const signedIn = await page.locator('#info-panel .record').innerText();
      for (const text of [phone, full.properties.contact_name, full.properties.grid_officer_phone, full.properties.collector_phone]) {
        assert.ok(text && signedIn.includes(text), `signed-in record lacks ${text}:\n${signedIn}`);
      }
      assert.ok(!signedIn.includes('联系人信息仅对登录'), 'the anonymous line is still shown after signing in');
      await shot(page, 'origin-record-signed-in.png');

      // Sign out: the contacts are gone again.
      await page.click('#auth-toggle');
      await page.click('#auth-signout');
      await page.waitForFunction(() => document.querySelector('#info-panel .record .contacts-hidden'), null, { timeout: 10_000 });
      assert.doesNotMatch(await page.locator('#info-panel').innerText(), PHONE);
      assert.match(await page.locator('#auth-toggle').innerText(), /登录/);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

/** A point inside the first demo sponge project that /api/locate finds in it. */
const spongeProjectPoint = () => projectPoint('sponge_projects');

/** A point inside the first demo feature of `layer` (a polygon layer) that /api/locate finds in it. */
async function projectPoint(layer) {
  const fc = JSON.parse(readFileSync(path.join(repo, `data/demo/${layer}.geojson`), 'utf8'));
  for (const f of fc.features) {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    const visit = (c) => {
      if (typeof c[0] === 'number') {
        box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
        box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
      } else c.forEach(visit);
    };
    visit(f.geometry.coordinates);
    for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.3], [0.7, 0.7], [0.3, 0.7], [0.7, 0.3]]) {
      const p = [box[0] + fx * (box[2] - box[0]), box[1] + fy * (box[3] - box[1])];
      const hits = (await api(`/api/locate?lon=${p[0].toFixed(7)}&lat=${p[1].toFixed(7)}`)).hits;
      const hit = hits.find((h) => h.layer === layer);
      if (hit) return { point: p, id: hit.id, name: f.properties.name, properties: f.properties };
    }
  }
  throw new Error(`no point inside a demo ${layer} feature found`);
}

test('desktop: a consolidation project shows its scope and the subsidy by calendar year (临政发〔2023〕9号 lines 1348, 1362)', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    const { point, id, name, properties } = await projectPoint('consolidation_projects');
    const answer = await api(`/api/land/consolidation/projects/${id}`);
    await moveTo(page, point, 14);
    await clickAt(page, point);
    const section = page.locator('#info-panel [data-hit-layer="consolidation_projects"] .consolidation');
    await section.waitFor({ timeout: 15_000 });
    assert.equal(await section.getAttribute('data-scope'), answer.scope.status);
    const text = await page.locator('#info-panel [data-hit-layer="consolidation_projects"]').innerText();
    for (const t of [name, '临政发〔2023〕9号', '第1348行', '是否适用本办法']) {
      assert.ok(text.includes(t), `the consolidation card lacks ${t}:\n${text}`);
    }
    if (properties.project_type === '土地整治') {
      assert.ok(text.includes('第1362行') && text.includes('县财政'), `no subsidy terms:\n${text}`);
      if (properties.accepted_on) {
        const year = Number(properties.accepted_on.slice(0, 4));
        assert.ok(text.includes(String(year)) && text.includes(String(year + 4)) && text.includes('假定'), `no calendar years:\n${text}`);
      }
    }
    await page.$eval('#info-panel [data-hit-layer="consolidation_projects"]', (e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, 'consolidation-project.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('desktop: parcel appraisal by the benchmark-price coefficient method (benchmark alone without tables; illustrative tables with sources)', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    await moveTo(page, P1, 16);
    await page.click('#valuation-toggle');
    await drawParcel(page, square(P1, 0.0004));
    const { status } = await chooseUse(page, '住宅');
    assert.equal(status, 200);
    await page.click('#valuation-panel .v-appraisal-controls summary');
    await page.fill('#valuation-term', '50');
    await page.dispatchEvent('#valuation-term', 'change');
    const plain = page.waitForResponse((r) => r.url().endsWith('/api/land/valuation'));
    await page.check('#valuation-appraisal');
    const bare = await (await plain).json();
    assert.equal(bare.appraisal.method, 'benchmark_only', JSON.stringify(bare.appraisal));
    await page.waitForSelector('#valuation-panel .v-appraisal[data-method="benchmark_only"]');
    assert.match(await page.locator('#valuation-panel .v-benchmark-only').innerText(), /基准地价本身/);

    const withTables = page.waitForResponse((r) => r.url().endsWith('/api/land/valuation'));
    await page.selectOption('#valuation-corrections', 'illustrative');
    const corrected = await (await withTables).json();
    assert.equal(corrected.appraisal.method, 'coefficient_correction');
    await page.waitForSelector('#valuation-panel .v-appraisal[data-method="coefficient_correction"]');
    const text = await page.locator('#valuation-panel .v-appraisal').innerText();
    for (const t of ['年期修正', '期日修正', '容积率修正', '个别因素修正', '系数来源', 'illustrative', '未载明']) {
      assert.ok(text.includes(t), `the appraisal lacks ${t}:\n${text}`);
    }
    assert.ok(await page.locator('#valuation-panel .v-appraisal tr[data-applied="true"]').count() >= 2);
    await page.$eval('#valuation-panel .v-appraisal', (e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, 'valuation-appraisal.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('desktop: a sponge-city project shows its runoff control with the assumed rainfall', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    const { point, id, name } = await spongeProjectPoint();
    const runoff = await api(`/api/sponge/projects/${id}/runoff`);
    const estimate = runoff.estimate ?? runoff;
    await moveTo(page, point, 16);
    const drawn = await page.evaluate(() => window.__landtraceMap
      .queryRenderedFeatures({ layers: ['sponge_projects:line', 'sponge_projects:fill'] }).length);
    assert.ok(drawn > 0, 'the sponge project is not drawn');
    await clickAt(page, point);
    const section = page.locator('#info-panel [data-hit-layer="sponge_projects"] .runoff');
    await section.waitFor({ timeout: 15_000 });
    const text = await page.locator('#info-panel [data-hit-layer="sponge_projects"]').innerText();
    const ratio = `${Number(estimate.achieved_percent).toFixed(1)}%`;
    for (const t of [name, '径流总量控制', '年径流总量控制率', ratio, '假定', '计算过程', '示例数据', '第2274行']) {
      assert.ok(text.includes(t), `the sponge project card lacks ${t}:\n${text}`);
    }
    // 临政办发〔2023〕11号 line 2274: only 新建 projects have a number (80 %) to meet.
    if (estimate.target_percent == null) {
      assert.ok(text.includes('无数值目标') && text.includes('不作达标判定') && !text.includes('未达标'), 'a rebuild shown with a verdict');
      assert.equal(await section.getAttribute('data-meets-target'), 'null');
    } else {
      assert.ok(text.includes('V = 10·H·φ·F'), 'no required volume');
      if (estimate.meets_target) assert.ok(text.includes('达标') && !text.includes('未达标'), 'not shown as 达标');
      else assert.ok(text.includes('未达标'), 'not shown as 未达标');
      assert.equal(await section.getAttribute('data-meets-target'), String(Boolean(estimate.meets_target)));
    }
    assert.ok(await page.locator('#info-panel .runoff .assumption-badge').isVisible(), 'no 假定值 badge');
    for (const w of estimate.working ?? []) assert.ok(text.includes(w), `working line missing: ${w}`);
    await page.$eval('#info-panel [data-hit-layer="sponge_projects"]', (e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, 'sponge-project-runoff.png');
    await page.$eval('#info-panel .runoff-working', (e) => e.scrollIntoView({ block: 'end' }));
    await shot(page, 'sponge-project-runoff-working.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

// ----- 溯源采集 (traceability tool): record form, batch import, overdue list, ledger -----

/** Signs in with the admin token through the sign-in panel (opened by `opener`). */
async function signInAsAdmin(page, opener = '#auth-toggle') {
  await page.click(opener);
  await page.fill('#auth-token', adminToken);
  await page.click('#auth-submit');
  await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
}

/** Waits until the filter panel's point count (data-total and data-shown, no filter) is `n`. */
const originCount = (page, n) => page.waitForFunction((want) => {
  const r = document.querySelector('#origin-filter');
  return r?.dataset.state === 'ready' && r.dataset.total === String(want) && r.dataset.shown === String(want);
}, n, { timeout: 15_000 });

/** Number of stored records, as the API says. */
const storedRecords = async () => (await api('/api/trace/records')).total;

const CSV_HEADER = '种养殖主体名称,主体类型,产品名称,乡镇,村,经度,纬度,种养殖主体联系人,种养殖主体联系方式,种养规模,规模单位,追溯方式,采集日期';
const CSV_GOOD = [
  '浏览器导入甲家庭农场,家庭农场,韭菜,猗氏镇,王村,110.776,35.141,导入联系人甲,13900000002,0.2,亩,追溯码,2023-06-01',
  '浏览器导入乙养殖户,种养殖户,生猪,临晋镇,,110.70,35.16,导入联系人乙,13900000003,50,头,耳标、动物检疫合格证,2023-06-02',
];

test('desktop: traceability tool — add a record (problems next to fields), edit/delete buttons, batch import', async (t) => {
  if (!adminToken) {
    t.skip('no admin token for the test server (LANDTRACE_TEST_ADMIN_TOKEN)');
    return;
  }
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    await filterReady(page);
    const before = await storedRecords();
    await originCount(page, before);

    // Anonymous: the tool explains that writing needs a sign-in.
    await page.click('#trace-toggle');
    await page.waitForSelector('#trace-record[data-state="signed-out"]');
    assert.match(await page.locator('#trace-record').innerText(), /须由农业农村部门工作人员或管理员登录/);
    await signInAsAdmin(page, '#trace-sign-in-record');
    await page.waitForSelector('#trace-record[data-state="editing"] #trace-form');
    await filterReady(page);

    // The position by a click on the map inside the county, then the form.
    await moveTo(page, P1, 14);
    await pressAt(page, P1);
    assert.ok(Math.abs(Number(await page.inputValue('#trace-f-lon')) - P1[0]) < 1e-4, 'the click did not set the longitude');
    assert.ok(Math.abs(Number(await page.inputValue('#trace-f-lat')) - P1[1]) < 1e-4, 'the click did not set the latitude');
    const name = '浏览器测试示例家庭农场';
    await page.fill('#trace-f-subject_name', name);
    await page.selectOption('#trace-f-subject_type', '家庭农场');
    await page.selectOption('#trace-f-product', '豇豆');
    assert.equal(await page.inputValue('#trace-f-scale_unit'), '亩', 'the unit was not filled from the product');
    await page.fill('#trace-f-scale', '0.3'); // below 0.5 亩: not mandatory
    await page.selectOption('#trace-f-township', { label: '猗氏镇' });
    await page.fill('#trace-f-village', '王村');
    await page.fill('#trace-f-contact_name', '测试联系人');
    await page.fill('#trace-f-contact_phone', '12345');
    await page.check('#trace-f-trace_means-1'); // 追溯码
    await page.fill('#trace-f-collector_name', '测试采集员');

    // A bad phone: the problem next to the phone field, the input kept, nothing stored.
    let answer = page.waitForResponse((r) => r.url().endsWith('/api/trace/records') && r.request().method() === 'POST');
    await page.click('#trace-submit');
    assert.equal((await answer).status(), 400);
    await page.waitForSelector('#trace-record[data-state="invalid"]');
    const phoneRow = page.locator('#trace-form .tf[data-field="contact_phone"]');
    assert.match(await phoneRow.locator('.tf-problem').innerText(), /12345.*手机号/);
    assert.ok(await phoneRow.locator('.tf-problem').isVisible(), 'the phone problem is not visible');
    assert.equal(await page.locator('#trace-form .tf.has-problem').count(), 1, 'problems next to other fields');
    assert.equal(await page.inputValue('#trace-f-subject_name'), name, 'the input was not kept');
    assert.equal(await page.inputValue('#trace-f-contact_phone'), '12345');
    assert.match(await page.locator('#trace-form .tr-invalid').innerText(), /记录未保存/);
    assert.equal(await storedRecords(), before, 'a record was stored despite the 400');
    await phoneRow.scrollIntoViewIfNeeded();
    await shot(page, 'trace-form-invalid.png');

    // Corrected: stored, flagged as not mandatory, one more point on the map.
    await page.fill('#trace-f-contact_phone', '13800000001');
    answer = page.waitForResponse((r) => r.url().endsWith('/api/trace/records') && r.request().method() === 'POST');
    await page.click('#trace-submit');
    const created = await answer;
    assert.equal(created.status(), 201);
    const record = await created.json();
    await page.waitForSelector('#trace-record[data-state="saved"] #trace-result[data-mandatory="false"]');
    const result = await page.locator('#trace-result').innerText();
    for (const text of [`已新增记录 #${record.id}`, '未达强制采集规模', '种植面积 ≥ 0.5 亩', name]) {
      assert.ok(result.includes(text), `the result lacks ${text}:\n${result}`);
    }
    assert.equal(await storedRecords(), before + 1);
    await originCount(page, before + 1);
    await waitIdle(page);
    await shot(page, 'trace-form.png');

    // The record card on the map has 编辑 and 删除; 编辑 fills the form with the stored record.
    await page.click('#trace-panel .close');
    await moveTo(page, P1, 17);
    const card = await openRecordCard(page, P1, record.id);
    await card.locator('.record-edit').click();
    await page.waitForSelector('#trace-record[data-state="editing"] #trace-new');
    assert.match(await page.locator('#trace-record .tr-mode').innerText(), new RegExp(`编辑记录 #${record.id}`));
    assert.equal(await page.inputValue('#trace-f-contact_phone'), '13800000001');
    assert.equal(await page.inputValue('#trace-f-subject_name'), name);
    assert.equal(await page.inputValue('#trace-f-scale'), '0.3');
    assert.ok(await page.isChecked('#trace-f-trace_means-1'), 'trace means not filled in');
    answer = page.waitForResponse((r) => r.url().endsWith(`/api/trace/records/${record.id}`) && r.request().method() === 'PUT');
    await page.fill('#trace-f-scale', '0.8');
    await page.click('#trace-submit');
    assert.equal((await answer).status(), 200);
    await page.waitForSelector('#trace-record[data-state="saved"] #trace-result[data-mandatory="true"]');
    assert.equal((await api(`/api/trace/records/${record.id}`, adminToken)).properties.scale, 0.8);

    // 删除 asks first, then deletes.
    await page.click('#trace-panel .close');
    await openRecordCard(page, P1, record.id);
    await card.locator('.record-delete').click();
    assert.match(await card.locator('.record-confirm').innerText(), /确定删除.*不能恢复/);
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'trace-record-delete.png');
    const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/trace/records/${record.id}`) && r.request().method() === 'DELETE');
    await card.locator('.record-delete-confirm').click();
    assert.equal((await deleted).status(), 204);
    await originCount(page, before);
    assert.equal(await storedRecords(), before);

    // 批量导入: a dry run shows the rows and their threshold flags; a bad row its line and problem.
    await page.click('#trace-toggle');
    await page.click('#trace-tab-import');
    const csv = (lines) => ({ name: 'trace.csv', mimeType: 'text/csv', buffer: Buffer.from(`${[CSV_HEADER, ...lines].join('\n')}\n`) });
    await page.setInputFiles('#trace-import-file', csv(CSV_GOOD));
    await page.click('#trace-import-check');
    await page.waitForSelector('#trace-import[data-state="checked"]');
    const rows = await page.locator('#trace-import-rows tbody tr').allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.match(rows[0], /^2\s[\s\S]*浏览器导入甲家庭农场[\s\S]*未达强制采集规模/);
    assert.match(rows[1], /^3\s[\s\S]*浏览器导入乙养殖户[\s\S]*达到/);
    assert.match(await page.locator('#trace-import-summary').innerText(), /检查通过：共 2 行.*尚未导入[\s\S]*1 行未达强制采集规模/);
    assert.equal(await storedRecords(), before, 'the dry run stored records');
    await shot(page, 'trace-import-check.png');

    await page.setInputFiles('#trace-import-file', csv([CSV_GOOD[0], CSV_GOOD[1].replace('13900000003', '1390000')]));
    await page.selectOption('#trace-import-encoding', 'utf-8');
    const rejected = page.waitForResponse((r) => r.url().includes('/api/trace/import'));
    await page.click('#trace-import-check');
    assert.equal((await rejected).status(), 400);
    await page.waitForSelector('#trace-import[data-state="invalid"]');
    const bad = await page.locator('#trace-import-problems tbody tr').allInnerTexts();
    assert.equal(bad.length, 1, bad.join('\n'));
    assert.match(bad[0], /^3\s[\s\S]*contact_phone[\s\S]*1390000/);
    assert.match(await page.locator('#trace-import-summary').innerText(), /未保存任何记录/);
    assert.equal(await page.locator('#trace-import .tr-ok').count(), 0, 'success claimed on a 400');
    await shot(page, 'trace-import-problems.png');
    // 导入 of the bad file is refused as a whole.
    const refused = page.waitForResponse((r) => r.url().includes('/api/trace/import'));
    await page.click('#trace-import-run');
    assert.equal((await refused).status(), 400);
    await page.waitForSelector('#trace-import[data-state="invalid"]');
    assert.equal(await storedRecords(), before);

    // 导入 of the good file stores both rows.
    await page.setInputFiles('#trace-import-file', csv(CSV_GOOD));
    const imported = page.waitForResponse((r) => r.url().includes('/api/trace/import'));
    await page.click('#trace-import-run');
    assert.equal((await imported).status(), 201);
    await page.waitForSelector('#trace-import[data-state="imported"]');
    assert.match(await page.locator('#trace-import-summary').innerText(), /已导入 2 条记录/);
    await originCount(page, before + 2);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('desktop: traceability tool — weekly ledger and overdue list (public)', async () => {
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    // 打印 prints the ledger page it opens; print() is stubbed in every page of the context.
    await context.addInitScript(() => { window.print = () => { window.__printed = true; }; });
    await page.click('#trace-toggle');
    await page.waitForSelector('#trace-record[data-state="signed-out"]');

    // 每周调度台账: the last complete week by default (the server's default too), then 2023-W24.
    await page.click('#trace-tab-ledger');
    await page.waitForSelector('#trace-ledger[data-state="ready"]');
    // The default week is the server's (the ledger without a week is the last complete week's).
    assert.equal(await page.inputValue('#trace-ledger-week'), (await api('/api/trace/ledger?format=json')).week);
    await page.fill('#trace-ledger-week', '2023-W24');
    await page.dispatchEvent('#trace-ledger-week', 'change');
    await page.waitForSelector('#trace-ledger[data-state="ready"][data-week="2023-W24"]');
    const ledger = await api('/api/trace/ledger?week=2023-W24');
    const rows = page.locator('#trace-ledger-table tbody tr');
    assert.equal(await rows.count(), 14);
    assert.equal(ledger.rows.length, 14);
    assert.equal(await page.locator('#trace-ledger-table thead th').count(), 15, 'township + 12 products + total + completeness');
    assert.match(await page.locator('#trace-ledger-range').innerText(), /2023-06-12 至 2023-06-18.*2023-06-20/);
    for (const [i, row] of ledger.rows.entries()) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      assert.equal(cells[0], row.township_name);
      row.counts.forEach((c, j) => {
        const change = c.change === 0 ? '无变化' : c.change > 0 ? `+${c.change}` : `−${-c.change}`;
        assert.equal(cells[j + 1].replace(/\s+/g, ' '), `${c.this_week} ${change}`, `${row.township_name} ${c.product}`);
      });
    }
    assert.match(await page.locator('#trace-ledger-table tfoot').innerText(), new RegExp(`全县合计[\\s\\S]*${ledger.totals.total}`));
    const href = await page.getAttribute('#trace-ledger-csv', 'href');
    assert.match(href, /api\/trace\/ledger\?week=2023-W24&format=csv$/);
    const csv = await fetch(new URL(href, baseUrl));
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /text\/csv/);
    await shot(page, 'trace-ledger.png');
    const popup = page.waitForEvent('popup');
    await page.click('#trace-ledger-print');
    const printed = await popup;
    await printed.waitForLoadState();
    assert.match(printed.url(), /api\/trace\/ledger\?week=2023-W24&format=html$/);
    assert.match(await printed.title(), /每周调度台账/);
    await printed.waitForFunction(() => window.__printed === true, null, { timeout: 10_000 });
    await printed.close();

    // 逾期提醒 on 2023-12-01: the API's total, by township; a row opens its record on the map.
    await page.click('#trace-tab-due');
    await page.fill('#trace-due-as-of', '2023-12-01');
    await page.dispatchEvent('#trace-due-as-of', 'change');
    await page.waitForFunction(() => {
      const p = document.querySelector('#trace-due');
      return p?.dataset.state === 'ready' && document.querySelector('#trace-due-total')?.textContent.includes('2023-12-01');
    }, null, { timeout: 15_000 });
    const due = await api('/api/trace/due?as_of=2023-12-01');
    assert.ok(due.total_overdue > 0, 'nothing overdue on 2023-12-01');
    assert.equal(await page.getAttribute('#trace-due', 'data-total'), String(due.total_overdue));
    assert.match(await page.locator('#trace-due-total').innerText(), new RegExp(`截至 2023-12-01，逾期未更新 ${due.total_overdue} 条`));
    const towns = await page.$$eval('#trace-due .due-town', (ds) => ds.map((d) => [d.dataset.code, Number(d.dataset.count)]));
    assert.deepEqual(towns, due.townships.map((tw) => [tw.code, tw.count]));
    const town = due.townships.find((tw) => tw.count > 0);
    const first = town.overdue[0];
    await page.click(`#trace-due .due-town[data-code="${town.code}"] summary`);
    const row = page.locator(`#trace-due .due-row[data-record-id="${first.id}"]`);
    const text = await row.innerText();
    for (const t of [first.subject_name, first.last_update, first.due_on, String(first.days_overdue)]) {
      assert.ok(text.includes(t), `the overdue row lacks ${t}:\n${text}`);
    }
    await row.click();
    const card = page.locator(`#trace-due .due-card-row .record[data-record-id="${first.id}"]`);
    await card.waitFor({ timeout: 10_000 });
    assert.match(await card.innerText(), /逾期 \d+ 天/);
    assert.equal(await card.locator('.record-actions').count(), 0, 'edit buttons for an anonymous user');
    const record = await api(`/api/trace/records/${first.id}`);
    await settle(page);
    const center = await page.evaluate(() => window.__landtraceMap.getCenter().toArray());
    const [lon, lat] = record.geometry.coordinates;
    assert.ok(Math.abs(center[0] - lon) < 1e-3 && Math.abs(center[1] - lat) < 1e-3, `the map is at ${center}, the record at ${lon},${lat}`);
    await waitIdle(page);
    await shot(page, 'trace-due.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

// ----- 导入数据 (import tool): a file into a layer the signed-in role owns ---------------

/** Number of stored freight sources, as the API says. */
const freightCount = async () => (await api('/api/layers')).layers.find((l) => l.layer === 'freight_sources').count;

test('desktop: traceability tool — producer register, bases judged together (gazette line 2852)', async (t) => {
  if (!adminToken) {
    t.skip('no admin token for the test server (LANDTRACE_TEST_ADMIN_TOKEN)');
    return;
  }
  const write = (path, body) => fetch(baseUrl + path, {
    method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  // A producer without a credit code: the platform assigns its identifier.
  const created = await write('/api/trace/producers', { name: '浏览器测试两地块农户', subject_type: '农户', township: '猗氏镇' });
  assert.equal(created.status, 201);
  const pid = (await created.json()).properties.producer_id;
  assert.match(pid, /^ZT\d{6}-\d{6}$/);
  // Two plots of 豇豆, each below 0.5 亩, together 0.5 亩: both must be collected.
  for (const [scale, dx] of [[0.2, 0.004], [0.3, 0.008]]) {
    const res = await write('/api/trace/records', {
      lon: P1[0] + dx, lat: P1[1] + 0.004, producer_id: pid, subject_name: '浏览器测试两地块农户', subject_type: '种养殖户',
      product: '豇豆', township: '猗氏镇', contact_name: '测试联系人', contact_phone: '0351-7654321', scale, scale_unit: '亩',
      collected_on: '2023-06-13',
    });
    assert.equal(res.status, 201, await res.text());
  }
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.click('#trace-toggle');
    await page.click('#trace-tab-producers');
    await page.waitForSelector('#trace-producers[data-state="ready"]');
    const row = page.locator(`#trace-producers-table tr[data-producer-id="${pid}"]`);
    assert.match(await row.innerText(), /（登录后可见）/, 'the name is personal: hidden from an anonymous user');
    await row.locator('button').click();
    await page.waitForSelector(`#trace-producer-detail[data-producer-id="${pid}"] #trace-producer-bases`);
    const bases = page.locator('#trace-producer-bases tbody tr');
    assert.equal(await bases.count(), 2);
    assert.equal(await page.locator('#trace-producer-bases tbody tr[data-mandatory="true"][data-together="true"]').count(), 2);
    const text = await page.locator('#trace-producer-bases').innerText();
    assert.match(text, /合计 0\.5 亩/);
    assert.match(text, /第2852行/);
    assert.match(await page.locator('#trace-producers').innerText(), /登记种养殖主体须以农业农村部门人员或管理员身份登录/);
    await shot(page, 'trace-producers.png');

    // Signed in: a wrong credit code is refused next to its field; nothing is claimed saved.
    await page.click('#trace-tab-record');
    await signInAsAdmin(page, '#trace-sign-in-record');
    await page.click('#trace-tab-producers');
    await page.waitForSelector('#trace-producers[data-state="ready"] #trace-producer-form');
    await page.fill('#tp-name', '浏览器测试企业');
    await page.selectOption('#tp-subject_type', '企业');
    await page.fill('#tp-uscc', '914403001922038217');
    await page.click('#trace-producer-save');
    await page.waitForSelector('#trace-producer-form .tf[data-field="uscc"] .tf-problem');
    assert.match(await page.locator('.tf[data-field="uscc"] .tf-problem').innerText(), /校验位不符/);
    assert.equal(await page.getAttribute('#trace-producer-result', 'data-state'), 'invalid');
    await page.fill('#tp-uscc', '914403001922038216');
    await page.click('#trace-producer-save');
    await page.waitForSelector('#trace-producer-result[data-state="saved"]');
    assert.match(await page.locator('#trace-producer-result').innerText(), /914403001922038216/);
    await page.waitForSelector('#trace-producers-table tr[data-producer-id="914403001922038216"]');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('desktop: import tool — drop a CSV, preview and problems, map a field, import', async (t) => {
  if (!trafficToken) {
    t.skip('no traffic-role token for the test server (LANDTRACE_TEST_TRAFFIC_TOKEN)');
    return;
  }
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    const before = await freightCount();
    // Anonymous: the tool asks for a sign-in; then signed in as the transport bureau.
    await page.click('#import-toggle');
    await page.waitForSelector('#import-panel[data-state="signed-out"]');
    await page.click('#import-sign-in');
    await page.fill('#auth-token', trafficToken);
    await page.click('#auth-submit');
    await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
    if (!(await page.isVisible('#import-panel'))) await page.click('#import-toggle');
    await page.waitForSelector('#import-panel[data-state="idle"] #import-layer');
    const offered = await page.$$eval('#import-layer option', (os) => os.map((o) => o.value));
    assert.deepEqual(offered.sort(), ['freight_sources', 'truck_ban_roads', 'truck_ban_zone', 'truck_passes'], 'only the layers the role owns');
    await page.selectOption('#import-layer', 'freight_sources');
    assert.ok(await page.isChecked('#import-target-existing'), '导入到 an existing layer unless 新建图层 is chosen');

    // A CSV with Chinese headers, one row without a name, dropped on the drop zone.
    const csv = '企业名称,类别,accuracy,经度,纬度\n浏览器导入果业,果品,illustrative,110.77,35.14\n,冷链,illustrative,110.60,35.30\n'
      + '浏览器导入物流,物流,illustrative,110.51,35.08\n';
    const drop = async (text) => {
      const transfer = await page.evaluateHandle((content) => {
        const dt = new DataTransfer();
        dt.items.add(new File([content], '货运源头.csv', { type: 'text/csv' }));
        return dt;
      }, text);
      const answered = page.waitForResponse((r) => r.url().includes('/api/layers/freight_sources/import') && r.url().includes('dry_run=true')
        && r.url().includes('fields='));
      await page.dispatchEvent('#import-drop', 'drop', { dataTransfer: transfer });
      return answered;
    };
    assert.equal((await drop(csv)).status(), 400);
    await page.waitForSelector('#import-panel[data-state="invalid"]');
    // The equal-named field is mapped; 企业名称 is not a field of the layer, so no feature has a name yet.
    assert.equal(await page.inputValue('#import-mapping select[data-target="accuracy"]'), 'accuracy');
    assert.equal(await page.inputValue('#import-mapping select[data-target="name"]'), '');
    let lines = await page.locator('#import-problems li').allInnerTexts();
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines[0], /^第 1 个要素 · 名称 \(name\) · .*required/);
    assert.match(await page.locator('#import-summary').innerText(), /3 个要素中有 3 个存在问题，未保存任何要素/);
    assert.ok(await page.isDisabled('#import-run'), '导入 is enabled while problems remain');
    // The preview: three points in their own source, fitted.
    await page.waitForFunction(() => window.__landtraceMap.queryRenderedFeatures({ layers: ['import:points'] }).length === 3,
      null, { timeout: 10_000, polling: 200 });

    // Mapping 企业名称 → name re-runs the dry run: only the row without a name is refused.
    let answer = page.waitForResponse((r) => r.url().includes('/import?') && r.url().includes('dry_run=true'));
    await page.selectOption('#import-mapping select[data-target="name"]', '企业名称');
    assert.equal((await answer).status(), 400);
    await page.waitForSelector('#import-panel[data-state="invalid"]');
    lines = await page.locator('#import-problems li').allInnerTexts();
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^第 2 个要素 · 名称 \(name\) · .*required/);
    assert.match(await page.locator('#import-summary').innerText(), /3 个要素中有 1 个存在问题/);
    assert.ok(await page.isDisabled('#import-run'));
    await shot(page, 'import-problems.png');

    // Without the bad row: checked, then imported; the count is shown and stored.
    const good = csv.split('\n').filter((l) => !l.startsWith(',')).join('\n');
    assert.equal((await drop(good)).status(), 400, 'a new file starts with the equal names mapped');
    await page.waitForSelector('#import-panel[data-state="invalid"]');
    answer = page.waitForResponse((r) => r.url().includes('/import?') && r.url().includes('dry_run=true'));
    await page.selectOption('#import-mapping select[data-target="name"]', '企业名称');
    assert.equal((await answer).status(), 200);
    await page.waitForSelector('#import-panel[data-state="checked"]');
    await page.selectOption('#import-mapping select[data-target="category"]', '类别');
    await page.waitForSelector('#import-panel[data-state="checked"]');
    assert.match(await page.locator('#import-summary').innerText(), /检查通过：共 2 个要素可导入「重点货运源头企业」/);
    assert.match(await page.locator('#import-notes').innerText(), /EPSG:4326/);
    assert.equal(await freightCount(), before, 'the dry run stored features');
    assert.ok(!(await page.isDisabled('#import-run')), '导入 is disabled after a clean dry run');
    const stored = page.waitForResponse((r) => r.url().includes('/import?') && r.url().includes('dry_run=false'));
    await page.click('#import-run');
    assert.equal((await stored).status(), 201);
    await page.waitForSelector('#import-panel[data-state="imported"]');
    assert.match(await page.locator('#import-summary').innerText(), /已导入 2 个要素到「重点货运源头企业」/);
    assert.equal(await freightCount(), before + 2);
    await shot(page, 'import-done.png');

    // Closing the tool removes the preview.
    await page.click('#import-panel .close');
    await waitIdle(page);
    assert.equal(await page.evaluate(() => window.__landtraceMap.queryRenderedFeatures({ layers: ['import:points'] }).length), 0);

    // 新建图层: a small GeoJSON of two parcels makes a layer of the transport bureau's own.
    const name = `huoyun_${process.pid}`;
    await page.click('#import-toggle');
    await page.waitForSelector('#import-panel[data-state="idle"] #import-target-new');
    await page.check('#import-target-new');
    await page.waitForSelector('#import-new-name');
    assert.equal(await page.inputValue('#import-new-owner'), 'traffic', 'owned by the signed-in role');
    assert.ok(await page.isDisabled('#import-new-owner'), 'only an admin names another owner');
    assert.ok(await page.isChecked('#import-new-public') && await page.isChecked('#import-new-tiled'));
    await page.fill('#import-new-name', '货运 Zones');
    await page.press('#import-new-name', 'Tab');
    assert.match(await page.locator('#import-new-name-problem').innerText(), /小写英文字母/);
    assert.ok(await page.isDisabled('#import-check'));
    await page.fill('#import-new-name', name);
    await page.press('#import-new-name', 'Tab');
    await page.waitForSelector('#import-new-name-problem', { state: 'detached' });
    await page.fill('#import-new-title', '浏览器新建图层');
    await page.press('#import-new-title', 'Tab');
    const square = (x, y) => [[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]];
    const parcels = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { ZDDM: 'HY-1', 权利人: '浏览器测试权利人', MJ: 1200.5 }, geometry: { type: 'Polygon', coordinates: square(110.70, 35.10) } },
      { type: 'Feature', properties: { ZDDM: 'HY-2', 权利人: '浏览器测试二', MJ: 980 }, geometry: { type: 'Polygon', coordinates: square(110.703, 35.10) } }] };
    const checkedNew = page.waitForResponse((r) => r.url().includes(`/api/layers/${name}/import?`) && r.url().includes('dry_run=true'));
    await page.setInputFiles('#import-file', { name: '宗地.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(parcels)) });
    const dry = await checkedNew;
    assert.equal(dry.status(), 200, await dry.text());
    assert.ok(dry.url().includes('new_layer=true') && dry.url().includes('owner=traffic'), dry.url());
    await page.waitForSelector('#import-panel[data-state="checked"] #import-inferred');
    const inferred = await page.locator('#import-inferred tbody tr').allInnerTexts();
    assert.equal(inferred.length, 3, inferred.join('\n'));
    assert.ok(inferred.some((row) => /权利人\s+文本\s+是/.test(row)), `权利人 is personal: ${inferred.join('\n')}`);
    assert.match(await page.locator('#import-summary').innerText(), new RegExp(`将新建图层「浏览器新建图层（${name}）」并导入 2 个要素`));
    assert.ok(!(await api('/api/layers')).layers.some((l) => l.layer === name), 'the dry run created the layer');
    await page.waitForFunction(() => window.__landtraceMap.queryRenderedFeatures({ layers: ['import:fill'] }).length > 0,
      null, { timeout: 10_000, polling: 200 });
    await shot(page, 'import-new-layer-check.png');
    const created = page.waitForResponse((r) => r.url().includes(`/api/layers/${name}/import?`) && r.url().includes('dry_run=false'));
    await page.click('#import-run');
    assert.equal((await created).status(), 201);
    await page.waitForSelector('#import-panel[data-state="imported"]');
    assert.match(await page.locator('#import-summary').innerText(), new RegExp(`已新建图层「浏览器新建图层（${name}）」并导入 2 个要素`));
    // Listed at once: by the API and in the layer list of the page (the refetch after an import).
    const listedLayer = (await api('/api/layers')).layers.find((l) => l.layer === name);
    assert.equal(listedLayer?.count, 2, JSON.stringify(listedLayer));
    await page.locator(`#layer-list [data-entry="${name}"][data-user-layer]`).waitFor({ timeout: 10_000 });
    assert.match(await page.locator(`#layer-list [data-entry="${name}"]`).innerText(), /浏览器新建图层/);
    assert.equal(await page.inputValue('#import-new-name'), '', 'the form is ready for the next layer');
    assert.equal(await page.locator('#import-new-name-problem').count(), 0);
    await shot(page, 'import-new-layer-done.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('desktop: a user-defined layer is listed, drawn from its own tiles, clicked, and redrawn after a write', async (t) => {
  if (!adminToken) {
    t.skip('no admin token for the test server (LANDTRACE_TEST_ADMIN_TOKEN)');
    return;
  }
  const name = `zongdi_${process.pid}`;
  const post = async (p, body) => {
    const res = await fetch(baseUrl + p, { method: 'POST', body: JSON.stringify(body),
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' } });
    assert.equal(res.status, 201, `POST ${p} answered ${res.status}: ${await res.clone().text()}`);
    return res.json();
  };
  const square = (x, y, code) => ({ type: 'Feature', properties: { zddm: code, qlr: '浏览器测试权利人' },
    geometry: { type: 'MultiPolygon', coordinates: [[[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]]] } });
  await post('/api/layers', {
    name, title_zh: '宗地', title_en: 'Cadastral parcels', geometry: 'MultiPolygon', owner: 'land', public: true,
    tiles: { min: 10, max: 18 }, locate: true,
    fields: [{ name: 'zddm', type: 'Text', required: true }, { name: 'qlr', type: 'Text', personal: true }],
  });
  await post(`/api/layers/${name}/features`, { type: 'FeatureCollection', features: [square(110.7705, 35.1405, 'ZD-1')] });
  const inside = [110.7715, 35.1415];
  const { context, page, problems } = await openPage({ viewport: { width: 1280, height: 800 } });
  try {
    // Listed first, Chinese title, marked as the bureau's own data (no demo badge).
    const entry = page.locator(`#layer-list [data-entry="${name}"][data-user-layer]`);
    await entry.waitFor();
    assert.match(await entry.innerText(), /宗地/);
    assert.match(await entry.innerText(), /各部门自有数据/);
    assert.equal(await entry.locator('.badge.illustrative').count(), 0);
    // Drawn from its own tile set.
    await moveTo(page, inside, 15);
    await settle(page);
    assert.equal(await page.evaluate((n) => window.__landtraceMap.getSource(`user:${n}`)?.type, name), 'vector');
    const drawn = async () => page.evaluate((n) => new Set(window.__landtraceMap
      .queryRenderedFeatures({ layers: [`${n}:fill`] }).map((f) => f.properties.zddm)).size, name);
    assert.equal(await drawn(), 1);
    // The click panel shows its fields, not the personal one.
    await clickAt(page, inside);
    const card = page.locator(`#info-panel [data-hit-layer="${name}"]`);
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /宗地/);
    assert.match(text, /ZD-1/);
    assert.doesNotMatch(text, /浏览器测试权利人/);
    // A write elsewhere, then what the import tool does after an import: the list and the tiles again.
    await post(`/api/layers/${name}/features`, { type: 'FeatureCollection', features: [square(110.7730, 35.1405, 'ZD-2')] });
    await page.evaluate((n) => window.__landtraceRefreshLayers([n]), name);
    await page.waitForFunction((n) => new Set(window.__landtraceMap.queryRenderedFeatures({ layers: [`${n}:fill`] })
      .map((f) => f.properties.zddm)).size === 2, name, { timeout: 15_000, polling: 200 });
    assert.match(await entry.innerText(), /\(2\)/);
    // Hidden and shown by its toggle.
    await page.click(`#toggle-${name}`);
    await waitIdle(page);
    assert.equal(await drawn(), 0);
    await page.click(`#toggle-${name}`);
    await waitIdle(page);
    assert.equal(await drawn(), 2);
    await shot(page, 'user-layer.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
