// Sign-in for staff (登录 / Sign in), the control: the user signs in with a name and
// password (`POST api/session` answers a session token), or pastes an access token
// (使用令牌); the page checks the token with `GET api/me`, and state.js keeps it
// (sessionStorage) and the session. Signing out ends the session on the server
// (`DELETE api/session`). The server decides what a role may see: contact names and phones of origin
// points are returned only to agriculture staff and admins.
//
// For tests: `#auth-toggle` opens `#auth-panel` (`data-state` = `signed-out | checking |
// signed-in | error`), `#auth-name` + `#auth-password` + `#auth-password-submit` sign in
// with a password; the token field is `#auth-token` (inside 使用令牌), `#auth-submit`
// signs in with it and `#auth-signout` signs out.

import { colon, labelled, roleName, t } from '../../lib/i18n.js';
import { errorText } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { getSession, keptSession, keptToken, passwordSignIn, sessionOf, setSession, signInFailure } from './state.js';

/** GET api/me with `candidate`; resolves the answer, throws an Error (`.rejected` on 401/403). */
async function whoAmI(candidate) {
  const res = await fetch(new URL('api/me', document.baseURI), { headers: { Authorization: `Bearer ${candidate}` } });
  if (!res.ok) throw Object.assign(new Error(await errorText(res)), { rejected: res.status === 401 || res.status === 403 });
  return res.json();
}

/** The 登录 control: `button` in the top bar toggles `root`, a small sign-in panel. */
export function authControl({ button, root }) {
  let status = 'signed-out';
  let message = '';
  let open = false;

  function render() {
    const session = getSession();
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
        const ending = keptToken();
        // Ends the session on the server too (an admin token or a file user's is not a session: 204 all the same).
        if (ending) {
          fetch(new URL('api/session', document.baseURI), { method: 'DELETE', headers: { Authorization: `Bearer ${ending}` } })
            .catch(() => {});
        }
        setSession(null, null);
        status = 'signed-out';
        message = t('signed_out');
        render();
      });
      parts.push(
        el('p', { class: 'auth-who' }, [t('signed_in_as'), el('strong', {}, session.user ?? ''),
          ` · ${t('role')}${colon()}`, el('span', { class: 'auth-role' }, roleName(session.role))]),
        el('p', { class: 'v-note' }, t('auth_session_note')),
        signOut,
      );
    } else {
      const name = el('input', { type: 'text', id: 'auth-name', autocomplete: 'username', spellcheck: 'false' });
      const password = el('input', { type: 'password', id: 'auth-password', autocomplete: 'current-password' });
      const pwSubmit = el('button', { type: 'submit', id: 'auth-password-submit', class: 'v-button primary' }, t('sign_in'));
      const pwForm = el('form', { class: 'auth-form' }, [
        el('label', { for: 'auth-name' }, t('auth_name')), name,
        el('label', { for: 'auth-password' }, t('auth_password')), password, pwSubmit,
      ]);
      pwForm.addEventListener('submit', (e) => {
        e.preventDefault();
        signInWithPassword(name.value, password.value);
      });
      const input = el('input', { type: 'password', id: 'auth-token', autocomplete: 'off', spellcheck: 'false',
        placeholder: t('token_placeholder') });
      const submit = el('button', { type: 'submit', id: 'auth-submit', class: 'v-button' }, t('sign_in'));
      const form = el('form', { class: 'auth-form' }, [
        el('label', { for: 'auth-token' }, t('access_token')), input, submit,
      ]);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        signIn(input.value.trim());
      });
      // Always shown (not folded away): pasting a token is how an admin starts.
      const byToken = el('div', { class: 'auth-by-token', id: 'auth-by-token' }, [
        el('h3', {}, t('auth_use_token')), form, el('p', { class: 'v-note' }, t('auth_hint')),
      ]);
      parts.push(pwForm, byToken);
      if (status === 'checking') {
        submit.disabled = true;
        pwSubmit.disabled = true;
      }
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
      setSession(sessionOf(me), candidate);
      status = 'signed-in';
      message = '';
      if (!quiet) open = false;
    } catch (err) {
      // Offline at start-up (no answer, not a refusal): the session kept in this tab
      // stands until the server can check it (issue 16: field work without network).
      const kept = quiet && !err.rejected ? keptSession() : null;
      if (kept) {
        setSession(kept, candidate);
        status = 'signed-in';
        message = '';
        render();
        return;
      }
      setSession(null, null);
      ({ status, message } = signInFailure({ rejected: Boolean(err.rejected), quiet, reason: err.message }));
    }
    render();
  }

  async function signInWithPassword(name, password) {
    const asked = passwordSignIn(name, password);
    if (asked.error) {
      status = 'error';
      message = t(asked.error);
      return render();
    }
    status = 'checking';
    message = '';
    render();
    try {
      const res = await fetch(new URL('api/session', document.baseURI), {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(asked.body),
      });
      if (!res.ok) throw Object.assign(new Error(await errorText(res)), { status: res.status });
      const { token } = await res.json();
      await signIn(token);
    } catch (err) {
      status = 'error';
      message = err.status === 401 ? t('auth_wrong_password') : labelled('auth_failed', err.message);
      render();
    }
  }

  button.addEventListener('click', () => {
    open = !open;
    render();
    if (open) root.querySelector('#auth-name')?.focus();
  });
  root.querySelector('.close').addEventListener('click', () => {
    open = false;
    render();
  });
  render();
  // A token kept from earlier in this tab: check it again (it may have been revoked).
  if (keptToken()) signIn(keptToken(), true);

  return {
    render,
    /** Opens the sign-in panel (e.g. from a tool that needs a signed-in user). */
    open() {
      open = true;
      render();
      root.querySelector('#auth-name')?.focus();
    },
  };
}
