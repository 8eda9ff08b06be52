// The dashboard page (web/dashboard.html, issue 16) in a real browser: its four
// figures render as ECharts SVG with the numbers of GET /api/dashboard in their tables
// (a truck-ban track checked over HTTP first, so the current week has one check), the
// map and download links; the map opened from a figure's link shows only its layers;
// and the compensation calculator of the expropriation panel answers line by line with
// its clauses. Setup as map.test.mjs; screenshots artifacts/browser/dashboard-*.png.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

const P4 = [110.779276, 35.1419853]; // expropriation area 临政发〔2023〕10号 (data/README.md)

let server;
let browser;
let baseUrl;

before(async () => {
  for (const [what, p] of [['web/dist', path.join(webDir, 'dashboard.html')], ['landtrace', bin], ['Chromium', chromiumPath]]) {
    assert.ok(existsSync(p), `missing ${what}: ${p}`);
  }
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  ({ baseUrl } = server);
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
});

async function newPage(viewport = { width: 1400, height: 1000 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !/^(data|blob):/.test(r.url())) problems.push(`external request: ${r.url()}`);
  });
  return { context, page, problems };
}

const shot = (page, name, fullPage = false) => page.screenshot({ path: path.join(artifacts, name), fullPage });

test('the dashboard draws its figures with the server numbers, links and downloads', async () => {
  // One track checked over HTTP: through the bundled zone in the ban hours.
  let csv = 'time,lon,lat\n';
  for (let k = 0; k <= 20; k += 1) csv += `2023-06-01T10:${String(k).padStart(2, '0')}:00+08:00,${(110.74 + 0.002 * k).toFixed(4)},35.1400\n`;
  const checked = await fetch(`${baseUrl}/api/truck-ban/track?format=csv`, { method: 'POST', body: csv });
  assert.equal(checked.status, 200);
  const judged = await checked.json();
  assert.equal(judged.stored, true);
  const api = await (await fetch(`${baseUrl}/api/dashboard`)).json();
  const week = api.truck_ban.weeks.at(-1);
  assert.equal(week.checks, 1);

  const { context, page, problems } = await newPage();
  try {
    await page.goto(`${baseUrl}/dashboard.html`);
    await page.waitForSelector('#dashboard[data-state="ready"]', { timeout: 30_000 });
    for (const id of ['trace', 'expropriation', 'sponge', 'truck_ban']) {
      const card = page.locator(`#figure-${id}`);
      assert.equal(await card.locator('.db-chart svg').count(), 1, `${id}: an SVG chart`);
      assert.ok(await card.locator('.db-chart svg path, .db-chart svg rect').count() > 3, `${id}: the chart draws shapes`);
      assert.match(await card.locator('.db-map').getAttribute('href'), /^\.\/index\.html\?layers=/);
      assert.equal(await card.locator('.db-xlsx').getAttribute('href'), `api/dashboard?figure=${id}&format=xlsx`);
    }
    // The numbers of the answer in the tables.
    const town = api.trace.townships.find((x) => x.collected > 0);
    const row = await page.locator('#table-trace tbody tr', { hasText: town.name }).innerText();
    for (const n of [town.collected, town.mandatory, town.overdue]) assert.ok(row.split('\t').includes(String(n)), `${row} lacks ${n}`);
    const p = api.expropriation.progress[0];
    const progressRow = await page.locator('#table-expropriation tbody tr').first().innerText();
    assert.ok(progressRow.includes(String(p.households)) && progressRow.includes(String(p.signed)), progressRow);
    const truckRow = await page.locator('#table-truck_ban tbody tr').last().innerText();
    assert.ok(truckRow.startsWith(week.week), truckRow);
    assert.deepEqual(truckRow.split('\t').slice(1).map(Number), [week.checks, week.with_violations, week.violations]);
    const spongeText = await page.locator('#figure-sponge').innerText();
    const measured = api.sponge.projects.find((x) => x.achieved_percent != null);
    if (measured) assert.ok(spongeText.includes(measured.achieved_percent.toFixed(1)), spongeText);
    assert.match(await page.locator('#db-demo-notice').innerText(), /示例数据/);
    await shot(page, 'dashboard-zh.png', true);

    // The downloads answer.
    const xlsx = await fetch(new URL(await page.locator('#figure-truck_ban .db-xlsx').getAttribute('href'), `${baseUrl}/dashboard.html`));
    assert.equal(xlsx.status, 200);
    assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);

    // English from the same i18n module.
    await page.click('#db-lang');
    await page.waitForSelector('#figure-truck_ban .db-chart svg');
    assert.match(await page.locator('h1').innerText(), /dashboard/i);
    assert.match(await page.locator('#figure-truck_ban h2').innerText(), /Truck-ban/);
    await shot(page, 'dashboard-en.png', true);

    // The figure's map link: the map with only its layers.
    await page.click('#db-lang');
    await page.click('#figure-sponge .db-map');
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
    assert.match(page.url(), /\?layers=sponge_projects/);
    const checkedLayers = await page.$$eval('#layer-list input[type="checkbox"]:checked', (xs) => xs.map((x) => x.closest('[data-table]')?.dataset.table ?? x.value ?? x.id));
    assert.ok(checkedLayers.length > 0 && checkedLayers.length <= 3, `layers shown: ${checkedLayers}`);
    await shot(page, 'dashboard-map-link.png');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the compensation calculator answers in the expropriation panel', async () => {
  const { context, page, problems } = await newPage({ width: 1280, height: 900 });
  try {
    await page.goto(`${baseUrl}/`);
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
    assert.equal(await page.getAttribute('#dashboard-link', 'href'), './dashboard.html');
    await page.evaluate(([c]) => new Promise((resolve) => {
      const map = window.__landtraceMap;
      map.once('idle', resolve);
      map.jumpTo({ center: c, zoom: 16 });
    }), [P4]);
    const { x, y } = await page.evaluate((ll) => {
      const map = window.__landtraceMap;
      const p = map.project(ll);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, P4);
    await page.mouse.click(x, y);
    const calc = page.locator('#info-panel #expropriation-calculator');
    await calc.waitFor({ timeout: 15_000 });
    await calc.locator('summary').click();
    await calc.locator('#calc-value').fill('800000');
    await calc.locator('#calc-area').fill('120');
    await calc.locator('#calc-day').fill('10');
    await calc.locator('#calc-submit').click();
    await calc.locator('#calc-table').waitFor({ timeout: 15_000 });
    // The answer is the server's, line by line.
    const res = await fetch(`${baseUrl}/api/land/expropriation/compensation`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision_no: '临政发〔2023〕10号', appraised_value_yuan: '800000', building_area_m2: 120, signed_day_after_appraisal: 10 }),
    });
    const answer = await res.json();
    assert.equal(await calc.locator('#calc-table tbody tr').count(), answer.lines.length);
    assert.equal(await calc.locator('#calc-total').innerText(), answer.total.yuan);
    const text = await calc.innerText();
    assert.ok(text.includes('临政发〔2023〕10号'), text);
    for (const line of answer.lines) assert.ok(text.includes(line.amount.yuan), `${line.name}: ${line.amount.yuan}`);
    await calc.scrollIntoViewIfNeeded();
    await shot(page, 'dashboard-calculator.png');
    // A bad number is named, no request sent.
    await calc.locator('#calc-area').fill('abc');
    await calc.locator('#calc-submit').click();
    assert.match(await calc.locator('[role="alert"]').innerText(), /建筑面积/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the weekly ledger opens on the last complete week, has no "null" text and exports the edited workbook', async () => {
  const { context, page, problems } = await newPage({ width: 1280, height: 900 });
  try {
    await page.goto(`${baseUrl}/`);
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
    await page.click('#trace-toggle');
    await page.click('#trace-tab-ledger');
    await page.waitForSelector('#trace-ledger[data-state="ready"]');
    const server = await (await fetch(`${baseUrl}/api/trace/ledger?format=json`)).json();
    assert.equal(await page.inputValue('#trace-ledger-week'), server.week);
    assert.ok(!(await page.locator('#trace-ledger').innerText()).includes('null'), 'no "null" text in the ledger tab');
    await page.click('#trace-ledger-edit summary');
    await page.fill('#trace-ledger-title', '台账（测试标题）');
    const code = server.rows[0].township_code;
    await page.fill(`#trace-ledger-notes textarea[data-code="${code}"][data-key="practices"]`, '网格员入户采集');
    await page.locator('#trace-ledger-edit').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'dashboard-ledger-edit.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trace-ledger-export')]);
    assert.equal(download.suggestedFilename(), `ledger-${server.week}.xlsx`);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a workbook');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
