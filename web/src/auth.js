// Sign-in for staff (登录 / Sign in): the user pastes an access token, the page checks
// it with `GET api/me` and keeps it in sessionStorage (gone when the tab closes); every
// API request of the page then carries `Authorization: Bearer <token>`. The server
// decides what a role may see: contact names and phones of origin points are returned
// only to agriculture staff and admins.
//
// For tests: `#auth-toggle` opens `#auth-panel` (`data-state` = `signed-out | checking |
// signed-in | error`), the token field is `#auth-token`, `#auth-submit` signs in and
// `#auth-signout` signs out.

import { el } from './dom.js';
import { t } from './i18n.js';

const STORAGE_KEY = 'landtrace.token';
const listeners = [];
let session = null; // {user, role, layers} after a successful GET api/me

function storedToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(STORAGE_KEY, token);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage disabled: the session lasts as long as the page
  }
}

let token = storedToken();

/** Headers that authenticate a request (empty when signed out). */
export const authHeaders = () => (token && session ? { Authorization: `Bearer ${token}` } : {});
/** `{user, role, layers}` when signed in, else null (`layers`: the tables the role writes). */
export const getSession = () => session;
/** Whether the signed-in user may write `table` (per `layers` of api/me; the server decides). */
export const mayWrite = (table) => Boolean(session && (Array.isArray(session.layers)
  ? session.layers.includes(table) : session.role === 'admin'));
/** `fn(session)` after every sign-in or sign-out. */
export const onAuthChange = (fn) => listeners.push(fn);

class AuthError extends Error {}

/** GET api/me with `candidate`; resolves `{user, role, layers}`, throws AuthError on 401/403. */
async function whoAmI(candidate) {
  const res = await fetch(new URL('api/me', document.baseURI), { headers: { Authorization: `Bearer ${candidate}` } });
  if (res.status === 401 || res.status === 403) throw new AuthError(t('auth_rejected'));
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      message = (await res.json()).error ?? message;
    } catch {
      // not JSON
    }
    throw new Error(message);
  }
  return res.json();
}

function setSession(next, nextToken) {
  const changed = JSON.stringify(next) !== JSON.stringify(session) || (next && nextToken !== token);
  session = next;
  token = next ? nextToken : null;
  storeToken(token);
  if (changed) listeners.forEach((fn) => fn(session));
}

/** The 登录 control: `button` in the top bar toggles `root`, a small sign-in panel. */
export function authControl({ button, root }) {
  let status = 'signed-out';
  let message = '';
  let open = false;

  const roleName = (role) => {
    const key = `role_${role}`;
    const text = t(key);
    return text === key ? role : text;
  };

  function render() {
    root.dataset.state = status;
    button.replaceChildren(session
      ? el('span', { class: 'auth-user' }, session.user ?? '')
      : el('span', {}, t('sign_in')));
    button.setAttribute('aria-expanded', String(open));
    button.classList.toggle('signed-in', Boolean(session));
    root.hidden = !open;
    const parts = [];
    if (session) {
      const signOut = el('button', { type: 'button', id: 'auth-signout', class: 'v-button' }, t('sign_out'));
      signOut.addEventListener('click', () => {
        setSession(null, null);
        status = 'signed-out';
        message = t('signed_out');
        render();
      });
      parts.push(
        el('p', { class: 'auth-who' }, [t('signed_in_as'), el('strong', {}, session.user ?? ''),
          ` · ${t('role')}${t('colon')}`, el('span', { class: 'auth-role' }, roleName(session.role))]),
        el('p', { class: 'v-note' }, t('auth_session_note')),
        signOut,
      );
    } else {
      const input = el('input', { type: 'password', id: 'auth-token', autocomplete: 'off', spellcheck: 'false',
        placeholder: t('token_placeholder') });
      const submit = el('button', { type: 'submit', id: 'auth-submit', class: 'v-button primary' }, t('sign_in'));
      const form = el('form', { class: 'auth-form' }, [
        el('label', { for: 'auth-token' }, t('access_token')), input, submit,
      ]);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        signIn(input.value.trim());
      });
      parts.push(form, el('p', { class: 'v-note' }, t('auth_hint')));
      if (status === 'checking') submit.disabled = true;
    }
    if (status === 'checking') parts.push(el('p', { class: 'loading' }, t('auth_checking')));
    if (message) parts.push(el('p', { class: status === 'error' ? 'warning auth-message' : 'muted auth-message', role: 'status' }, message));
    root.querySelector('.auth-body').replaceChildren(...parts);
  }

  async function signIn(candidate, quiet = false) {
    if (!candidate) {
      status = 'error';
      message = t('auth_need_token');
      return render();
    }
    status = 'checking';
    message = '';
    render();
    try {
      const me = await whoAmI(candidate);
      setSession({ user: me.user, role: me.role, layers: Array.isArray(me.layers) ? me.layers : null }, candidate);
      status = 'signed-in';
      message = '';
      if (!quiet) open = false;
    } catch (err) {
      setSession(null, null);
      status = quiet ? 'signed-out' : 'error';
      message = err instanceof AuthError ? (quiet ? t('auth_expired') : err.message) : `${t('auth_failed')}${t('colon')}${err.message}`;
      if (quiet && !(err instanceof AuthError)) status = 'error';
    }
    render();
  }

  button.addEventListener('click', () => {
    open = !open;
    render();
    if (open) root.querySelector('#auth-token')?.focus();
  });
  root.querySelector('.close').addEventListener('click', () => {
    open = false;
    render();
  });
  render();
  // A token kept from earlier in this tab: check it again (it may have been revoked).
  if (token) signIn(token, true);

  return {
    render,
    /** Opens the sign-in panel (e.g. from a tool that needs a signed-in user). */
    open() {
      open = true;
      render();
      root.querySelector('#auth-token')?.focus();
    },
  };
}
