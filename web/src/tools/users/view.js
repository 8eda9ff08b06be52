// 用户管理 (user management), the panel for administrators: every account (users-file
// accounts read-only), adding one with a role and password, changing its role,
// disabling it, resetting its password, issuing API tokens (shown once, with a copy
// button) and revoking them. Every change goes to api/admin/users…, takes effect at
// once on the server and is audited there.
//
// For tests: `#users-toggle` (shown to admins) opens `#users-panel`; the add form is
// `#users-new-name`, `#users-new-role`, `#users-new-password`, `#users-add`; each
// account is a `tr[data-user=NAME]` with `.users-role`, `.users-disable`,
// `.users-password` + `.users-reset`, `.users-issue`, `.users-revoke`; a new token is
// shown in `#users-new-token` with `#users-copy`.

import { roleName, t } from '../../lib/i18n.js';
import { el } from '../../ui/dom.js';
import { authHeaders, getSession, onAuthChange } from '../auth/state.js';
import { newUserBody, passwordProblem, problemsByField, rolesOf, userRows } from './state.js';

const url = (path) => new URL(path, document.baseURI);

async function call(method, path, body) {
  const headers = { ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(answer?.error ?? `HTTP ${res.status}`), { answer, status: res.status });
  return answer;
}

/** The 用户管理 panel; `button` in the top bar, shown to admins only. */
export function usersTool({ button, root }) {
  let open = false;
  let answer = null;
  let message = '';
  let problems = {};
  let shownToken = null; // {user, token}: shown once
  const body = root.querySelector('.users-body');

  const isAdmin = () => getSession()?.role === 'admin';

  async function load() {
    try {
      answer = await call('GET', 'api/admin/users');
      message = '';
    } catch (err) {
      message = err.message;
    }
    render();
  }

  async function change(fn, done) {
    try {
      await fn();
      problems = {};
      message = done ?? '';
      await load();
    } catch (err) {
      problems = err.status === 400 ? problemsByField(err.answer) : {};
      message = err.message;
      render();
    }
  }

  const problemLine = (field) => (problems[field] ? el('p', { class: 'warning field-problem', 'data-field': field }, problems[field]) : null);

  function addForm(roles) {
    const name = el('input', { id: 'users-new-name', type: 'text', autocomplete: 'off', spellcheck: 'false' });
    const role = el('select', { id: 'users-new-role' }, roles.map((r) => el('option', { value: r, selected: r === 'traffic' }, roleName(r))));
    const password = el('input', { id: 'users-new-password', type: 'password', autocomplete: 'new-password' });
    const submit = el('button', { id: 'users-add', type: 'submit', class: 'v-button primary' }, t('users_add'));
    const form = el('form', { class: 'users-add-form' }, [
      el('h3', {}, t('users_add_title')),
      el('label', { for: 'users-new-name' }, t('auth_name')), name, problemLine('name'),
      el('label', { for: 'users-new-role' }, t('role')), role, problemLine('role'),
      el('label', { for: 'users-new-password' }, t('auth_password')), password, problemLine('password'),
      el('p', { class: 'v-note' }, t('users_password_note')),
      submit,
    ]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const asked = newUserBody({ name: name.value, role: role.value, password: password.value });
      if (asked.problems) {
        problems = Object.fromEntries(Object.entries(asked.problems).map(([f, key]) => [f, t(key)]));
        message = '';
        return render();
      }
      change(() => call('POST', 'api/admin/users', asked.body), t('users_added', asked.body.name));
    });
    return form;
  }

  function row(u, roles) {
    const enc = encodeURIComponent(u.name);
    const cells = [el('th', { scope: 'row' }, [u.name, u.readOnly ? el('span', { class: 'badge' }, t('users_file')) : null,
      u.disabled ? el('span', { class: 'badge warning' }, t('users_disabled')) : null])];
    if (u.readOnly) {
      cells.push(el('td', {}, roleName(u.role)), el('td', { colspan: 2, class: 'muted' }, t('users_read_only')));
      return el('tr', { 'data-user': u.name }, cells);
    }
    const role = el('select', { class: 'users-role', 'aria-label': t('role') },
      roles.map((r) => el('option', { value: r, selected: r === u.role }, roleName(r))));
    role.addEventListener('change', () => change(() => call('PATCH', `api/admin/users/${enc}`, { role: role.value })));
    const disable = el('button', { type: 'button', class: 'v-button users-disable' }, u.disabled ? t('users_enable') : t('users_disable'));
    disable.addEventListener('click', () => change(() => call('PATCH', `api/admin/users/${enc}`, { disabled: !u.disabled })));
    const password = el('input', { type: 'password', class: 'users-password', autocomplete: 'new-password', placeholder: t('users_new_password') });
    const reset = el('button', { type: 'button', class: 'v-button users-reset' }, t('users_reset'));
    reset.addEventListener('click', () => {
      const p = passwordProblem(password.value);
      if (p) {
        message = t(p);
        return render();
      }
      change(() => call('PATCH', `api/admin/users/${enc}`, { password: password.value }), t('users_password_set', u.name));
    });
    const label = el('input', { type: 'text', class: 'users-token-label', placeholder: t('users_token_label') });
    const issue = el('button', { type: 'button', class: 'v-button users-issue' }, t('users_issue'));
    issue.addEventListener('click', () => change(async () => {
      const made = await call('POST', `api/admin/users/${enc}/tokens`, { label: label.value });
      shownToken = { user: u.name, token: made.token };
    }));
    const tokens = u.apiTokens.map((tk) => {
      const revoke = el('button', { type: 'button', class: 'v-button users-revoke', 'data-token': tk.id }, t('users_revoke'));
      revoke.addEventListener('click', () => change(() => call('DELETE', `api/admin/users/${enc}/tokens/${tk.id}`)));
      return el('li', {}, [`#${tk.id} ${tk.label || ''} `, el('span', { class: 'muted' }, tk.created_at), ' ', revoke]);
    });
    cells.push(
      el('td', {}, role),
      el('td', {}, [disable, el('div', { class: 'users-inline' }, [password, reset]),
        u.sessions ? el('p', { class: 'muted' }, t('users_sessions', u.sessions)) : null]),
      el('td', {}, [el('ul', { class: 'users-tokens' }, tokens), el('div', { class: 'users-inline' }, [label, issue])]),
    );
    return el('tr', { 'data-user': u.name, class: u.disabled ? 'disabled' : null }, cells);
  }

  function render() {
    const admin = isAdmin();
    button.hidden = !admin;
    if (!admin) open = false;
    button.setAttribute('aria-expanded', String(open));
    root.hidden = !open;
    if (!open) return;
    const roles = rolesOf(answer);
    const parts = [];
    if (shownToken) {
      const copy = el('button', { type: 'button', id: 'users-copy', class: 'v-button' }, t('users_copy'));
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(shownToken.token);
          copy.textContent = t('users_copied');
        } catch {
          window.getSelection()?.selectAllChildren(root.querySelector('#users-new-token code'));
        }
      });
      const dismiss = el('button', { type: 'button', class: 'v-button' }, t('users_token_done'));
      dismiss.addEventListener('click', () => {
        shownToken = null;
        render();
      });
      parts.push(el('div', { id: 'users-new-token', class: 'users-new-token', role: 'status' }, [
        el('p', {}, t('users_token_once', shownToken.user)), el('code', {}, shownToken.token), copy, dismiss,
      ]));
    }
    if (message) parts.push(el('p', { class: 'auth-message users-message', role: 'status' }, message));
    if (problems._) parts.push(problemLine('_'));
    if (answer) {
      parts.push(addForm(roles));
      const rows = userRows(answer);
      parts.push(el('table', { class: 'v-table users-table', id: 'users-list' }, [
        el('thead', {}, el('tr', {}, [t('auth_name'), t('role'), t('users_state'), t('users_tokens')].map((h) => el('th', {}, h)))),
        el('tbody', {}, rows.map((u) => row(u, roles))),
      ]));
    } else {
      parts.push(el('p', { class: 'loading' }, t('users_loading')));
    }
    body.replaceChildren(...parts);
  }

  button.addEventListener('click', () => {
    open = !open;
    render();
    if (open) load();
  });
  root.querySelector('.close').addEventListener('click', () => {
    open = false;
    shownToken = null;
    render();
  });
  onAuthChange(() => {
    answer = null;
    shownToken = null;
    render();
  });
  render();
  return { render, isOpen: () => open };
}
