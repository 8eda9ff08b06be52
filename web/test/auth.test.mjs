// The signed-in user (web/src/tools/auth/state.js): the session, who may write what,
// the headers, the messages of a failed sign-in.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { authHeaders, getSession, mayWrite, onAuthChange, sessionOf, setSession, signInFailure } from '../src/tools/auth/state.js';

test('signing in and out: headers, write rights, listeners', () => {
  assert.equal(getSession(), null);
  assert.deepEqual(authHeaders(), {});
  const heard = [];
  onAuthChange((s) => heard.push(s?.user ?? null));
  setSession(sessionOf({ user: '农业局', role: 'agriculture', layers: ['origin_points'], extra: 1 }), 'tok-1');
  assert.deepEqual(getSession(), { user: '农业局', role: 'agriculture', layers: ['origin_points'] });
  assert.deepEqual(authHeaders(), { Authorization: 'Bearer tok-1' });
  assert.ok(mayWrite('origin_points'));
  assert.ok(!mayWrite('urban_grade_zones'));
  setSession(sessionOf({ user: '农业局', role: 'agriculture', layers: ['origin_points'] }), 'tok-1');
  assert.deepEqual(heard, ['农业局'], 'the same session again is no change');
  setSession(sessionOf({ user: '农业局', role: 'agriculture', layers: ['origin_points'] }), 'tok-2');
  assert.deepEqual(heard, ['农业局', '农业局'], 'a new token is a change');
  setSession(sessionOf({ user: 'root', role: 'admin' }), 'tok-3');
  assert.equal(getSession().layers, null);
  assert.ok(mayWrite('anything'), 'an admin without a layer list writes everything');
  setSession(null, null);
  assert.deepEqual(authHeaders(), {});
  assert.ok(!mayWrite('origin_points'));
  assert.equal(heard.at(-1), null);
});

test('a failed sign-in says why; a kept token that is refused has merely expired', () => {
  assert.deepEqual(signInFailure({ rejected: true, quiet: false }), { status: 'error', message: '令牌无效或已过期（401），请向管理员核实。' });
  assert.equal(signInFailure({ rejected: true, quiet: true }).status, 'signed-out');
  assert.deepEqual(signInFailure({ rejected: false, quiet: true, reason: 'HTTP 502' }).status, 'error');
  assert.match(signInFailure({ rejected: false, quiet: false, reason: 'HTTP 502' }).message, /：HTTP 502$/);
});
