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
// - 每周调度台账 (public): api/trace/ledger of an ISO week, 下载 CSV and 打印.
//
// The server checks everything; the page never calls a write successful unless the
// server answered 2xx. The form's values, the request bodies and the reading of the
// answers are in state.js; this is the DOM and the map.
//
// For tests: `#trace-panel[data-tab]` is `record | import | due | ledger`;
// `#trace-record[data-state]` is `signed-out | forbidden | editing | loading | saving |
// saved | invalid | error` (form `#trace-form`, field wrappers `.tf[data-field]` with
// their problem `.tf-problem`, result `#trace-result[data-mandatory]`);
// `#trace-import[data-state]` is `signed-out | forbidden | idle | loading | checked |
// imported | invalid | error` (rows `#trace-import-rows`, problems
// `#trace-import-problems`); `#trace-due[data-state]` is `loading | ready | error` with
// `data-total`; `#trace-ledger[data-state]` likewise with `data-week`.

import { Marker } from 'maplibre-gl';
import { colon, fieldLabel, isEn, labelled, roleName, t, tv } from '../../lib/i18n.js';
import { isoWeekOf, normaliseWeek, shiftWeek } from '../../lib/iso-week.js';
import { latestRequest } from '../../lib/latest-request.js';
import { todayShanghai } from '../../lib/time.js';
import { fetchJson, send } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { downloadCsv, fileButton, illustrativeBadge, toolPanel } from '../../ui/panel.js';
import { getSession, mayWrite, onAuthChange } from '../auth/state.js';
import { dueLine, recordCard, setRecordActions, thresholdLine } from '../origin-points/record-card.js';
import {
  FALLBACK_OPTIONS, PRODUCT_UNITS, SECTIONS, TABLE, TABS, TEMPLATE_HEADERS, accuracyIndex, anyIllustrative, authProblem,
  blankImport, fieldChoices, blankRec, blankValues, duePath, fieldLabelText, illustrativeOverdue, importOutcome, importPath, initialState,
  isFish, ledgerModel, ledgerPath, positionLngLat, problemsByField, recordBody, recordPath, saveOutcome, saveRequest,
  showsIllustrative, valuesOfRecord, weekRangeText,
} from './state.js';

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
  const requests = { rec: 0, imp: 0, card: 0 };

  const canWrite = () => mayWrite(TABLE);
  const options = () => state.options ?? FALLBACK_OPTIONS;

  // ----- map: the position marker (record tab) and the highlighted overdue record ----
  const marker = new Marker({ color: '#2b8a3e', draggable: true });
  marker.on('dragend', () => {
    const { lng, lat } = marker.getLngLat();
    setPosition(lng, lat);
  });
  const dueMarker = new Marker({ color: '#e03131', scale: 0.8 });

  function updateMarkers() {
    const picking = state.open && state.tab === 'record' && canWrite();
    map.getCanvas().style.cursor = picking ? 'crosshair' : '';
    const p = positionLngLat(state.values);
    if (picking && p) marker.setLngLat(p).addTo(map);
    else marker.remove();
    const card = state.due.card?.data;
    if (state.open && state.tab === 'due' && card?.geometry?.coordinates) dueMarker.setLngLat(card.geometry.coordinates).addTo(map);
    else dueMarker.remove();
  }

  /** A position picked on the map (WGS84). */
  function setPosition(lng, lat) {
    Object.assign(state.values, { lon: lng.toFixed(6), lat: lat.toFixed(6), crs: 'wgs84' });
    for (const [id, v] of [['trace-f-lon', state.values.lon], ['trace-f-lat', state.values.lat], ['trace-f-crs', 'wgs84']]) {
      const input = body.querySelector(`#${id}`);
      if (input) input.value = v;
    }
    clearProblem('position');
    updateMarkers();
  }

  map.on('click', (e) => {
    if (!state.open || state.tab !== 'record' || !canWrite() || state.rec.status === 'loading') return;
    setPosition(e.lngLat.lng, e.lngLat.lat);
  });

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
  let illustrativeIds = new Map();

  function changed(detail = {}) {
    index = null;
    if (state.due.status === 'ready' || state.due.status === 'error') state.due.status = 'stale';
    if (state.ledger.status === 'ready' || state.ledger.status === 'error') state.ledger.status = 'stale';
    onRecordsChanged?.(detail);
  }

  async function submitRecord() {
    if (!canWrite()) return;
    const mine = ++requests.rec;
    const id = state.editId;
    Object.assign(state.rec, { status: 'saving', message: '' });
    renderStatus();
    try {
      const { path, method } = saveRequest(id);
      const answer = await send(path, { method, body: JSON.stringify(recordBody(state.values, state.original)), contentType: 'application/json' });
      if (mine !== requests.rec) return;
      Object.assign(state.rec, saveOutcome(answer, id));
      if (state.rec.status === 'saved') {
        state.editId = answer.answer.id;
        state.original = answer.answer;
        changed();
      }
    } catch (err) {
      if (mine !== requests.rec) return;
      Object.assign(state.rec, { status: 'error', problems: [], message: labelled('tr_save_failed', err.message) });
    }
    renderRecordTab();
    if (state.rec.status === 'saved') body.scrollTop = 0;
    else {
      const first = body.querySelector('#trace-form .tf.has-problem');
      (first ?? body.querySelector('.tr-summary'))?.scrollIntoView({ block: first ? 'center' : 'nearest' });
      first?.querySelector('input, select')?.focus({ preventScroll: true });
    }
    onChange?.();
  }

  /** Loads record `id` into the form (GET returns the personal fields to writers). */
  async function editRecord(id) {
    state.tab = 'record';
    if (!state.open) setOpen(true);
    const mine = ++requests.rec;
    Object.assign(state.rec, { status: 'loading', problems: [], message: '', saved: null });
    refresh();
    try {
      const f = await fetchJson(recordPath(id));
      if (mine !== requests.rec) return;
      Object.assign(state, { values: valuesOfRecord(f, todayShanghai()), editId: f.id, original: f });
      Object.assign(state.rec, { status: 'editing' });
      if (f.geometry?.coordinates) {
        map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 14), duration: 500 });
      }
    } catch (err) {
      if (mine !== requests.rec) return;
      Object.assign(state.rec, { status: 'error', message: labelled('record_failed', err.message) });
    }
    refresh();
  }

  function newRecord(carry = false) {
    ++requests.rec;
    state.values = blankValues(todayShanghai(), carry ? state.values : {});
    Object.assign(state, { editId: null, original: null });
    Object.assign(state.rec, blankRec());
    refresh();
  }

  async function deleteRecord(id) {
    const { ok, status, error } = await send(recordPath(id), { method: 'DELETE' });
    if (!ok) throw new Error(labelled(authProblem(status) ?? 'tr_delete_failed', error));
    if (state.editId === id) newRecord();
    if (state.due.cardId === id) Object.assign(state.due, { cardId: null, card: null });
    changed({ deletedId: id });
    if (state.open && state.tab === 'due') loadDue();
  }

  /** 编辑 / 删除 at the end of a record card, for users who may write records. */
  function recordActions(feature) {
    if (!canWrite() || feature?.id == null) return null;
    const box = el('div', { class: 'record-actions', 'data-record-id': String(feature.id) });
    const name = feature.properties?.subject_name ?? `#${feature.id}`;
    const idle = () => {
      const edit = el('button', { type: 'button', class: 'v-button small record-edit' }, t('tr_edit'));
      const del = el('button', { type: 'button', class: 'v-button small danger record-delete' }, t('tr_delete'));
      edit.addEventListener('click', () => editRecord(feature.id));
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

  async function runImport(dryRun) {
    const imp = state.imp;
    if (!imp.file || !canWrite()) return;
    const mine = ++requests.imp;
    Object.assign(imp, { status: 'loading', report: null, rejected: null, message: '', dryRun });
    renderImportTab();
    try {
      const bytes = await imp.file.arrayBuffer();
      const answer = await send(importPath(imp.encoding, dryRun), { method: 'POST', body: bytes, contentType: 'text/csv' });
      if (mine !== requests.imp) return;
      Object.assign(imp, importOutcome(answer));
      if (imp.status === 'imported') changed();
    } catch (err) {
      if (mine !== requests.imp) return;
      Object.assign(imp, { status: 'error', message: labelled('tr_import_failed', err.message) });
    }
    renderImportTab();
  }

  const tabRequests = {
    due: latestRequest({ state: state.due, refresh: renderDueTab, onChange }),
    ledger: latestRequest({ state: state.ledger, refresh: renderLedgerTab, onChange }),
  };
  /**
   * Loads a public tab's data (`due`, `ledger`): the answer of `get()` becomes the tab's
   * `key`, with the record index (illustrative badges); `failKey` says a failure.
   */
  function loadTab(tab, key, get, failKey) {
    return tabRequests[tab].run(() => Promise.all([get(), recordIndex()]), {
      loading: { message: '' },
      failed: { [key]: null },
      fail: (err) => labelled(failKey, err.message),
      apply: ([answer, ids]) => {
        illustrativeIds = ids;
        Object.assign(state[tab], { status: 'ready', [key]: answer });
      },
    });
  }

  function loadDue() {
    return loadTab('due', 'report', () => fetchJson(duePath(state.due.asOf)), 'tr_due_failed');
  }

  async function openDueCard(id) {
    const due = state.due;
    if (due.cardId === id) {
      Object.assign(due, { cardId: null, card: null });
      renderDueTab();
      updateMarkers();
      return;
    }
    const mine = ++requests.card;
    Object.assign(due, { cardId: id, card: { state: 'loading' } });
    renderDueTab();
    try {
      const data = await fetchJson(recordPath(id, due.asOf));
      if (mine !== requests.card) return;
      due.card = { state: 'ok', data };
      const c = data.geometry?.coordinates;
      if (c) {
        const sheet = phone.matches ? root.getBoundingClientRect().height : 0;
        map.flyTo({ center: c, zoom: Math.max(map.getZoom(), 15), duration: 800, padding: { top: 0, left: 0, right: 0, bottom: sheet } });
      }
    } catch (err) {
      if (mine !== requests.card) return;
      due.card = { state: 'error', message: labelled('record_failed', err.message) };
    }
    renderDueTab();
    updateMarkers();
    onChange?.();
    body.querySelector('.due-card-row')?.scrollIntoView({ block: 'nearest' });
  }

  function loadLedger() {
    return loadTab('ledger', 'data', () => fetchJson(ledgerPath(state.ledger.week, 'json')), 'tr_ledger_failed');
  }

  // ----- rendering: common ------------------------------------------------------------
  const tabPanes = {};

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
    ({ record: renderRecordTab, import: renderImportTab, due: renderDueTab, ledger: renderLedgerTab })[state.tab]();
    updateMarkers();
  }

  function setTab(tab) {
    state.tab = tab;
    refresh();
    if (tab === 'due' && ['idle', 'stale'].includes(state.due.status)) loadDue();
    if (tab === 'ledger' && ['idle', 'stale'].includes(state.ledger.status)) loadLedger();
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

  // ----- rendering: 新增/编辑 ------------------------------------------------------------
  function fieldInput(field, kind) {
    const v = state.values;
    const id = `trace-f-${field}`;
    const o = options();
    const choose = (values, value, blank, label = tv) => {
      const s = el('select', { id, name: field }, [
        blank != null ? el('option', { value: '' }, blank) : null,
        ...values.map((x) => (Array.isArray(x) ? el('option', { value: x[0] }, x[1]) : el('option', { value: x }, label(x)))),
      ]);
      s.value = value ?? '';
      return s;
    };
    let input;
    switch (kind) {
      case 'select': {
        const [values, blankKey] = fieldChoices(o)[field];
        input = choose(values, v[field], t(blankKey));
        if (field === 'township' && !values.length) input.disabled = true;
        input.addEventListener('change', () => {
          v[field] = input.value;
          if (field === 'product' && PRODUCT_UNITS[input.value]) {
            v.scale_unit = PRODUCT_UNITS[input.value];
            const unit = body.querySelector('#trace-f-scale_unit');
            if (unit) unit.value = v.scale_unit;
          }
          if (field === 'product' || field === 'industry') {
            const row = body.querySelector('.tf[data-field="industrialised"]');
            if (row) row.hidden = !isFish(v);
          }
          clearProblem(field);
        });
        return input;
      }
      case 'checkbox': {
        input = el('input', { type: 'checkbox', id, name: field, checked: Boolean(v[field]) });
        input.addEventListener('change', () => { v[field] = input.checked; clearProblem(field); });
        return el('label', { class: 'tf-check' }, [input, ` ${t('tr_industrialised_hint')}`]);
      }
      case 'checks': {
        const items = o.trace_means.map((m, i) => {
          const box = el('input', { type: 'checkbox', id: `${id}-${i}`, name: field, value: m, checked: v.trace_means.includes(m) });
          box.addEventListener('change', () => {
            v.trace_means = o.trace_means.filter((x, j) => (j === i ? box.checked : v.trace_means.includes(x)));
            clearProblem(field);
          });
          return el('label', { class: 'tf-check' }, [box, ` ${tv(m)}`]);
        });
        return el('div', { class: 'tf-checks', id, role: 'group' }, items);
      }
      default: {
        const attrs = { id, name: field, value: v[field] ?? '', autocomplete: 'off' };
        if (kind === 'date') Object.assign(attrs, { type: 'date' });
        else if (kind === 'tel') Object.assign(attrs, { type: 'tel', inputmode: 'tel', placeholder: '138… / 0359-…' });
        else if (kind === 'decimal') Object.assign(attrs, { type: 'text', inputmode: 'decimal', placeholder: t('tr_scale_ph') });
        else Object.assign(attrs, { type: 'text' });
        if (field === 'village') attrs.placeholder = t('tr_village_ph');
        input = el('input', attrs);
        input.addEventListener('input', () => { v[field] = input.value; });
        input.addEventListener('change', () => { v[field] = input.value; clearProblem(field); });
        return input;
      }
    }
  }

  function fieldRow(field, kind, { required = false, wide = false } = {}) {
    const input = fieldInput(field, kind);
    const labelFor = kind === 'checks' ? null : kind === 'checkbox' ? null : `trace-f-${field}`;
    const row = el('div', { class: `tf${wide ? ' wide' : ''}`, 'data-field': field }, [
      el(labelFor ? 'label' : 'span', { class: 'tf-label', for: labelFor }, [fieldLabelText(field), required ? el('span', { class: 'tf-required', 'aria-hidden': 'true' }, ' *') : null]),
      input,
      el('p', { class: 'tf-problem', role: 'alert', hidden: true }),
    ]);
    if (field === 'industrialised') row.hidden = !isFish(state.values);
    return row;
  }

  function positionRow() {
    const v = state.values;
    const coord = (key) => {
      const input = el('input', { id: `trace-f-${key}`, name: key, type: 'text', inputmode: 'decimal', value: v[key], autocomplete: 'off',
        placeholder: key === 'lon' ? '110.77…' : '35.14…', 'aria-label': t(`tr_${key}`) });
      input.addEventListener('input', () => { v[key] = input.value; updateMarkers(); });
      input.addEventListener('change', () => { v[key] = input.value; clearProblem('position'); updateMarkers(); });
      return input;
    };
    const crs = el('select', { id: 'trace-f-crs', name: 'crs', 'aria-label': t('tr_crs') }, [
      el('option', { value: 'wgs84' }, t('tb_crs_wgs84')), el('option', { value: 'gcj02' }, t('tb_crs_gcj02')),
    ]);
    crs.value = v.crs;
    crs.addEventListener('change', () => { v.crs = crs.value; updateMarkers(); });
    return el('div', { class: 'tf wide tf-position', 'data-field': 'position' }, [
      el('span', { class: 'tf-label' }, [t('tr_position'), el('span', { class: 'tf-required', 'aria-hidden': 'true' }, ' *')]),
      el('div', { class: 'tf-coords' }, [
        el('label', { for: 'trace-f-lon', class: 'tf-sub' }, t('tr_lon')), coord('lon'),
        el('label', { for: 'trace-f-lat', class: 'tf-sub' }, t('tr_lat')), coord('lat'),
        crs,
      ]),
      el('p', { class: 'v-hint tf-hint' }, t('tr_position_hint')),
      el('p', { class: 'tf-problem', role: 'alert', hidden: true }),
    ]);
  }

  /**
   * A field with a problem was changed: the problem is greyed out until the next
   * submit (not removed, so the layout does not move under a click on 提交).
   */
  function clearProblem(field) {
    const row = body.querySelector(`#trace-form .tf[data-field="${field}"]`);
    if (!row || !row.classList.contains('has-problem')) return;
    row.classList.replace('has-problem', 'problem-edited');
    row.querySelectorAll('input, select').forEach((i) => i.removeAttribute('aria-invalid'));
  }

  /** Puts the server's problems next to their fields; returns those without a field. */
  function showProblems(form, problems) {
    const { byField, loose } = problemsByField(problems, (field) => form.querySelector(`.tf[data-field="${field}"]`) != null);
    for (const [field, list] of byField) {
      const row = form.querySelector(`.tf[data-field="${field}"]`);
      row.classList.add('has-problem');
      row.hidden = false;
      const p = row.querySelector('.tf-problem');
      p.replaceChildren(...list.flatMap((x, i) => [i ? el('br') : null,
        field === 'position' && x.field !== 'position' ? `${fieldLabelText(x.field)}${colon()}` : null, x.message]).filter((n) => n != null));
      p.hidden = false;
      row.querySelectorAll('input, select').forEach((i) => i.setAttribute('aria-invalid', 'true'));
    }
    return loose;
  }

  function resultView() {
    const f = state.rec.saved;
    const p = f.properties ?? {};
    const mandatory = p.threshold ? String(p.threshold.mandatory) : '';
    const another = el('button', { type: 'button', class: 'v-button small', id: 'trace-new-another' }, t('tr_new_another'));
    another.addEventListener('click', () => newRecord(true));
    const notes = f.notes ?? [];
    return el('div', { id: 'trace-result', class: 'tr-result', role: 'status', 'data-mandatory': mandatory, 'data-record-id': String(f.id) }, [
      el('p', { class: 'tr-saved' }, [el('strong', {}, t(state.rec.created ? 'tr_created' : 'tr_updated', f.id)), ` · ${p.subject_name ?? ''}`,
        p.township_name ? ` · ${p.township_name}${p.village_name ? ` ${p.village_name}` : ''}` : null]),
      thresholdLine(p.threshold),
      dueLine(p.due),
      notes.length ? el('ul', { class: 'v-notes tr-notes' }, notes.map((n) => el('li', {}, n))) : null,
      el('p', { class: 'v-note' }, t('tr_saved_next')),
      another,
    ]);
  }

  function renderStatus() {
    const pane = tabPanes.record;
    if (!pane) return;
    pane.dataset.state = state.rec.status;
    const submit = pane.querySelector('#trace-submit');
    if (submit) {
      submit.disabled = state.rec.status === 'saving';
      submit.textContent = state.rec.status === 'saving' ? t('tr_saving') : t(state.editId != null ? 'tr_save_changes' : 'tr_submit');
    }
  }

  function renderRecordTab() {
    const pane = tabPanes.record;
    if (!pane || state.tab !== 'record') return;
    if (!canWrite()) {
      needSignIn(pane, 'record');
      updateMarkers();
      return;
    }
    const rec = state.rec;
    const parts = [];
    const editing = state.editId != null;
    const head = el('div', { class: 'tr-mode' }, [
      el('strong', { class: 'tr-mode-title' }, editing ? t('tr_editing', state.editId) : t('tr_new')),
      editing && state.original?.properties?.subject_name ? el('span', { class: 'muted' }, ` ${state.original.properties.subject_name}`) : null,
    ]);
    if (editing) {
      const fresh = el('button', { type: 'button', class: 'v-button small', id: 'trace-new' }, t('tr_new_blank'));
      fresh.addEventListener('click', () => newRecord());
      head.append(fresh);
    }
    if (editing && state.original?.properties?.accuracy === 'illustrative') head.append(illustrativeBadge());
    parts.push(head);
    if (rec.status === 'loading') {
      parts.push(el('p', { class: 'loading' }, t('loading')));
      pane.dataset.state = rec.status;
      pane.replaceChildren(...parts);
      return;
    }
    if (optionsFailed && !(options().townships ?? []).length) parts.push(el('p', { class: 'warning' }, t('tr_no_townships')));

    const form = el('form', { id: 'trace-form', class: 'tr-form', novalidate: true, autocomplete: 'off' });
    const summary = el('div', { class: 'tr-summary' });
    form.append(summary, el('h3', { class: 'tb-section' }, t('tr_sec_position')), el('div', { class: 'tf-grid' }, positionRow()));
    for (const [title, fields] of SECTIONS) {
      form.append(el('h3', { class: 'tb-section' }, t(title)), el('div', { class: 'tf-grid' }, fields.map(([f, kind, o]) => fieldRow(f, kind, o))));
    }
    const submit = el('button', { type: 'submit', id: 'trace-submit', class: 'v-button primary' });
    form.append(el('p', { class: 'v-note' }, t('tr_required_note')), el('div', { class: 'v-actions' }, submit));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitRecord();
    });
    if (rec.status === 'invalid') {
      const loose = showProblems(form, rec.problems);
      summary.append(el('p', { class: 'v-warning tr-invalid', role: 'alert' }, t('tr_invalid', rec.problems.length)));
      if (loose.length) {
        summary.append(el('ul', { class: 'tr-loose-problems' }, loose.map((p) => el('li', {}, `${fieldLabelText(p.field)}（${p.field}）${colon()}${p.message}`))));
      }
    }
    if (rec.status === 'error') summary.append(el('p', { class: 'warning tr-error', role: 'alert' }, rec.message));
    if (rec.status === 'saved' && rec.saved) parts.push(resultView());
    parts.push(form);
    pane.replaceChildren(...parts);
    renderStatus();
    updateMarkers();
  }

  // ----- rendering: 批量导入 ------------------------------------------------------------
  function renderImportTab() {
    const pane = tabPanes.import;
    if (!pane || state.tab !== 'import') return;
    if (!canWrite()) return needSignIn(pane, 'import');
    const imp = state.imp;
    pane.dataset.state = imp.status;
    const file = fileButton({ id: 'trace-import-file', accept: '.csv,.txt,text/csv', label: t('tr_choose_file'), onFile: (chosen) => {
      if (!chosen) return;
      ++requests.imp;
      Object.assign(imp, blankImport(), { file: chosen });
      renderImportTab();
    } });
    const encoding = el('select', { id: 'trace-import-encoding' }, [
      el('option', { value: 'auto' }, t('tr_enc_auto')), el('option', { value: 'utf-8' }, 'UTF-8'), el('option', { value: 'gbk' }, 'GBK'),
    ]);
    encoding.value = imp.encoding;
    encoding.addEventListener('change', () => {
      imp.encoding = encoding.value;
      if (['checked', 'invalid', 'error'].includes(imp.status)) runImport(true);
    });
    const busy = imp.status === 'loading';
    const check = el('button', { type: 'button', id: 'trace-import-check', class: 'v-button', disabled: !imp.file || busy }, t('tr_import_check'));
    const run = el('button', { type: 'button', id: 'trace-import-run', class: 'v-button primary', disabled: !imp.file || busy }, t('tr_import_run'));
    check.addEventListener('click', () => runImport(true));
    run.addEventListener('click', () => runImport(false));
    const template = el('a', { class: 'tr-template', id: 'trace-import-template', href: '#' }, t('tr_template'));
    template.addEventListener('click', (e) => {
      e.preventDefault();
      downloadCsv('重点农产品产地溯源信息采集表.csv', [TEMPLATE_HEADERS]);
    });
    const parts = [
      el('p', { class: 'v-note' }, t('tr_import_hint')),
      el('div', { class: 'v-upload' }, [
        ...file,
        el('span', { class: 'v-file-name', id: 'trace-import-file-name' }, imp.file?.name ?? t('tr_no_file')),
      ]),
      el('div', { class: 'v-params' }, [el('label', { for: 'trace-import-encoding' }, t('tr_encoding')), encoding]),
      el('div', { class: 'v-actions' }, [check, run]),
      el('p', { class: 'v-small' }, template),
    ];
    const result = el('div', { class: 'v-result', 'aria-live': 'polite' });
    if (busy) result.append(el('p', { class: 'loading' }, imp.dryRun ? t('tr_checking') : t('tr_importing')));
    if (imp.status === 'error') result.append(el('p', { class: 'warning tr-error', role: 'alert' }, imp.message));
    if (imp.status === 'invalid') result.append(...rejectedView(imp.rejected));
    if ((imp.status === 'checked' || imp.status === 'imported') && imp.report) result.append(...reportView(imp.report));
    pane.replaceChildren(...parts, result);
  }

  function reportView(r) {
    const imported = !r.dry_run;
    const summary = imported ? t('tr_imported', r) : t('tr_checked', r);
    return [
      el('p', { class: imported ? 'tr-ok' : 'tr-checked', id: 'trace-import-summary', role: 'status' }, [
        el('strong', {}, summary), r.not_mandatory ? ` ${t('tr_not_mandatory_rows', r.not_mandatory)}` : null,
        el('span', { class: 'muted' }, ` · ${t('tr_encoding_used')}${colon()}${r.encoding}`),
      ]),
      imported ? null : el('p', { class: 'v-note' }, t('tr_checked_next')),
      el('table', { class: 'price-table v-table tr-table', id: 'trace-import-rows' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_line')), r.rows.some((x) => x.id != null) ? el('th', {}, 'ID') : null,
          el('th', {}, fieldLabel('subject_name')), el('th', {}, t('tr_threshold')), el('th', {}, t('tr_notes'))])),
        el('tbody', {}, r.rows.map((row) => el('tr', { 'data-line': String(row.line), 'data-mandatory': String(row.threshold?.mandatory) }, [
          el('td', {}, String(row.line)),
          r.rows.some((x) => x.id != null) ? el('td', {}, row.id != null ? String(row.id) : '') : null,
          el('th', {}, row.subject_name),
          el('td', { class: 'tr-flag' }, row.threshold?.mandatory === false
            ? el('span', { class: 'threshold-badge not-mandatory', title: row.threshold.rule }, t('tr_not_mandatory_short'))
            : el('span', { class: 'threshold-badge mandatory' }, t('tr_mandatory_short'))),
          el('td', { class: 'tr-notes-cell' }, [
            row.threshold?.mandatory === false ? el('span', { class: 'num-sub' }, isEn() ? row.threshold.rule_en : row.threshold.rule) : null,
            ...(row.notes ?? []).map((n) => el('span', { class: 'num-sub' }, n)),
          ]),
        ]))),
      ]),
    ];
  }

  function rejectedView(r) {
    const rows = r?.rows ?? [];
    const lines = rows.flatMap((row) => row.problems.map((p, i) => el('tr', { 'data-line': String(row.line), 'data-field': p.field }, [
      i === 0 ? el('td', { rowspan: row.problems.length }, String(row.line)) : null,
      el('th', {}, [fieldLabelText(p.field), el('span', { class: 'num-sub' }, p.field)]),
      el('td', { class: 'v-error' }, p.message),
    ])));
    return [
      el('p', { class: 'v-warning tr-invalid', role: 'alert', id: 'trace-import-summary' },
        t('tr_import_rejected', { bad: rows.length, checked: r?.checked ?? '?' })),
      el('table', { class: 'price-table v-table tr-table', id: 'trace-import-problems' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_line')), el('th', {}, t('tr_field')), el('th', {}, t('tr_problem'))])),
        el('tbody', {}, lines),
      ]),
      r?.encoding ? el('p', { class: 'v-note' }, `${t('tr_encoding_used')}${colon()}${r.encoding}`) : null,
    ];
  }

  // ----- rendering: 逾期提醒 ------------------------------------------------------------
  function renderDueTab() {
    const pane = tabPanes.due;
    if (!pane || state.tab !== 'due') return;
    const due = state.due;
    pane.dataset.state = due.status === 'stale' ? 'loading' : due.status;
    const asOf = el('input', { type: 'date', id: 'trace-due-as-of', value: due.asOf, required: true });
    asOf.addEventListener('change', () => {
      due.asOf = asOf.value || todayShanghai();
      Object.assign(due, { cardId: null, card: null });
      loadDue();
    });
    const parts = [el('div', { class: 'v-params' }, [el('label', { for: 'trace-due-as-of' }, t('due_as_of')), asOf])];
    if (due.status === 'loading') parts.push(el('p', { class: 'loading' }, t('loading')));
    if (due.status === 'error') parts.push(el('p', { class: 'warning tr-error', role: 'alert' }, due.message));
    const r = due.report;
    if (due.status === 'ready' && r) {
      pane.dataset.total = String(r.total_overdue);
      const illustrative = illustrativeOverdue(r, illustrativeIds);
      parts.push(el('p', { class: 'tr-due-total', id: 'trace-due-total' }, [
        el('strong', {}, t('tr_due_total', { asOf: r.as_of, n: r.total_overdue })),
        r.records != null ? el('span', { class: 'muted' }, ` ${t('tr_due_of', r.records)}`) : null,
        illustrative ? [' ', illustrativeBadge()] : null,
      ]));
      if (r.undated) parts.push(el('p', { class: 'v-note' }, t('tr_due_undated', r.undated)));
      parts.push(el('div', { class: 'tr-due-towns' }, r.townships.map(townshipView)));
      if (r.rules) {
        parts.push(el('details', { class: 'v-rounding tr-due-rules' }, [
          el('summary', {}, t('tr_due_rules')),
          ...['planting', 'livestock_aquatic', 'source'].filter((k) => r.rules[k]).map((k) => el('p', {}, r.rules[k])),
        ]));
      }
    }
    pane.replaceChildren(...parts);
  }

  function townshipView(tw) {
    const due = state.due;
    const open = due.expanded.has(tw.code) || tw.overdue.some((x) => x.id === due.cardId);
    const details = el('details', { class: `due-town${tw.count ? '' : ' empty'}`, 'data-code': tw.code, 'data-count': String(tw.count), open });
    details.addEventListener('toggle', () => {
      if (details.open) due.expanded.add(tw.code);
      else due.expanded.delete(tw.code);
    });
    const summary = el('summary', {}, [el('span', { class: 'due-town-name' }, tw.name),
      el('span', { class: `due-town-count${tw.count ? ' overdue' : ''}` }, t('tr_due_count', tw.count))]);
    if (!tw.count) {
      details.append(summary, el('p', { class: 'muted v-small' }, t('tr_due_none')));
      return details;
    }
    const rows = [];
    for (const x of tw.overdue) {
      const row = el('tr', { class: `due-row${x.id === due.cardId ? ' selected' : ''}`, 'data-record-id': String(x.id), tabindex: '0',
        title: t('tr_due_row_hint') }, [
        el('th', {}, [x.subject_name, illustrativeIds.get(x.id) === 'illustrative' ? [' ', illustrativeBadge()] : null]),
        el('td', {}, tv(x.product)),
        el('td', {}, x.last_update),
        el('td', {}, x.due_on),
        el('td', { class: 'due-days' }, String(x.days_overdue)),
      ]);
      row.addEventListener('click', () => openDueCard(x.id));
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          openDueCard(x.id);
        }
      });
      rows.push(row);
      if (x.id === due.cardId) rows.push(el('tr', { class: 'due-card-row' }, el('td', { colspan: 5 }, dueCard())));
    }
    details.append(summary, el('table', { class: 'price-table v-table tr-table due-table' }, [
      el('thead', {}, el('tr', {}, [el('th', {}, fieldLabel('subject_name')), el('th', {}, fieldLabel('product')),
        el('th', {}, t('tr_last_update')), el('th', {}, t('tr_due_on')), el('th', {}, t('tr_days_overdue'))])),
      el('tbody', {}, rows),
    ]));
    return details;
  }

  function dueCard() {
    const c = state.due.card;
    const close = el('button', { type: 'button', class: 'v-button small due-card-close' }, t('close'));
    close.addEventListener('click', () => openDueCard(state.due.cardId));
    if (!c || c.state === 'loading') return el('p', { class: 'loading' }, t('loading'));
    if (c.state === 'error') return [el('p', { class: 'warning' }, c.message), close];
    return [recordCard(c.data), close];
  }

  // ----- rendering: 每周调度台账 -------------------------------------------------------
  const ledgerUrl = (format) => new URL(ledgerPath(state.ledger.week, format), document.baseURI).href;

  function renderLedgerTab() {
    const pane = tabPanes.ledger;
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
    if (ledger.status === 'ready' && ledger.data) parts.push(...ledgerView(ledger.data));
    pane.replaceChildren(...parts);
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
        anyIllustrative(illustrativeIds) ? [' ', illustrativeBadge()] : null]),
      el('div', { class: 'tr-table-scroll' }, el('table', { class: 'price-table v-table tr-table ledger-table', id: 'trace-ledger-table' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_ledger_township')), ...m.products.map((p) => el('th', {}, tv(p))), el('th', {}, t('total'))])),
        el('tbody', {}, m.rows.map((row) => el('tr', { 'data-code': row.code }, [el('th', {}, row.name), ...row.cells.map(cell)]))),
        el('tfoot', {}, el('tr', {}, [el('th', {}, t('tr_ledger_county')), ...m.county.map(cell)])),
      ])),
      el('p', { class: 'v-note' }, t('tr_ledger_note')),
      m.undated ? el('p', { class: 'v-note' }, t('tr_ledger_undated', m.undated)) : null,
      m.unknownTownship ? el('p', { class: 'v-note' }, t('tr_ledger_unknown', m.unknownTownship)) : null,
    ];
  }

  // ----- open / close ------------------------------------------------------------------
  const setOpen = toolPanel({ map, root, button, layoutClass: 'trace-open', state, onOpen, onChange, toggled: (open) => {
    if (open && state.options == null) loadOptions(); // again after a failure
    refresh();
    if (open && state.tab === 'due' && ['idle', 'stale'].includes(state.due.status)) loadDue();
    if (open && state.tab === 'ledger' && ['idle', 'stale'].includes(state.ledger.status)) loadLedger();
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
    if (state.due.card?.state === 'ok') openDueCardAgain();
    if (state.open) refresh();
  });
  /** The open overdue card again (the contacts depend on the user). */
  function openDueCardAgain() {
    const id = state.due.cardId;
    Object.assign(state.due, { cardId: null, card: null });
    openDueCard(id);
  }
  root.dataset.tab = state.tab;

  return {
    isOpen: () => state.open,
    close: () => { if (state.open) setOpen(false); },
    edit: editRecord,
    render() {
      if (state.open) refresh();
    },
    showsIllustrative: () => showsIllustrative(state, illustrativeIds),
  };
}
