// The languages of the API in a real browser: the map client sends its page language
// as Accept-Language, and the server words its errors in it (Chinese by default,
// English on the English page). Setup as in map.test.mjs. Run:
// LANDTRACE_BIN=… node --test language.test.mjs

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
  for (const p of [path.join(webDir, 'index.html'), bin, chromiumPath]) assert.ok(existsSync(p), `missing ${p}`);
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.stop();
});

/** Opens the page in `lang`; returns the page and the Accept-Language of its /api/ requests. */
async function open(lang) {
  // The browser's own preference is English: the page language must win over it.
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const sent = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) sent.push(r.headers()['accept-language']);
  });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // The layer list is asked for as the page starts.
  const load = async () => {
    sent.length = 0;
    await page.waitForSelector('body[data-map-ready="1"]', { timeout: 90_000 });
    const deadline = Date.now() + 30_000;
    while (!sent.length && Date.now() < deadline) await page.waitForTimeout(200);
  };
  await page.goto(`${server.baseUrl}/`);
  await load();
  if (lang === 'en') {
    // The language switch is remembered (localStorage): the page loaded again is English.
    await page.click('#lang-toggle');
    await page.reload();
    await load();
  }
  assert.deepEqual(problems, [], 'no page errors');
  return { context, page, sent };
}

for (const [lang, header, chinese] of [['zh', 'zh-CN', true], ['en', 'en', false]]) {
  test(`the ${lang} page asks for ${header} and gets its errors in it`, async () => {
    const { context, page, sent } = await open(lang);
    try {
      assert.ok(sent.length > 0, 'the page made API requests');
      assert.deepEqual([...new Set(sent)], [header], `Accept-Language of the page's API requests: ${sent}`);
      // A bad request made as the client makes them (same header).
      const answer = await page.evaluate(async (h) => {
        const res = await fetch('api/locate?lon=abc&lat=35.1', { headers: { 'accept-language': h } });
        return { status: res.status, language: res.headers.get('content-language'), body: await res.json() };
      }, header);
      assert.equal(answer.status, 400);
      assert.equal(answer.language, header);
      assert.equal(/[\u4e00-\u9fff]/.test(answer.body.error), chinese, answer.body.error);
      assert.equal(answer.body.error, chinese ? answer.body.error_zh : answer.body.error_en);
      await page.screenshot({ path: path.join(artifacts, `language-${lang}.png`) });
    } finally {
      await context.close();
    }
  });
}
