// Offline field collection (issue 16) in Chromium: agriculture staff open 溯源采集, lose
// the network (context.setOffline), take the phone's position (mocked geolocation),
// fill and save two records with a photo — both wait in the queue (IndexedDB) — reload
// the page offline (the service worker serves it), get the network back, and the queue
// sends them: the good record is stored exactly once with its photo, the one with a bad
// phone comes back as 需修改 with the problem next to its field, is corrected and stored.
// A second test loses the answer to a stored record: it is resent with its key, stored once;
// a third takes the GPS position offline on a phone-sized page.
// Screenshots: artifacts/browser/offline-*.png.
//
//   cd tests/browser && LANDTRACE_BIN=…/target/debug/landtrace node --test offline.test.mjs

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import { iconPng } from '../../web/pwa/build-pwa.js';
import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

const AGRI_TOKEN = `browser-agri-${process.pid}-${Date.now()}`;
// Inside 猗氏镇 (the HTTP tests' record position), as the phone's GPS reports it.
const GPS = { longitude: 110.7712, latitude: 35.1466, accuracy: 8 };

let server;
let browser;

before(async () => {
  for (const [what, p] of [['web/dist', path.join(webDir, 'sw.js')], ['the landtrace binary', bin], ['Chromium', chromiumPath]]) {
    assert.ok(existsSync(p), `missing ${what}: ${p}`);
  }
  mkdirSync(artifacts, { recursive: true });
  server = await startServer({ users: [{ name: 'nong.offline', role: 'agriculture', token: AGRI_TOKEN }] });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
});

/** The stored records named `subject`, as an admin reads them. */
async function recordsNamed(subject) {
  const res = await fetch(`${server.baseUrl}/api/trace/records`, { headers: { Authorization: `Bearer ${server.adminToken}` } });
  assert.equal(res.status, 200);
  return (await res.json()).features.filter((f) => f.properties.subject_name === subject);
}

async function fillRecord(page, { subject, phone }) {
  await page.fill('#trace-f-subject_name', subject);
  await page.selectOption('#trace-f-subject_type', '家庭农场');
  await page.selectOption('#trace-f-product', '韭菜');
  await page.fill('#trace-f-scale', '20');
  await page.selectOption('#trace-f-township', { label: '猗氏镇' });
  await page.fill('#trace-f-contact_name', '离线联系人');
  await page.fill('#trace-f-contact_phone', phone);
}

const entries = (page, state) => page.locator(`#offline-queue .off-entry[data-state="${state}"]`).count();

test('records saved offline wait in the queue, survive a reload and are stored once when the network returns', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['geolocation'], { origin: server.baseUrl });
  await context.setGeolocation(GPS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message + (process.env.PWA_DEBUG ? e.stack : '')));
  try {
    await page.goto(`${server.baseUrl}/`);
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
    // The service worker takes the page (clients.claim) once it has cached the shell.
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
    const manifest = await (await fetch(`${server.baseUrl}/manifest.webmanifest`)).json();
    assert.equal(manifest.name, '临猗县土地与溯源一张图');
    assert.equal(manifest.display, 'standalone');

    // Sign in as agriculture staff and open the form (its choices are fetched online).
    await page.click('#auth-toggle');
    await page.fill('#auth-token', AGRI_TOKEN);
    await page.click('#auth-submit');
    await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
    await page.click('#auth-panel .close').catch(() => {});
    await page.click('#trace-toggle');
    await page.waitForSelector('#trace-record[data-state="editing"] #trace-form');

    // No network from here on.
    await context.setOffline(true);
    assert.equal(await page.evaluate(() => navigator.onLine), false);

    // The phone's position, with its accuracy in metres.
    await page.click('#trace-gps');
    await page.waitForFunction(() => /±8/.test(document.querySelector('#trace-gps-status')?.textContent ?? ''));
    assert.match(await page.locator('#trace-gps-status').innerText(), /WGS84/);
    assert.ok(Math.abs(Number(await page.inputValue('#trace-f-lon')) - GPS.longitude) < 1e-5);
    assert.ok(Math.abs(Number(await page.inputValue('#trace-f-lat')) - GPS.latitude) < 1e-5);

    // A good record with a photo of its base (1800 px: downscaled to 1600 before it is kept).
    const good = `离线采集家庭农场${process.pid}`;
    await fillRecord(page, { subject: good, phone: '13912345670' });
    await page.setInputFiles('#trace-photo', { name: 'base.png', mimeType: 'image/png', buffer: iconPng(1800) });
    await page.waitForFunction(() => /已选 1 张照片/.test(document.querySelector('#trace-photo-count')?.textContent ?? ''));
    await page.click('#trace-submit');
    await page.waitForSelector('#trace-queued');
    assert.match(await page.locator('#trace-queued').innerText(), /联网后自动发送/);

    // A second one with a bad phone: the page does not judge it; the server will.
    const bad = `离线采集错误电话农场${process.pid}`;
    await page.click('#trace-gps');
    await page.waitForFunction(() => /±8/.test(document.querySelector('#trace-gps-status')?.textContent ?? ''));
    await fillRecord(page, { subject: bad, phone: '12345' });
    await page.click('#trace-submit');
    await page.waitForFunction(() => document.querySelectorAll('#offline-queue .off-entry[data-state="pending"]').length === 2);
    assert.match(await page.locator('#offline-queue').innerText(), /待发送/);
    await page.locator('#offline-queue').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'offline-queued.png') });
    assert.equal((await recordsNamed(good)).length, 0, 'nothing reached the server while offline');

    // Reload without network: the service worker serves the page; the queue is still there.
    await page.reload();
    await page.waitForSelector('#trace-toggle');
    await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached', timeout: 15_000 });
    await page.click('#trace-toggle');
    await page.waitForSelector('#trace-record #trace-form');
    await page.waitForFunction(() => document.querySelectorAll('#offline-queue .off-entry[data-state="pending"]').length === 2);
    await page.locator('#offline-queue').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'offline-reloaded.png') });

    // The network returns: the queue is sent, each record once.
    await context.setOffline(false);
    await page.waitForFunction(() => {
      const q = document.querySelector('#offline-queue');
      return q?.querySelector('.off-entry[data-state="saved"]') && q.querySelector('.off-entry[data-state="invalid"]');
    }, null, { timeout: 30_000 });
    const stored = await recordsNamed(good);
    assert.equal(stored.length, 1, 'the queued record is stored exactly once');
    assert.equal((await recordsNamed(bad)).length, 0, 'the refused record is not stored');
    // Its photo follows it (uploaded after the record, downscaled to ≤ 1600 px JPEG).
    await page.waitForFunction(() => /照片 1\/1/.test(document.querySelector('#offline-queue .off-entry[data-state="saved"]')?.textContent ?? ''));
    const photos = await (await fetch(`${server.baseUrl}/api/trace/records/${stored[0].id}/photos`,
      { headers: { Authorization: `Bearer ${AGRI_TOKEN}` } })).json();
    assert.equal(photos.photos.length, 1);
    assert.equal(photos.photos[0].media_type, 'image/jpeg');
    const anonymous = await fetch(`${server.baseUrl}/api/trace/photos/${photos.photos[0].id}`);
    assert.equal(anonymous.status, 401, 'no photo for anonymous users');
    assert.equal((await recordsNamed(good)).length, 1);
    await page.locator('#offline-queue').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'offline-synced.png') });

    // The refused one comes back to the form with its problem next to the field.
    await page.click('#offline-queue .off-entry[data-state="invalid"] .off-fix');
    await page.waitForSelector('#trace-record[data-state="invalid"] #trace-form .tf.has-problem[data-field="contact_phone"]');
    assert.equal(await page.inputValue('#trace-f-subject_name'), bad);
    await page.screenshot({ path: path.join(artifacts, 'offline-correct.png') });
    await page.fill('#trace-f-contact_phone', '13912345671');
    await page.setInputFiles('#trace-photo', { name: 'base2.png', mimeType: 'image/png', buffer: iconPng(400) });
    await page.waitForFunction(() => /已选 1 张照片/.test(document.querySelector('#trace-photo-count')?.textContent ?? ''));
    await page.click('#trace-submit');
    await page.waitForSelector('#trace-record[data-state="saved"] #trace-result');
    assert.equal((await recordsNamed(bad)).length, 1, 'the corrected record is stored once');
    assert.equal(await entries(page, 'invalid'), 0, 'the corrected entry left the queue');
    assert.equal((await recordsNamed(good)).length, 1, 'still exactly once');
    // The saved record's form shows its photo (added online with the correction, fetched with the token).
    await page.waitForSelector('#trace-photos[data-state="ready"][data-count="1"] img');
    await page.locator('#trace-photos').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'offline-photo.png') });
    // …and the owning role deletes it.
    const photoId = await page.locator('#trace-photos img').getAttribute('data-photo-id');
    await page.click('#trace-photos .off-photo-delete');
    await page.waitForSelector('#trace-photos[data-count="0"]', { state: 'attached' });
    const gone = await fetch(`${server.baseUrl}/api/trace/photos/${photoId}`, { headers: { Authorization: `Bearer ${AGRI_TOKEN}` } });
    assert.equal(gone.status, 404);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a record whose answer is lost is sent again with its key and stored once', async () => {
  // No service worker here: the page's own requests are routed (the lost answer is made by the test).
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${server.baseUrl}/`);
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
    await page.click('#auth-toggle');
    await page.fill('#auth-token', AGRI_TOKEN);
    await page.click('#auth-submit');
    await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
    await page.click('#auth-panel .close').catch(() => {});
    await page.click('#trace-toggle');
    await page.waitForSelector('#trace-record[data-state="editing"] #trace-form');
    await page.fill('#trace-f-lon', '110.7735');
    await page.fill('#trace-f-lat', '35.1452');
    const subject = `答复丢失测试农场${process.pid}`;
    await fillRecord(page, { subject, phone: '13912345672' });
    // The first POST reaches the server and is stored, but its answer never arrives.
    const keys = [];
    await page.route('**/api/trace/records', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push(request.headers()['idempotency-key']);
      if (keys.length === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.click('#trace-submit');
    await page.waitForSelector('#offline-queue .off-entry[data-state="saved"]', { timeout: 30_000 });
    assert.equal(keys.length, 2, 'sent twice');
    assert.ok(keys[0] && keys[0] === keys[1], `the same Idempotency-Key both times: ${keys}`);
    assert.equal((await recordsNamed(subject)).length, 1, 'stored exactly once');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('phone (375×740): the form takes the GPS position offline', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await context.grantPermissions(['geolocation'], { origin: server.baseUrl });
  await context.setGeolocation({ ...GPS, accuracy: 12 });
  const page = await context.newPage();
  try {
    await page.goto(`${server.baseUrl}/`);
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
    await page.click('#auth-toggle');
    await page.fill('#auth-token', AGRI_TOKEN);
    await page.click('#auth-submit');
    await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
    await page.click('#auth-panel .close').catch(() => {});
    await page.click('#trace-toggle');
    await page.waitForSelector('#trace-record[data-state="editing"] #trace-form');
    await context.setOffline(true);
    await page.click('#trace-gps');
    await page.waitForFunction(() => /±12/.test(document.querySelector('#trace-gps-status')?.textContent ?? ''));
    assert.equal(await page.getAttribute('#trace-photo', 'capture'), 'environment');
    assert.equal(await page.getAttribute('#trace-photo', 'accept'), 'image/*');
    await page.locator('#trace-gps').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'offline-phone.png') });
  } finally {
    await context.close();
  }
});
