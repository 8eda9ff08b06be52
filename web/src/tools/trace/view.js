// 溯源采集 / Traceability (#trace-panel): the agriculture staff's tool for the
// origin-point records of 临政办发〔2023〕19号, in four tabs:
//
// - 新增/编辑 (signed-in agriculture staff and admins): the collection form, every field
//   of POST/PUT api/trace/records; the position is set by clicking the map (a draggable
//   marker) or typed (WGS84 or GCJ-02). A 400 puts each problem next to its field and
//   keeps the input; a success shows the threshold flag, the notes and refreshes the
//   origin points. Record cards get 编辑 / 删除 buttons (setRecordActions).
// - 批量导入 (signed in): a CSV of the collection form, 先检查 (dry run) or 导入, with
//   the rows and their threshold flags, or each rejected row's line, field and problem.
// - 逾期提醒 (public): api/trace/due on a date, by township; a row flies the map to the
//   record and opens its card.
// - 每周调度台账 (public): api/trace/ledger of an ISO week, 下载 CSV and 打印, with each
//   township's 全项采集 completeness.
// - 种养殖主体 (public list; registering needs the role): the producer register, each
//   producer's bases with their thresholds weighed together (view-producers.js).
//
// The server checks everything; the page never calls a write successful unless the
// server answered 2xx. The form's values, the request bodies and the reading of the
// answers are in state.js; this file is the tool's frame (tabs, opening, the record
// cards' buttons, what the tabs share), each tab's DOM is in view-<tab>.js.
//
// For tests: `#trace-panel[data-tab]` is `record | import | due | ledger`;
// `#trace-record[data-state]` is `signed-out | forbidden | editing | loading | saving |
// saved | invalid | error` (form `#trace-form`, field wrappers `.tf[data-field]` with
// their problem `.tf-problem`, result `#trace-result[data-mandatory]`);
// `#trace-import[data-state]` is `signed-out | forbidden | idle | loading | checked |
// imported | invalid | error` (rows `#trace-import-rows`, problems
// `#trace-import-problems`); `#trace-due[data-state]` is `loading | ready | error` with
// `data-total`; `#trace-ledger[data-state]` likewise with `data-week`;
// `#trace-producers[data-state]` (see view-producers.js).

import { labelled, roleName, t } from '../../lib/i18n.js';
import { todayShanghai } from '../../lib/time.js';
import { fetchJson, send } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { toolPanel } from '../../ui/panel.js';
import { getSession, mayWrite, onAuthChange } from '../auth/state.js';
import { setRecordActions } from '../origin-points/record-card.js';
import {
  FALLBACK_OPTIONS, TABLE, TABS, accuracyIndex, authProblem, blankImport, blankRec, blankValues, initialState, recordPath,
  showsIllustrative,
} from './state.js';
import { dueTab } from './view-due.js';
import { importTab } from './view-import.js';
import { ledgerTab } from './view-ledger.js';
import { producersTab } from './view-producers.js';
import { recordTab } from './view-record.js';

/**
 * The tool. `button` opens and closes `root`; `onOpen()` runs when it opens,
 * `onChange()` after answers (illustrative-data notice), `onRecordsChanged({deletedId})`
 * after every successful write (the origin points are fetched again), `signIn()` opens
 * the sign-in panel.
 */
export function traceTool({ map, root, button, phone, onOpen, onChange, onRecordsChanged, signIn }) {
  const body = root.querySelector('.trace-body');
  const state = initialState(todayShanghai());

  let optionsFailed = false;
  let index = null; // Promise of Map(id → accuracy) of all records (illustrative badges)
  let illustrativeIds = new Map();
  const requests = { rec: 0, imp: 0, card: 0 };
  const tabPanes = {};

  const canWrite = () => mayWrite(TABLE);

  // ----- data ---------------------------------------------------------------------------
  async function loadOptions() {
    optionsFailed = false;
    try {
      state.options = { ...FALLBACK_OPTIONS, ...(await fetchJson('api/trace/options')) };
    } catch {
      state.options = null; // the built-in lists (no townships: the form says so)
      optionsFailed = true;
    }
    if (state.open) refresh();
  }

  /** id → accuracy of every record (one request, again after writes). */
  function recordIndex() {
    index ??= fetchJson('api/trace/records').then(accuracyIndex).catch(() => new Map());
    return index;
  }

  function changed(detail = {}) {
    index = null;
    if (state.due.status === 'ready' || state.due.status === 'error') state.due.status = 'stale';
    if (state.ledger.status === 'ready' || state.ledger.status === 'error') state.ledger.status = 'stale';
    onRecordsChanged?.(detail);
  }

  /**
   * Loads a public tab's data with its latest-request `request` (`due`, `ledger`): the
   * answer of `get()` becomes the tab's `key`, with the record index (illustrative
   * badges); `failKey` says a failure.
   */
  function loadTab(request, tab, key, get, failKey) {
    return request.run(() => Promise.all([get(), recordIndex()]), {
      loading: { message: '' },
      failed: { [key]: null },
      fail: (err) => labelled(failKey, err.message),
      apply: ([answer, ids]) => {
        illustrativeIds = ids;
        Object.assign(state[tab], { status: 'ready', [key]: answer });
      },
    });
  }

  // ----- what the tabs share, and the tabs ------------------------------------------------
  const ctx = {
    state, map, root, body, phone, requests, onChange,
    canWrite,
    options: () => state.options ?? FALLBACK_OPTIONS,
    optionsFailed: () => optionsFailed,
    illustrativeIds: () => illustrativeIds,
    pane: (tab) => tabPanes[tab],
    refresh: () => refresh(),
    setOpen: (open) => setOpen(open),
    changed,
    loadTab,
    needSignIn,
    updateMarkers,
  };
  const views = { record: recordTab(ctx), import: importTab(ctx), due: dueTab(ctx), ledger: ledgerTab(ctx), producers: producersTab(ctx) };

  function updateMarkers() {
    views.record.updateMarker();
    views.due.updateMarker();
  }

  // ----- 编辑 / 删除 on record cards ---------------------------------------------------------
  async function deleteRecord(id) {
    const { ok, status, error } = await send(recordPath(id), { method: 'DELETE' });
    if (!ok) throw new Error(labelled(authProblem(status) ?? 'tr_delete_failed', error));
    if (state.editId === id) views.record.newRecord();
    if (state.due.cardId === id) Object.assign(state.due, { cardId: null, card: null });
    changed({ deletedId: id });
    if (state.open && state.tab === 'due') views.due.load();
  }

  /** 编辑 / 删除 at the end of a record card, for users who may write records. */
  function recordActions(feature) {
    if (!canWrite() || feature?.id == null) return null;
    const box = el('div', { class: 'record-actions', 'data-record-id': String(feature.id) });
    const name = feature.properties?.subject_name ?? `#${feature.id}`;
    const idle = () => {
      const edit = el('button', { type: 'button', class: 'v-button small record-edit' }, t('tr_edit'));
      const del = el('button', { type: 'button', class: 'v-button small danger record-delete' }, t('tr_delete'));
      edit.addEventListener('click', () => views.record.edit(feature.id));
      del.addEventListener('click', confirming);
      box.replaceChildren(edit, del);
    };
    const confirming = () => {
      const yes = el('button', { type: 'button', class: 'v-button small danger record-delete-confirm' }, t('tr_delete_confirm'));
      const no = el('button', { type: 'button', class: 'v-button small record-delete-cancel' }, t('tr_cancel'));
      no.addEventListener('click', idle);
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        no.disabled = true;
        try {
          await deleteRecord(feature.id);
          box.replaceChildren(el('p', { class: 'record-deleted', role: 'status' }, t('tr_deleted', name)));
        } catch (err) {
          box.replaceChildren(el('p', { class: 'warning', role: 'alert' }, err.message));
          setTimeout(idle, 4000);
        }
      });
      box.replaceChildren(el('p', { class: 'record-confirm', role: 'alert' }, t('tr_delete_question', name)), yes, no);
      yes.focus();
    };
    idle();
    return box;
  }
  setRecordActions(recordActions);

  // ----- the frame: tabs --------------------------------------------------------------

  function refresh() {
    root.dataset.tab = state.tab;
    document.getElementById('layout').classList.toggle('trace-wide', state.open && state.tab === 'ledger');
    const tabs = el('div', { class: 'trace-tabs', role: 'tablist' }, TABS.map((tab) => {
      const b = el('button', { type: 'button', role: 'tab', id: `trace-tab-${tab}`, class: 'trace-tab',
        'aria-selected': String(state.tab === tab), 'aria-controls': `trace-${tab}` }, t(`tr_tab_${tab}`));
      b.addEventListener('click', () => setTab(tab));
      return b;
    }));
    for (const tab of TABS) {
      tabPanes[tab] = el('section', { id: `trace-${tab}`, class: 'trace-pane', role: 'tabpanel', 'aria-labelledby': `trace-tab-${tab}` });
      tabPanes[tab].hidden = tab !== state.tab;
    }
    body.replaceChildren(tabs, ...TABS.map((tab) => tabPanes[tab]));
    views[state.tab].render();
    updateMarkers();
  }

  function setTab(tab) {
    state.tab = tab;
    refresh();
    if (tab === 'due' && ['idle', 'stale'].includes(state.due.status)) views.due.load();
    if (tab === 'ledger' && ['idle', 'stale'].includes(state.ledger.status)) views.ledger.load();
    if (tab === 'producers' && state.producers.status !== 'loading') views.producers.load();
    requestAnimationFrame(() => map.resize());
    onChange?.();
  }

  /** The line shown instead of the form when the user may not write records. */
  function needSignIn(pane, what) {
    const session = getSession();
    const parts = [];
    if (!session) {
      pane.dataset.state = 'signed-out';
      const b = el('button', { type: 'button', class: 'v-button primary', id: `trace-sign-in-${what}` }, t('sign_in'));
      b.addEventListener('click', () => signIn?.());
      parts.push(el('p', { class: 'tr-need-sign-in' }, t('tr_need_sign_in')), b);
    } else {
      pane.dataset.state = 'forbidden';
      parts.push(el('p', { class: 'warning tr-need-sign-in' }, t('tr_role_cannot_write', roleName(session.role))));
    }
    parts.push(el('p', { class: 'v-note' }, t('tr_public_tabs')));
    pane.replaceChildren(...parts);
  }

  // ----- open / close ------------------------------------------------------------------
  const setOpen = toolPanel({ map, root, button, layoutClass: 'trace-open', state, onOpen, onChange, toggled: (open) => {
    if (open && state.options == null) loadOptions(); // again after a failure
    refresh();
    if (open && state.tab === 'due' && ['idle', 'stale'].includes(state.due.status)) views.due.load();
    if (open && state.tab === 'ledger' && ['idle', 'stale'].includes(state.ledger.status)) views.ledger.load();
    if (open && state.tab === 'producers' && state.producers.status === 'idle') views.producers.load();
  } });
  onAuthChange((session) => {
    index = null;
    if (!session || !canWrite()) {
      // Personal data typed or loaded stays with the user who may see it.
      ++requests.rec;
      ++requests.imp;
      state.values = blankValues(todayShanghai());
      Object.assign(state, { editId: null, original: null });
      Object.assign(state.rec, blankRec());
      Object.assign(state.imp, blankImport());
    }
    views.due.reopenCard();
    if (state.open) refresh();
  });
  root.dataset.tab = state.tab;

  return {
    isOpen: () => state.open,
    close: () => { if (state.open) setOpen(false); },
    edit: (id) => views.record.edit(id),
    render() {
      if (state.open) refresh();
    },
    showsIllustrative: () => showsIllustrative(state, illustrativeIds),
  };
}
