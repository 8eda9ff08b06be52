// ui/lazy-tool.js with a stand-in button (an EventTarget with attributes and click()),
// and the rule that main.js loads the top-bar tools lazily.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { lazyTool } from '../src/ui/lazy-tool.js';

class FakeButton extends EventTarget {
  attrs = new Map();
  getAttribute(name) { return this.attrs.get(name) ?? null; }
  setAttribute(name, value) { this.attrs.set(name, String(value)); }
  removeAttribute(name) { this.attrs.delete(name); }
  click() { this.dispatchEvent(new Event('click')); }
}

/** A tool as the views make it: it toggles on its own button's clicks (like ui/panel.js toolPanel). */
function fakeTool(button) {
  const state = { open: false, renders: 0 };
  button.addEventListener('click', () => { state.open = !state.open; });
  return {
    state,
    isOpen: () => state.open,
    close: () => { state.open = false; },
    render: () => { state.renders += 1; },
    showsIllustrative: () => state.open,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('nothing is loaded before the first click; the first click loads, makes and opens the tool', async () => {
  const button = new FakeButton();
  let loads = 0;
  // As `import(...)`: the module arrives after the click that asked for it.
  let made = 0;
  const tool = lazyTool(button, async () => { await tick(); loads += 1; return { fakeTool }; },
    (m) => { made += 1; return m.fakeTool(button); });
  assert.equal(loads, 0);
  assert.equal(tool.isOpen(), false);
  assert.equal(tool.showsIllustrative(), false);
  tool.close();
  tool.render(); // no tool yet: nothing to do, no error
  assert.equal(tool.loaded, null);

  button.click();
  assert.equal(button.getAttribute('aria-busy'), 'true');
  button.click(); // while loading: ignored
  await tick();
  await tick();
  assert.equal(loads, 1);
  assert.equal(tool.isOpen(), true, 'the first click opens the tool');
  assert.equal(button.getAttribute('aria-busy'), null);
  button.click(); // from now on the tool's own listener only
  assert.equal(tool.isOpen(), false);
  button.click();
  assert.equal(tool.isOpen(), true);
  tool.close();
  assert.equal(tool.isOpen(), false);
  tool.render();
  assert.equal(tool.loaded.state.renders, 1);
  assert.equal(loads, 1);
  assert.equal(made, 1);
});

test('prefetch() fetches the module without making the tool; the first click then opens it at once', async () => {
  const button = new FakeButton();
  let loads = 0;
  let made = 0;
  const tool = lazyTool(button, async () => { loads += 1; return { fakeTool }; }, (m) => { made += 1; return m.fakeTool(button); });
  await Promise.all([tool.prefetch(), tool.prefetch()]);
  assert.equal(loads, 1);
  assert.equal(made, 0, 'prefetching makes no tool (no map layers, no DOM)');
  assert.equal(tool.loaded, null);
  button.click();
  await null; // the module is there: made and opened within the click's microtasks
  await null;
  await null;
  await null;
  assert.equal(made, 1);
  assert.equal(tool.isOpen(), true);
});

test('load() makes the tool without opening it, once; a click then opens it at once', async () => {
  const button = new FakeButton();
  let loads = 0;
  const tool = lazyTool(button, async () => { loads += 1; return { fakeTool }; }, (m) => m.fakeTool(button));
  const [a, b] = await Promise.all([tool.load(), tool.load()]);
  assert.equal(a, b);
  assert.equal(loads, 1);
  assert.equal(tool.isOpen(), false);
  button.click();
  assert.equal(tool.isOpen(), true, 'opened synchronously by the tool itself');
});

test('a failed load is reported and tried again on the next click', async () => {
  const button = new FakeButton();
  const errors = [];
  let fail = true;
  const tool = lazyTool(button, async () => {
    if (fail) throw new Error('offline');
    return { fakeTool };
  }, (m) => m.fakeTool(button), { onError: (err) => errors.push(err.message) });
  await assert.rejects(tool.prefetch(), /offline/);
  button.click();
  await tick();
  assert.deepEqual(errors, ['offline']);
  assert.equal(tool.isOpen(), false);
  assert.equal(button.getAttribute('aria-busy'), null);
  fail = false;
  button.click();
  await tick();
  assert.equal(tool.isOpen(), true);
  assert.deepEqual(errors, ['offline']);
});

test('main.js imports no top-bar tool view statically (each is loaded by lazyTool)', () => {
  const main = readFileSync(new URL('../src/main.js', import.meta.url), 'utf8');
  const statics = [...main.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
  for (const tool of ['valuation', 'truck-ban', 'trace', 'import']) {
    assert.ok(!statics.includes(`./tools/${tool}/view.js`), `main.js imports tools/${tool}/view.js statically`);
    assert.ok(main.includes(`() => import('./tools/${tool}/view.js')`), `main.js does not load tools/${tool}/view.js with import()`);
  }
});
