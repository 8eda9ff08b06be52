// User management and sign-in (web/src/tools/users/state.js, auth/state.js): bodies,
// early checks, rows, problems under their fields.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { passwordSignIn } from '../src/tools/auth/state.js';
import { newUserBody, passwordProblem, problemsByField, rolesOf, userRows } from '../src/tools/users/state.js';

test('a password sign-in needs a name and a password, the name trimmed', () => {
  assert.deepEqual(passwordSignIn(' li.si ', 'secret-pass'), { body: { name: 'li.si', password: 'secret-pass' } });
  assert.deepEqual(passwordSignIn('', 'x'), { error: 'auth_need_name' });
  assert.deepEqual(passwordSignIn('li.si', ''), { error: 'auth_need_password' });
});

test('a new user: name rules, a role, a password of 10 characters or none', () => {
  assert.deepEqual(newUserBody({ name: 'li.si', role: 'traffic', password: '0123456789' }),
    { body: { name: 'li.si', role: 'traffic', password: '0123456789' } });
  assert.deepEqual(newUserBody({ name: '张三', role: 'land', password: '' }), { body: { name: '张三', role: 'land' } });
  assert.deepEqual(newUserBody({ name: 'a b', role: '', password: '123' }).problems,
    { name: 'users_name_bad', role: 'users_need_role', password: 'users_password_short' });
  assert.equal(newUserBody({ name: '', role: 'land' }).problems.name, 'users_need_name');
  assert.equal(newUserBody({ name: 'x'.repeat(65), role: 'land' }).problems.name, 'users_name_bad');
  // Characters, not bytes: ten Chinese characters are enough.
  assert.equal(passwordProblem('一二三四五六七八九十'), null);
  assert.equal(passwordProblem('一二三四五六七八九'), 'users_password_short');
  assert.equal(passwordProblem(''), 'users_need_password');
  assert.equal(passwordProblem('', false), null);
});

test('rows: file users read-only, API tokens apart from sessions', () => {
  const answer = {
    users: [
      { name: 'wang.wu', role: 'land', source: 'file', read_only: true, tokens: [] },
      { name: 'li.si', role: 'traffic', source: 'store', read_only: false, disabled: true, has_password: true,
        tokens: [{ id: 3, kind: 'api', label: '卡口' }, { id: 4, kind: 'session' }, { id: 5, kind: 'session' }] },
    ],
    roles: [{ role: 'admin' }, { role: 'traffic' }],
  };
  const rows = userRows(answer);
  assert.deepEqual(rows.map((r) => [r.name, r.readOnly, r.disabled, r.sessions, r.apiTokens.map((tk) => tk.id)]),
    [['wang.wu', true, false, 0, []], ['li.si', false, true, 2, [3]]]);
  assert.deepEqual(rolesOf(answer), ['admin', 'traffic']);
  assert.deepEqual(userRows(null), []);
});

test('problems by field: the problems list, else the backquoted fields of the message', () => {
  assert.deepEqual(problemsByField({ problems: [{ field: 'password', message: 'too short' }, { field: 'password', message: 'again' }] }),
    { password: 'too short；again' });
  const store = { error: '1 of 1 features for layer truck_passes rejected; nothing was stored\n  feature #1: `plate`: not a plate\n  feature #1: `windows` and `valid_to`: bad' };
  const got = problemsByField(store);
  assert.match(got.plate, /not a plate/);
  assert.match(got.windows, /bad/);
  assert.equal(got.windows, got.valid_to);
  assert.match(got._, /rejected/);
  assert.deepEqual(problemsByField({}), {});
  // As the server words a pass's plate (the field named as the layer): a known field named as a word.
  const pass = { error: '1 of 1 features rejected\n  feature #1: field "truck_passes": 号牌号码"ABC"不符合 / plate "ABC" is not a mainland number plate' };
  const known = problemsByField(pass, ['plate', 'windows', 'area']);
  assert.match(known.plate, /not a mainland/);
  assert.equal(known.truck_passes, undefined);
  assert.match(known._, /rejected/);
  assert.match(problemsByField({ error: 'x: field "windows": bad' }, ['windows']).windows, /bad/);
});
