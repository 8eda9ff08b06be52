// Accounts in the map client (issue 16), in a real browser: the admin signs in with the
// admin token, opens 用户管理, adds a traffic user with a password, signs out, signs in
// with the name and password, registers a truck pass with the 登记通行证 form (a bad
// plate first: the server's problem shown under the field; then a pass whose windows
// never meet the ban hours: stored, with the server's warning shown), all without a
// server restart. Screenshots: artifacts/browser/users-*.png.
//
// Needs what map.test.mjs needs (web/dist, the landtrace binary, Chromium). Run:
// `LANDTRACE_BIN=…/debug/landtrace node --test users.test.mjs` here.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS, artifacts, bin, chromiumPath, repo, startServer, webDir,
} from './server.mjs';

let server;
let browser;

before(async () => {
  for (const [what, p] of [['web/dist', path.join(webDir, 'index.html')], ['the landtrace binary', bin], ['Chromium', chromiumPath]]) {
    assert.ok(existsSync(p), `missing ${what}: ${p}`);
  }
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `users-${name}.png`) });

test('an admin adds a traffic user who signs in with a password and registers a truck pass', async () => {
  const { baseUrl, adminToken } = server;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
  // Signed out: neither 用户管理 nor 登记 is offered.
  assert.equal(await page.locator('#users-toggle').isVisible(), false);
  assert.equal(await page.locator('#register-toggle').isVisible(), false);

  // The admin signs in with the admin token (使用令牌).
  await page.click('#auth-toggle');
  await page.waitForSelector('#auth-name');
  await shot(page, 'sign-in');
  await page.fill('#auth-token', adminToken);
  await page.click('#auth-submit');
  await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
  await page.waitForSelector('#users-toggle:not([hidden])');

  // 用户管理: add a traffic user; a short password is refused in the form first.
  await page.click('#users-toggle');
  await page.waitForSelector('#users-new-name');
  const name = `li.si.${process.pid}`;
  const password = '猗氏镇-correct-horse';
  await page.fill('#users-new-name', name);
  await page.selectOption('#users-new-role', 'traffic');
  await page.fill('#users-new-password', 'short');
  await page.click('#users-add');
  await page.waitForSelector('#users-panel .field-problem[data-field="password"]');
  await page.fill('#users-new-name', name);
  await page.selectOption('#users-new-role', 'traffic');
  await page.fill('#users-new-password', password);
  await page.click('#users-add');
  const row = page.locator(`#users-list tr[data-user="${name}"]`);
  await row.waitFor();
  assert.equal(await row.locator('.users-role').inputValue(), 'traffic');
  // An API token, shown once with a copy button.
  await row.locator('.users-token-label').fill('卡口系统');
  await row.locator('.users-issue').click();
  await page.waitForSelector('#users-new-token code');
  const issued = (await page.locator('#users-new-token code').innerText()).trim();
  assert.match(issued, /^[0-9a-f]{64}$/);
  assert.ok(await page.locator('#users-copy').isVisible());
  await shot(page, 'admin');
  const me = await fetch(`${baseUrl}/api/me`, { headers: { Authorization: `Bearer ${issued}` } }).then((r) => r.json());
  assert.equal(me.user, name, 'the issued token signs in as the new user');
  await page.click('#users-panel .close');

  // Sign out; sign in with the name and password (a wrong one first).
  await page.click('#auth-toggle');
  await page.click('#auth-signout');
  await page.waitForSelector('#users-toggle', { state: 'hidden' });
  await page.fill('#auth-name', name);
  await page.fill('#auth-password', 'not-the-password');
  await page.click('#auth-password-submit');
  await page.waitForSelector('#auth-panel[data-state="error"]');
  assert.match(await page.locator('#auth-panel').innerText(), /用户名或密码错误/);
  await page.fill('#auth-name', name);
  await page.fill('#auth-password', password);
  await page.click('#auth-password-submit');
  await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
  assert.match(await page.locator('#auth-toggle').innerText(), new RegExp(name.replaceAll('.', '\\.')));
  assert.equal(await page.locator('#users-toggle').isVisible(), false, 'a traffic user does not manage users');

  // 登记通行证: only the pass form for the traffic role.
  await page.waitForSelector('#register-toggle:not([hidden])');
  await page.click('#register-toggle');
  await page.waitForSelector('#register-tab-truck_passes');
  assert.equal(await page.locator('#register-tab-sponge_projects').count(), 0);
  // Empty required fields are named in the form before anything is sent.
  await page.click('#register-submit');
  await page.waitForSelector('#register-panel .field-problem[data-field="plate"]');
  // A plate that is not a mainland plate: the server's problem under the field.
  await page.fill('#reg-plate', 'ABC');
  await page.fill('#reg-valid_from', '2026-01-01');
  await page.fill('#reg-valid_to', '2026-12-31');
  await page.fill('#reg-windows', '22:00-06:00');
  await page.click('#register-submit');
  await page.waitForSelector('#register-panel .field-problem[data-field="plate"]');
  const plateProblem = await page.locator('#register-panel .field-problem[data-field="plate"]').innerText();
  assert.match(plateProblem, /plate|号牌/i);
  await shot(page, 'register-refused');
  // A good plate with windows only at night: stored, with the server's warning.
  const plate = '晋M·T9' + String(process.pid % 1000).padStart(3, '0');
  await page.fill('#reg-plate', plate);
  await page.fill('#reg-valid_from', '2026-01-01');
  await page.fill('#reg-valid_to', '2026-12-31');
  await page.fill('#reg-windows', '22:00-06:00');
  await page.click('#register-submit');
  await page.waitForSelector('#register-result');
  const result = await page.locator('#register-result').innerText();
  assert.match(result, /已登记（编号 \d+）/);
  assert.ok(await page.locator('#register-result .register-warning').count() >= 1, `no warning in: ${result}`);
  await shot(page, 'register-pass');

  // The pass is stored, written by the new user.
  const audit = await fetch(`${baseUrl}/api/audit?layer=truck_passes&limit=100`, { headers: { Authorization: `Bearer ${adminToken}` } })
    .then((r) => r.json());
  const rows = audit.rows ?? audit.records ?? audit.audit ?? [];
  const mine = rows.filter((r) => r.actor === `${name} (traffic)`);
  assert.equal(mine.length, 1, `audit rows: ${JSON.stringify(audit).slice(0, 400)}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an admin registers a sponge project drawn on the map and an expropriated household', async () => {
  const { baseUrl, adminToken } = server;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('body[data-map-ready="1"]', { timeout: 45_000 });
  await page.click('#auth-toggle');
  await page.fill('#auth-token', adminToken);
  await page.click('#auth-submit');
  await page.waitForSelector('#auth-panel[data-state="signed-in"]', { state: 'attached' });
  await page.waitForSelector('#register-toggle:not([hidden])');
  await page.click('#register-toggle');
  // An admin writes every layer: three tabs.
  for (const layer of ['truck_passes', 'expropriation_households', 'sponge_projects']) {
    await page.waitForSelector(`#register-tab-${layer}`);
  }

  // 登记海绵项目: three corners clicked on the map (the click panel stays shut meanwhile).
  await page.click('#register-tab-sponge_projects');
  const name = `示例海绵公园-${process.pid}`;
  await page.fill('#reg-name', name);
  await page.selectOption('#reg-project_type', '新建');
  await page.selectOption('#reg-status', '规划');
  await page.click('#register-pick');
  const box = await page.locator('#map').boundingBox();
  for (const [dx, dy] of [[0, 0], [60, 0], [60, 50]]) {
    await page.mouse.click(box.x + 120 + dx, box.y + 300 + dy);
  }
  await page.waitForFunction(() => document.querySelector('#reg-geometry')?.value.split('\n').length === 3);
  assert.equal(await page.locator('#info-panel .info-body .loading').count(), 0);
  await page.waitForFunction(() => window.__landtraceMap.getSource('register-draft') != null);
  await shot(page, 'register-sponge-drawing');
  await page.click('#register-pick');
  await page.click('#register-submit');
  await page.waitForSelector('#register-result');
  const result = await page.locator('#register-result').innerText();
  const id = Number(result.match(/编号 (\d+)/)?.[1]);
  assert.ok(id > 0, result);
  await shot(page, 'register-sponge');
  const runoff = await fetch(`${baseUrl}/api/sponge/projects/${id}/runoff`).then((r) => r.json());
  assert.equal(runoff.project?.name ?? runoff.name ?? name, name, JSON.stringify(runoff).slice(0, 300));

  // 登记征收户: a storeys value that is not a whole number is named first.
  await page.click('#register-tab-expropriation_households');
  await page.fill('#reg-household_no', `H-${process.pid}`);
  await page.fill('#reg-owner_name', '示例户主');
  await page.fill('#reg-storeys', '2.5');
  await page.click('#register-submit');
  await page.waitForSelector('#register-panel .field-problem[data-field="storeys"]');
  await page.fill('#reg-storeys', '2');
  await page.fill('#reg-building_area_m2', '120');
  await page.click('#register-submit');
  await page.waitForSelector('#register-result');
  const household = await fetch(`${baseUrl}/api/expropriation/households`, { headers: { Authorization: `Bearer ${adminToken}` } })
    .then((r) => r.text());
  assert.ok(household.includes(`H-${process.pid}`) && household.includes('示例户主'), household.slice(0, 300));
  await shot(page, 'register-household');
  assert.deepEqual(problems, []);
  await context.close();
});
