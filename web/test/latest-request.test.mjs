// The latest-request rule (web/src/lib/latest-request.js): only the last question's
// answer is shown, whatever order the answers come in.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { latestRequest } from '../src/lib/latest-request.js';

const deferred = () => {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

test('an earlier answer arriving late is dropped', async () => {
  const state = { status: 'idle' };
  const drawn = [];
  let changes = 0;
  const r = latestRequest({ state, refresh: () => drawn.push(state.status), onChange: () => { changes += 1; } });
  const [first, second] = [deferred(), deferred()];
  const a = r.run(() => first.promise, { loading: { answer: null } });
  const b = r.run(() => second.promise);
  second.resolve({ status: 'result', answer: 2 });
  await b;
  first.resolve({ status: 'result', answer: 1 });
  await a;
  assert.equal(state.answer, 2);
  assert.deepEqual(drawn, ['loading', 'loading', 'result']);
  assert.equal(changes, 1);
});

test('a failure says why; cancel drops what is under way', async () => {
  const state = { status: 'idle' };
  const r = latestRequest({ state, refresh: () => {} });
  let ok = null;
  await r.run(() => Promise.reject(new Error('HTTP 500')), { failed: { answer: null }, fail: (e) => `failed: ${e.message}`, then: (x) => { ok = x; } });
  assert.deepEqual(state, { status: 'error', answer: null, message: 'failed: HTTP 500' });
  assert.equal(ok, false);
  const late = deferred();
  const p = r.run(() => late.promise);
  r.cancel();
  late.resolve({ status: 'result' });
  await p;
  assert.equal(state.status, 'loading', 'the cancelled answer is not applied');
  await r.run(async () => [1, 2], { apply: ([x, y]) => Object.assign(state, { status: 'ready', sum: x + y }) });
  assert.equal(state.sum, 3);
});
