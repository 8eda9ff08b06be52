// The signed-in user: the access token (kept in sessionStorage, gone when the tab
// closes) and the session `{user, role, layers}` from `GET api/me`. Every API request
// of the page carries `Authorization: Bearer <token>` once a user has signed in; the
// server decides what a role may see and write.
//
// Pure (no DOM): sessionStorage is used when there is one.

import { labelled, t } from '../../lib/i18n.js';

const STORAGE_KEY = 'landtrace.token';
const SESSION_KEY = 'landtrace.session';
const listeners = [];
let session = null; // {user, role, layers} after a successful GET api/me

function storedToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeToken(value, next) {
  try {
    if (value) sessionStorage.setItem(STORAGE_KEY, value);
    else sessionStorage.removeItem(STORAGE_KEY);
    if (value && next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // storage disabled (or none, in Node): the session lasts as long as the page
  }
}

let token = storedToken();

/** The session kept with the token in this tab (for a start-up without network), or null. */
export function keptSession() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return kept && typeof kept === 'object' ? sessionOf(kept) : null;
  } catch {
    return null;
  }
}

/** The token kept from earlier in this tab (to check again at start-up), or null. */
export const keptToken = () => token;
/** Headers that authenticate a request (empty when signed out). */
export const authHeaders = () => (token && session ? { Authorization: `Bearer ${token}` } : {});
/** `{user, role, layers}` when signed in, else null (`layers`: the tables the role writes). */
export const getSession = () => session;
/** Whether the signed-in user may write `table` (per `layers` of api/me; the server decides). */
export const mayWrite = (table) => Boolean(session && (Array.isArray(session.layers)
  ? session.layers.includes(table) : session.role === 'admin'));
/** `fn(session)` after every sign-in or sign-out. */
export const onAuthChange = (fn) => listeners.push(fn);

/** The session of an `api/me` answer. */
export const sessionOf = (me) => ({ user: me.user, role: me.role, layers: Array.isArray(me.layers) ? me.layers : null });

/** Signs in (`next`, with `nextToken`) or out (null); listeners hear of every change. */
export function setSession(next, nextToken) {
  const changed = JSON.stringify(next) !== JSON.stringify(session) || (next && nextToken !== token);
  session = next;
  token = next ? nextToken : null;
  storeToken(token, session);
  if (changed) listeners.forEach((fn) => fn(session));
}

/**
 * The sign-in control's `{status, message}` after a failed check of a token: the
 * server refused it (`rejected`, 401/403) or could not answer (`reason`). `quiet` is
 * the start-up check of a kept token: a refused one has merely expired.
 */
export function signInFailure({ rejected, quiet, reason }) {
  if (rejected) return quiet ? { status: 'signed-out', message: t('auth_expired') } : { status: 'error', message: t('auth_rejected') };
  return { status: 'error', message: labelled('auth_failed', reason) };
}

/** The shortest password the server accepts (crates/app/src/accounts.rs, MIN_PASSWORD_CHARS). */
export const MIN_PASSWORD_CHARS = 10;

/**
 * The body of `POST api/session` for a name and password sign-in, or `{error}` (an
 * i18n key) when a field is empty. The password is checked by the server only.
 */
export function passwordSignIn(name, password) {
  const n = String(name ?? '').trim();
  if (!n) return { error: 'auth_need_name' };
  if (!password) return { error: 'auth_need_password' };
  return { body: { name: n, password } };
}
