// 用户管理 (user management) for administrators: the accounts of GET api/admin/users
// turned into rows, and the bodies of the admin routes with their checks. The server
// decides (crates/app/src/accounts.rs); these checks only say early what it would.
//
// Pure (no DOM).

import { MIN_PASSWORD_CHARS } from '../auth/state.js';

/** A sign-in name: letters, digits, `.`, `_`, `-`, at most 64 (crates/app/src/users.rs, check_user_name). */
const NAME = /^[\p{L}\p{N}._-]{1,64}$/u;

/** The i18n key of a password's problem, or null (empty: `users_need_password` when required). */
export function passwordProblem(password, required = true) {
  if (!password) return required ? 'users_need_password' : null;
  return [...password].length < MIN_PASSWORD_CHARS ? 'users_password_short' : null;
}

/** The body of POST api/admin/users, or `{problems: {field: i18n key}}`. */
export function newUserBody({ name, role, password }) {
  const problems = {};
  const n = String(name ?? '').trim();
  if (!NAME.test(n)) problems.name = n ? 'users_name_bad' : 'users_need_name';
  if (!role) problems.role = 'users_need_role';
  const p = passwordProblem(password, false);
  if (p) problems.password = p;
  if (Object.keys(problems).length) return { problems };
  return { body: password ? { name: n, role, password } : { name: n, role } };
}

/** The rows of a GET api/admin/users answer: file users (read-only) first, then the store's. */
export function userRows(answer) {
  return (answer?.users ?? []).map((u) => ({
    name: u.name,
    role: u.role,
    source: u.source,
    readOnly: Boolean(u.read_only),
    disabled: Boolean(u.disabled),
    hasPassword: Boolean(u.has_password),
    apiTokens: (u.tokens ?? []).filter((tk) => tk.kind === 'api'),
    sessions: (u.tokens ?? []).filter((tk) => tk.kind === 'session').length,
  }));
}

/** The roles of the answer, in its order (admin first). */
export const rolesOf = (answer) => (answer?.roles ?? []).map((r) => r.role);

/**
 * The problems of a 400 answer by field (`{field: message}`): its `problems` list when
 * it has one (fields named), else each line of its message goes to the fields it
 * names (`` `plate` `` or `field "plate"`; with `known`, only those, and failing that
 * a known field named as a word, e.g. `plate "ABC" is not …`); a line naming no field
 * is under `_`.
 */
export function problemsByField(answer, known = null) {
  const out = {};
  const add = (field, message) => {
    const key = field || '_';
    out[key] = out[key] ? `${out[key]}；${message}` : message;
  };
  if (Array.isArray(answer?.problems) && answer.problems.length) {
    for (const p of answer.problems) add(p.field, p.message);
    return out;
  }
  const text = String(answer?.error ?? '');
  const isKnown = (f) => !known || known.includes(f);
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    let named = [...line.matchAll(/`([a-z_][a-z0-9_]*)`|field "([a-z_][a-z0-9_]*)"/g)].map((m) => m[1] ?? m[2]).filter(isKnown);
    if (!named.length && known) named = known.filter((f) => new RegExp(`(^|[^a-z0-9_])${f}([^a-z0-9_]|$)`).test(line));
    if (named.length) [...new Set(named)].forEach((f) => add(f, line));
    else add('_', line);
  }
  return out;
}
