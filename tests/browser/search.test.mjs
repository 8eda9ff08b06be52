// The search box (搜索) in a real browser: `landtrace serve` with a traffic user, the
// built page in Debian's Chromium (playwright-core), as map.test.mjs. A village found by
// name flies the map there and opens the click panel; a plate is found for the traffic
// user only; a pasted CGCS2000 Gauss-Krüger coordinate opens the panel with the zones
// there. Screenshots: artifacts/browser/search-*.png.
//
// Needs: web/dist (npm run build in web/), the landtrace binary (LANDTRACE_BIN or
// target/debug/landtrace), /usr/bin/chromium. Run: node --test search.test.mjs here.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

const TRAFFIC_TOKEN = `browser-search-traffic-${process.pid}-${Date.now()}`;

let server;
let browser;

before(async () => {
  for (const [what, p] of [['web/dist', path.join(webDir, 'index.html')], ['the landtrace binary', bin], ['Chromium', chromiumPath]]) {
    assert.ok(existsSync(p), `missing ${what}: ${p}`);
  }
  mkdirSync(artifacts, { recursive: true });
  server = await startServer({ users: [{ name: 'search.traffic', role: 'traffic', token: TRAFFIC_TOKEN }] });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
});

async function openPage(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(server.baseUrl) && !/^(data|blob):/.test(r.url())) problems.push(`external request: ${r.url()}`);
  });
  await page.goto(`${server.baseUrl}/`);
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
  return { context, page, problems };
}

/** Types `text` into the search box and waits for its answer (`results` or `empty`). */
async function searchFor(page, text) {
  await page.fill('#search-input', '');
  await page.fill('#search-input', text);
  await page.waitForFunction((q) => {
    const root = document.querySelector('#search');
    const input = document.querySelector('#search-input');
    return input.value === q && ['results', 'empty', 'error'].includes(root.dataset.state);
  }, text, { timeout: 15_000 });
  // The answer to this text, not to a shorter one typed before it.
  await page.waitForTimeout(350);
  await page.waitForFunction(() => ['results', 'empty', 'error'].includes(document.querySelector('#search').dataset.state));
  return page.$$eval('#search-results [role=option]', (os) => os.map((o) => ({
    kind: o.dataset.kind, text: o.textContent, selected: o.getAttribute('aria-selected'),
  })));
}

/** Waits until the map stopped moving and the click panel shows a result. */
async function panelResult(page) {
  await page.waitForSelector('#info-panel[data-state="result"]', { timeout: 20_000 });
  await page.waitForFunction(() => !window.__landtraceMap.isMoving(), null, { timeout: 20_000 });
}

const center = (page) => page.evaluate(() => window.__landtraceMap.getCenter().toArray());
const near = ([a, b], [c, d], tolerance) => Math.abs(a - c) < tolerance && Math.abs(b - d) < tolerance;

test('the search box is a labelled combobox over a listbox', async () => {
  const { context, page, problems } = await openPage();
  try {
    const a11y = await page.evaluate(() => {
      const input = document.querySelector('#search-input');
      const label = document.querySelector('label[for="search-input"]');
      return { role: input.getAttribute('role'), controls: input.getAttribute('aria-controls'),
        expanded: input.getAttribute('aria-expanded'), label: label?.textContent,
        list: document.getElementById(input.getAttribute('aria-controls'))?.getAttribute('role'),
        search: document.querySelector('#search').getAttribute('role') };
    });
    assert.deepEqual(a11y, { role: 'combobox', controls: 'search-results', expanded: 'false',
      label: '搜索地名、要素、文号、车牌、主体或坐标', list: 'listbox', search: 'search' });
    await searchFor(page, '曹家营');
    assert.equal(await page.getAttribute('#search-input', 'aria-expanded'), 'true');
    assert.equal(await page.getAttribute('#search-input', 'aria-activedescendant'), 'search-opt-0');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a village by name: the map flies there and the click panel opens', async () => {
  const { context, page, problems } = await openPage();
  try {
    const answer = await (await fetch(`${server.baseUrl}/api/search?q=${encodeURIComponent('曹家营')}`)).json();
    const want = answer.results[0];
    assert.equal(want.title, '曹家营村委会');
    const rows = await searchFor(page, '曹家营');
    assert.equal(rows[0].kind, 'village', JSON.stringify(rows));
    assert.ok(rows[0].text.includes('村') && rows[0].text.includes('曹家营村委会') && rows[0].text.includes('嵋阳镇'), rows[0].text);
    assert.equal(rows[0].selected, 'true');
    await page.screenshot({ path: path.join(artifacts, 'search-village-results.png') });
    // Arrow down and up again, then Enter chooses the first row.
    await page.press('#search-input', 'ArrowDown');
    assert.equal(await page.getAttribute('#search-input', 'aria-activedescendant'), 'search-opt-1');
    await page.press('#search-input', 'ArrowUp');
    await page.press('#search-input', 'Enter');
    await panelResult(page);
    assert.ok(near(await center(page), want.point, 1e-4), `${await center(page)} vs ${want.point}`);
    assert.ok(await page.evaluate(() => window.__landtraceMap.getZoom()) >= 13.9);
    const panel = await page.textContent('#info-panel');
    assert.ok(panel.includes('曹家营村委会') && panel.includes('村（社区）'), panel);
    assert.ok(await page.isHidden('#search-results'), 'the list closes');
    await page.screenshot({ path: path.join(artifacts, 'search-village.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a plate: found for the traffic user only', async () => {
  const { context, page, problems } = await openPage();
  try {
    let rows = await searchFor(page, '晋M·X0001');
    assert.ok(!rows.some((r) => r.kind === 'plate'), `anonymous: ${JSON.stringify(rows)}`);
    assert.ok(!(await page.textContent('#search-results')).includes('X0001'));
    await page.click('#auth-toggle');
    await page.fill('#auth-token', TRAFFIC_TOKEN);
    await page.click('#auth-submit');
    await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
    if (await page.isVisible('#auth-panel')) await page.click('#auth-panel .close');
    rows = await searchFor(page, '晋M X0001');
    assert.equal(rows[0]?.kind, 'plate', JSON.stringify(rows));
    assert.ok(rows[0].text.includes('车牌') && rows[0].text.includes('晋M·X0001'), rows[0].text);
    await page.click('#search-results [role=option] >> nth=0');
    await panelResult(page);
    const panel = await page.textContent('#info-panel');
    assert.ok(panel.includes('货车通行证') && panel.includes('晋M·X0001') && panel.includes('货车禁行区域'), panel);
    await page.screenshot({ path: path.join(artifacts, 'search-plate.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a pasted CGCS2000 coordinate: the panel shows the zones there', async () => {
  const { context, page, problems } = await openPage();
  try {
    const rows = await searchFor(page, '3890148.98 37479039.53');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].kind, 'coordinate');
    assert.ok(rows[0].text.includes('坐标') && rows[0].text.includes('Gauss-Kruger zone 37'), rows[0].text);
    await page.press('#search-input', 'Enter');
    await panelResult(page);
    assert.ok(near(await center(page), [110.77, 35.14], 1e-5), `${await center(page)}`);
    const layers = await page.$$eval('#info-panel .hit', (hs) => hs.map((h) => h.dataset.hitLayer));
    // The same zones /api/locate names at that point.
    const located = await (await fetch(`${server.baseUrl}/api/locate?lon=3890148.98&lat=37479039.53`)).json();
    assert.ok(located.hits.length >= 2, JSON.stringify(located.hits.map((h) => h.layer)));
    for (const hit of located.hits) assert.ok(layers.includes(hit.layer), `${hit.layer} in ${layers}`);
    assert.ok(layers.includes('urban_grade_zones'), layers.join());
    await page.screenshot({ path: path.join(artifacts, 'search-coordinate.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('on a phone: an icon that opens the box', async () => {
  const { context, page, problems } = await openPage({ width: 375, height: 740 });
  try {
    assert.ok(await page.isVisible('#search-toggle'));
    assert.ok(await page.isHidden('#search-input'));
    const barFits = await page.evaluate(() => document.querySelector('#top-bar').scrollWidth <= window.innerWidth);
    assert.ok(barFits, 'the top bar fits 375 px');
    await page.click('#search-toggle');
    assert.ok(await page.isVisible('#search-input'));
    const rows = await searchFor(page, '临晋镇');
    assert.equal(rows[0].kind, 'township');
    await page.screenshot({ path: path.join(artifacts, 'search-phone.png') });
    await page.press('#search-input', 'Enter');
    await panelResult(page);
    assert.ok((await page.textContent('#info-panel')).includes('临晋镇'));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
