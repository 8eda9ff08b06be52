// 溯源采集 › 每周调度台账 (public): an ISO week picker (‹ ›, the Monday–Sunday range and the
// day it is reported), the table of api/trace/ledger?format=json, 下载 CSV (a link to
// format=csv) and 打印 (opens format=html and prints it once loaded). `ctx` is the
// tool's shared part (view.js).

import { t, tv } from '../../lib/i18n.js';
import { isoWeekOf, normaliseWeek, shiftWeek } from '../../lib/iso-week.js';
import { latestRequest } from '../../lib/latest-request.js';
import { todayShanghai } from '../../lib/time.js';
import { fetchJson, post } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { illustrativeBadge } from '../../ui/panel.js';
import { LEDGER_EXPORT_PATH, NOTE_KEYS, emptyEdits, ledgerExportBody, setNote } from './ledger-edit.js';
import { anyIllustrative, ledgerModel, ledgerPath, weekRangeText } from './state.js';

/** The 每周调度台账 tab: `{render, load()}`. */
export function ledgerTab(ctx) {
  const { state, onChange } = ctx;
  const request = latestRequest({ state: state.ledger, refresh: renderLedgerTab, onChange });

  function loadLedger() {
    return ctx.loadTab(request, 'ledger', 'data', () => fetchJson(ledgerPath(state.ledger.week, 'json')), 'tr_ledger_failed');
  }

  const ledgerUrl = (format) => new URL(ledgerPath(state.ledger.week, format), document.baseURI).href;

  function renderLedgerTab() {
    const pane = ctx.pane('ledger');
    if (!pane || state.tab !== 'ledger') return;
    const ledger = state.ledger;
    pane.dataset.state = ledger.status === 'stale' ? 'loading' : ledger.status;
    pane.dataset.week = ledger.week;
    const week = el('input', { type: 'week', id: 'trace-ledger-week', value: ledger.week, required: true, placeholder: '2023-W24' });
    const go = (w) => {
      const next = normaliseWeek(w);
      if (!next) return;
      ledger.week = next;
      loadLedger();
    };
    week.addEventListener('change', () => go(week.value || isoWeekOf(todayShanghai())));
    const prev = el('button', { type: 'button', class: 'v-button small', id: 'trace-ledger-prev', 'aria-label': t('tr_prev_week'), title: t('tr_prev_week') }, '‹');
    const next = el('button', { type: 'button', class: 'v-button small', id: 'trace-ledger-next', 'aria-label': t('tr_next_week'), title: t('tr_next_week') }, '›');
    prev.addEventListener('click', () => go(shiftWeek(ledger.week, -1)));
    next.addEventListener('click', () => go(shiftWeek(ledger.week, 1)));
    const csv = el('a', { class: 'v-button', id: 'trace-ledger-csv', href: ledgerUrl('csv'), download: `ledger-${ledger.week}.csv` }, t('download_csv'));
    const print = el('a', { class: 'v-button', id: 'trace-ledger-print', href: ledgerUrl('html'), target: '_blank', rel: 'opener' }, t('print'));
    print.addEventListener('click', (e) => {
      e.preventDefault();
      printLedger();
    });
    const parts = [
      el('div', { class: 'tr-week' }, [el('label', { for: 'trace-ledger-week' }, t('tr_week')), prev, week, next]),
      el('p', { class: 'tr-week-range', id: 'trace-ledger-range' }, weekRangeText(ledger.week, ledger.data)),
      el('div', { class: 'v-actions' }, [csv, print]),
    ];
    if (ledger.status === 'loading') parts.push(el('p', { class: 'loading' }, t('loading')));
    if (ledger.status === 'error') parts.push(el('p', { class: 'warning tr-error', role: 'alert' }, ledger.message));
    if (ledger.status === 'ready' && ledger.data) parts.push(...ledgerView(ledger.data), editView(ledger.data));
    // `replaceChildren` writes a null as the text "null": only nodes and strings.
    pane.replaceChildren(...parts.filter((p) => p != null && p !== false));
  }

  function printLedger() {
    const w = window.open(ledgerUrl('html'), '_blank');
    if (!w) {
      state.ledger.message = t('tr_popup_blocked');
      return;
    }
    // Same origin: print once the page has loaded (it has its own A4-landscape style).
    const started = Date.now();
    const timer = setInterval(() => {
      try {
        if (w.closed || Date.now() - started > 15_000) return clearInterval(timer);
        if (w.location.href !== 'about:blank' && w.document.readyState === 'complete') {
          clearInterval(timer);
          w.focus();
          w.print();
        }
      } catch {
        clearInterval(timer);
      }
    }, 200);
  }

  function ledgerView(d) {
    const m = ledgerModel(d);
    const cell = (c) => el('td', { class: `lg-cell${c.change ? ' changed' : ''}` }, [
      el('span', { class: 'num-main' }, c.count),
      el('span', { class: `num-sub${c.change > 0 ? ' up' : c.change < 0 ? ' down' : ''}` }, c.changeText),
    ]);
    return [
      el('p', { class: 'tr-ledger-title' }, [el('strong', {}, m.title), ' ', el('span', { class: 'muted' }, m.period),
        anyIllustrative(ctx.illustrativeIds()) ? [' ', illustrativeBadge()] : null]),
      el('div', { class: 'tr-table-scroll' }, el('table', { class: 'price-table v-table tr-table ledger-table', id: 'trace-ledger-table' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_ledger_township')), ...m.products.map((p) => el('th', {}, tv(p))), el('th', {}, t('total')),
          el('th', {}, t('tr_ledger_completeness'))])),
        el('tbody', {}, m.rows.map((row) => el('tr', { 'data-code': row.code }, [el('th', {}, row.name), ...row.cells.map(cell),
          el('td', { class: 'lg-cell lg-completeness' }, [el('span', { class: 'num-main' }, row.completeness), el('span', { class: 'num-sub' }, row.complete)])]))),
        el('tfoot', {}, el('tr', {}, [el('th', {}, t('tr_ledger_county')), ...m.county.map(cell), el('td', {}, '')])),
      ])),
      el('p', { class: 'v-note' }, t('tr_ledger_note')),
      m.undated ? el('p', { class: 'v-note' }, t('tr_ledger_undated', m.undated)) : null,
      m.unknownTownship ? el('p', { class: 'v-note' }, t('tr_ledger_unknown', m.unknownTownship)) : null,
    ];
  }

  /** 编辑导出: title, period and the narrative columns per township, then the workbook. */
  function editView(d) {
    const ledger = state.ledger;
    ledger.edits ??= emptyEdits();
    const edits = ledger.edits;
    const codes = d.rows.map((r) => r.township_code);
    const input = (id, key, placeholder) => {
      const node = el('input', { id, type: 'text', value: edits[key], placeholder, maxlength: 200 });
      node.addEventListener('input', () => { edits[key] = node.value; });
      return node;
    };
    const area = (code, key) => {
      const node = el('textarea', { rows: 2, maxlength: 2000, 'data-code': code, 'data-key': key, 'aria-label': t(`led_${key}`) });
      node.value = edits.notes[code]?.[key] ?? '';
      node.addEventListener('input', () => setNote(edits, code, key, node.value));
      return node;
    };
    const message = el('p', { class: 'v-note', id: 'trace-ledger-export-msg', role: 'status' });
    const button = el('button', { type: 'button', class: 'v-button', id: 'trace-ledger-export' }, t('led_export'));
    button.addEventListener('click', async () => {
      message.textContent = t('loading');
      try {
        const body = ledgerExportBody(ledger.week, edits, codes);
        const res = await post(LEDGER_EXPORT_PATH, JSON.stringify(body), 'application/json');
        const href = URL.createObjectURL(await res.blob());
        const a = el('a', { href, download: `ledger-${ledger.week}.xlsx` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(href), 10_000);
        message.textContent = '';
      } catch (err) {
        message.textContent = `${t('led_export_failed')}：${err.message}`;
      }
    });
    const details = el('details', { class: 'tr-ledger-edit', id: 'trace-ledger-edit' }, [
      el('summary', {}, t('led_edit')),
      el('p', { class: 'v-note' }, t('led_edit_hint')),
      el('label', {}, [t('led_title'), input('trace-ledger-title', 'title', d.title ?? '')]),
      el('label', {}, [t('led_period'), input('trace-ledger-period', 'period', d.period ?? '')]),
      el('div', { class: 'tr-table-scroll' }, el('table', { class: 'v-table tr-table', id: 'trace-ledger-notes' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_ledger_township')), ...NOTE_KEYS.map((k) => el('th', {}, t(`led_${k}`)))])),
        el('tbody', {}, [...d.rows.map((r) => [r.township_code, r.township_name]), ['county', t('tr_ledger_county')]]
          .map(([code, name]) => el('tr', { 'data-code': code }, [el('th', {}, name), ...NOTE_KEYS.map((k) => el('td', {}, area(code, k)))]))),
      ])),
      el('div', { class: 'v-actions' }, [button]),
      message,
    ]);
    details.open = !!ledger.editOpen;
    details.addEventListener('toggle', () => { ledger.editOpen = details.open; });
    return details;
  }

  return { render: renderLedgerTab, load: loadLedger };
}
