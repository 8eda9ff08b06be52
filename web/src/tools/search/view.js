// 搜索 / search: the search box in the top bar (on phones an icon that opens it). Typing
// asks `api/search` (debounced; only the last answer is shown); the results list has a
// kind badge per row (乡镇, 村, 要素, 文号, 车牌, 主体, 坐标), arrow keys and Enter, and a
// chosen row flies the map there (fits an area) and opens the click panel through
// `openAt(lngLat, points)`, which main.js gives (its lookUp).
//
// ARIA: the input is a combobox (`aria-expanded`, `aria-controls`, `aria-activedescendant`)
// over a listbox of options; the number of results is announced in a status line.
//
// For tests: `#search[data-state]` is `idle | loading | results | empty | error` with
// `data-count`; the input is `#search-input`, the rows `#search-results
// [role=option][data-kind]`, the phone button `#search-toggle`.

import { t } from '../../lib/i18n.js';
import { latestRequest } from '../../lib/latest-request.js';
import { fetchJson } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { debounce, mapTarget, moveActive, panelTarget, queryOf, readAnswer, searchUrl } from './state.js';

/** The search control inside `root` (`#search`, in the top bar). */
export function searchBox({ map, root, phone, openAt }) {
  const state = { status: 'idle', rows: [], active: -1, message: '', query: '', open: false, expanded: false };

  const toggle = el('button', { type: 'button', id: 'search-toggle', class: 'search-toggle', 'aria-controls': 'search-box',
    'aria-expanded': 'false' }, el('span', { 'aria-hidden': 'true' }, '⌕'));
  const label = el('label', { for: 'search-input', class: 'visually-hidden' });
  const input = el('input', { id: 'search-input', type: 'search', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'search-results', maxlength: '100' });
  const list = el('ul', { id: 'search-results', role: 'listbox', class: 'search-results' });
  const status = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const box = el('div', { id: 'search-box', class: 'search-box' }, [label, input, list, status]);
  root.replaceChildren(toggle, box);

  const requests = latestRequest({ state, refresh: () => render() });

  function setOpen(open) {
    state.open = open && (state.rows.length > 0 || state.status === 'empty' || state.status === 'error');
    render();
  }

  function render() {
    root.dataset.state = state.status;
    root.dataset.count = String(state.rows.length);
    root.classList.toggle('expanded', state.expanded);
    toggle.setAttribute('aria-expanded', String(state.expanded));
    toggle.setAttribute('aria-label', t('search_toggle_label'));
    toggle.title = t('search_toggle_label');
    label.textContent = t('search_label');
    input.placeholder = t('search_placeholder');
    list.setAttribute('aria-label', t('search_results_label'));
    const shown = state.open && state.status !== 'loading';
    input.setAttribute('aria-expanded', String(shown && state.rows.length > 0));
    list.hidden = !shown;
    if (state.active >= 0 && state.rows[state.active]) input.setAttribute('aria-activedescendant', `search-opt-${state.active}`);
    else input.removeAttribute('aria-activedescendant');
    const items = state.rows.map((row, i) => {
      const item = el('li', { id: `search-opt-${i}`, role: 'option', class: 'search-row', 'data-kind': row.kind,
        'aria-selected': String(i === state.active) }, [
        el('span', { class: `search-badge kind-${row.kind}` }, t(row.badge)),
        el('span', { class: 'search-text' }, [
          el('span', { class: 'search-title' }, row.title),
          row.subtitle ? el('span', { class: 'search-subtitle' }, row.subtitle) : null,
          row.note ? el('span', { class: 'search-note' }, row.note) : null,
        ]),
      ]);
      // mousedown, not click: the input keeps the focus.
      item.addEventListener('mousedown', (e) => { e.preventDefault(); choose(i); });
      return item;
    });
    if (state.status === 'empty') items.push(el('li', { class: 'search-empty', role: 'presentation' }, state.message || t('search_none')));
    if (state.status === 'error') items.push(el('li', { class: 'search-empty warning', role: 'presentation' }, `${t('search_failed')}${t('colon')}${state.message}`));
    list.replaceChildren(...items);
    status.textContent = state.status === 'loading' ? '' : state.status === 'results' ? t('search_count', state.rows.length)
      : state.status === 'empty' ? t('search_none') : state.status === 'error' ? t('search_failed') : '';
  }

  function run(text, { pick = false } = {}) {
    const q = queryOf(text);
    state.query = q ?? '';
    if (!q) {
      requests.cancel();
      Object.assign(state, { status: 'idle', rows: [], active: -1, open: false });
      render();
      return;
    }
    requests.run(() => fetchJson(searchUrl(q)), {
      apply: (answer) => {
        const rows = readAnswer(answer);
        Object.assign(state, { rows, active: rows.length ? 0 : -1, status: rows.length ? 'results' : 'empty',
          message: answer?.note ?? '', open: document.activeElement === input });
      },
      failed: { rows: [], active: -1, open: true },
      then: (ok) => { if (ok && pick && state.rows.length) choose(0); },
    });
  }
  const later = debounce(run);

  function choose(i) {
    const row = state.rows[i];
    if (!row) return;
    state.active = i;
    input.value = row.title;
    setOpen(false);
    const target = mapTarget(row);
    const padding = phone.matches ? 24 : 60;
    if (target?.bounds) map.fitBounds(target.bounds, { padding, maxZoom: 17, duration: 800 });
    else if (target) map.flyTo({ center: target.center, zoom: Math.max(map.getZoom(), target.zoom), duration: 800 });
    const panel = panelTarget(row);
    if (panel) openAt(panel.lngLat, panel.points);
    if (phone.matches) {
      state.expanded = false;
      render();
    }
  }

  input.addEventListener('input', () => later(input.value));
  input.addEventListener('focus', () => setOpen(true));
  input.addEventListener('blur', () => {
    if (phone.matches) state.expanded = false;
    setOpen(false);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (queryOf(input.value) !== state.query || state.status === 'loading') {
        // Typed faster than the debounce: ask now, choose the first answer.
        later.cancel();
        run(input.value, { pick: true });
        return;
      }
      choose(state.active >= 0 ? state.active : 0);
    } else if (e.key === 'Escape') {
      if (state.open) setOpen(false);
      else if (phone.matches) { state.expanded = false; render(); toggle.focus(); }
    } else if (['ArrowDown', 'ArrowUp'].includes(e.key) && state.rows.length) {
      e.preventDefault();
      state.open = true;
      state.active = moveActive(state.active, e.key, state.rows.length);
      render();
      document.getElementById(`search-opt-${state.active}`)?.scrollIntoView({ block: 'nearest' });
    }
  });
  toggle.addEventListener('click', () => {
    state.expanded = !state.expanded;
    render();
    if (state.expanded) input.focus();
  });

  render();
  return { render };
}
