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
// server answered 2xx.
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
import { errorText, fetchJson } from './api.js';
import { authHeaders, getSession, mayWrite, onAuthChange } from './auth.js';
import { el } from './dom.js';
import { fieldLabel, getLang, t, tv } from './i18n.js';
import {
  downloadCsv, fileButton, illustrativeBadge, latestRequest, todayShanghai, toolPanel,
} from './panel-utils.js';
import { dueLine, recordCard, setRecordActions, thresholdLine } from './trace-record.js';
import { gcjToWgs } from './truck-ban.js';

const TABLE = 'origin_points';
const TABS = ['record', 'import', 'due', 'ledger'];
const FISH = new Set(['大口黑鲈', '乌鳢', '鳊鱼', '大黄鱼']);
/** The unit of each key product (三、采集范围), filled in when a product is chosen. */
const PRODUCT_UNITS = {
  豇豆: '亩', 韭菜: '亩', 芹菜: '亩', 鸡蛋: '只', 乌鸡: '只', 肉牛: '头', 肉羊: '头', 生猪: '头',
  大口黑鲈: '亩', 乌鳢: '亩', 鳊鱼: '亩', 大黄鱼: '亩',
};
/** Used until (or if never) api/trace/options answers. */
const FALLBACK_OPTIONS = {
  products: [...Object.keys(PRODUCT_UNITS), '其他'],
  subject_types: ['企业', '农民合作社', '家庭农场', '种养殖户', '农村经纪人'],
  industries: ['种植业', '畜牧业', '渔业'],
  units: ['亩', '头', '只'],
  production_modes: ['露地', '设施'],
  trace_means: ['承诺达标合格证', '追溯码', '耳标', '动物检疫合格证', '包装标识', '其他'],
  townships: [],
};
/** Problem fields of the server that belong to another form field. */
const PROBLEM_FIELD = { township_code: 'township', village_code: 'village', lon: 'position', lat: 'position', crs: 'position' };
/** Field wrappers of the form, by section: [field, kind, {required, wide}]. */
const SECTIONS = [
  ['tr_sec_subject', [
    ['subject_name', 'text', { required: true, wide: true }],
    ['subject_type', 'select', { required: true }],
    ['credit_rating', 'text'],
  ]],
  ['tr_sec_product', [
    ['product', 'select', { required: true }],
    ['industry', 'select'],
    ['scale', 'decimal', { required: true }],
    ['scale_unit', 'select', { required: true }],
    ['industrialised', 'checkbox', { wide: true }],
    ['alias', 'text'],
    ['certification', 'text'],
    ['production_mode', 'select'],
    ['market_date', 'date'],
    ['trace_means', 'checks', { wide: true }],
  ]],
  ['tr_sec_place', [
    ['township', 'select', { required: true }],
    ['village', 'text'],
    ['base_address', 'text', { wide: true }],
  ]],
  ['tr_sec_contacts', [
    ['contact_name', 'text', { required: true }],
    ['contact_phone', 'tel', { required: true }],
    ['grid_officer_name', 'text'],
    ['grid_officer_phone', 'tel'],
    ['collector_name', 'text'],
    ['collector_phone', 'tel'],
  ]],
  ['tr_sec_dates', [
    ['collected_on', 'date'],
    ['updated_on', 'date'],
  ]],
];
const TEXT_FIELDS = ['subject_name', 'subject_type', 'credit_rating', 'product', 'industry', 'scale_unit', 'alias',
  'certification', 'production_mode', 'market_date', 'base_address', 'contact_name', 'contact_phone',
  'grid_officer_name', 'grid_officer_phone', 'collector_name', 'collector_phone', 'collected_on', 'updated_on'];
/** Carried over to the next record by 继续新增 (same collector, place and day). */
const CARRY_OVER = ['township', 'collector_name', 'collector_phone', 'grid_officer_name', 'grid_officer_phone', 'collected_on'];
/** Columns of a blank collection-form template (the form's own headers). */
const TEMPLATE_HEADERS = ['序号', '种养殖主体名称', '主体类型', '所属行业', '产品名称', '别名', '产品认证类型', '基地地址', '乡镇', '村',
  '经度', '纬度', '种养殖主体联系人', '种养殖主体联系方式', '种养规模', '规模单位', '上市时间', '生产方式', '追溯方式', '信用等级',
  '网格员姓名', '网格员联系方式', '信息采集员姓名', '信息采集员联系方式', '采集日期', '更新日期', '工程化养殖'];

const en = () => getLang() === 'en';
const present = (v) => v != null && v !== '';
const pad2 = (n) => String(n).padStart(2, '0');

// ----- ISO weeks (the ledger's week picker) -----------------------------------------
const DAY_MS = 86_400_000;
const utcDate = (s) => new Date(`${s}T00:00:00Z`);
const ymd = (d) => d.toISOString().slice(0, 10);

/** The ISO week (`2023-W24`) of a `YYYY-MM-DD` date. */
export function isoWeekOf(date) {
  const d = utcDate(date);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${pad2(week)}`;
}

/** Monday of an ISO week (`YYYY-Www`), or null when it is not one. */
export function mondayOf(week) {
  const m = /^(\d{4})-?W(\d{1,2})$/i.exec(String(week ?? '').trim());
  if (!m) return null;
  const [year, w] = [Number(m[1]), Number(m[2])];
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const monday = new Date(monday1 + (w - 1) * 7 * DAY_MS);
  return w >= 1 && w <= 53 && isoWeekOf(ymd(monday)) === `${year}-W${pad2(w)}` ? ymd(monday) : null;
}

const addDays = (date, n) => ymd(new Date(utcDate(date).getTime() + n * DAY_MS));
const shiftWeek = (week, n) => { const m = mondayOf(week); return m ? isoWeekOf(addDays(m, 7 * n)) : week; };

/** The JSON body of a response (read from a clone), or null when it is not JSON. */
async function jsonOrNull(res) {
  try {
    return await res.clone().json();
  } catch {
    return null;
  }
}

function blankValues(keep = {}) {
  const v = Object.fromEntries(TEXT_FIELDS.map((k) => [k, '']));
  Object.assign(v, { lon: '', lat: '', crs: 'wgs84', township: '', village: '', scale: '', trace_means: [], industrialised: false,
    collected_on: todayShanghai() });
  for (const k of CARRY_OVER) if (present(keep[k])) v[k] = keep[k];
  return v;
}

/**
 * The tool. `button` opens and closes `root`; `onOpen()` runs when it opens,
 * `onChange()` after answers (illustrative-data notice), `onRecordsChanged({deletedId})`
 * after every successful write (the origin points are fetched again), `signIn()` opens
 * the sign-in panel.
 */
export function traceTool({ map, root, button, phone, onOpen, onChange, onRecordsChanged, signIn }) {
  const body = root.querySelector('.trace-body');
  const state = {
    open: false,
    tab: 'record',
    options: null,
    values: blankValues(),
    editId: null, // the record the form replaces (PUT), else a new one (POST)
    original: null, // the record as loaded for editing
    rec: { status: 'editing', problems: [], message: '', saved: null, created: false },
    imp: { file: null, encoding: 'auto', status: 'idle', report: null, rejected: null, message: '' },
    due: { asOf: todayShanghai(), status: 'idle', report: null, message: '', expanded: new Set(), cardId: null, card: null },
    ledger: { week: isoWeekOf(todayShanghai()), status: 'idle', data: null, message: '' },
  };
  let optionsFailed = false;
  let index = null; // Promise of Map(id → accuracy) of all records (illustrative badges)
  const requests = { rec: 0, imp: 0, card: 0 };

  const canWrite = () => mayWrite(TABLE);
  const options = () => state.options ?? FALLBACK_OPTIONS;
  const colon = () => t('colon');

  // ----- map: the position marker (record tab) and the highlighted overdue record ----
  const marker = new Marker({ color: '#2b8a3e', draggable: true });
  marker.on('dragend', () => {
    const { lng, lat } = marker.getLngLat();
    setPosition(lng, lat);
  });
  const dueMarker = new Marker({ color: '#e03131', scale: 0.8 });

  const positionLngLat = () => {
    const [lon, lat] = [Number(state.values.lon), Number(state.values.lat)];
    if (!present(String(state.values.lon).trim()) || !present(String(state.values.lat).trim())) return null;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
    return state.values.crs === 'gcj02' ? gcjToWgs([lon, lat]) : [lon, lat];
  };

  function updateMarkers() {
    const picking = state.open && state.tab === 'record' && canWrite();
    map.getCanvas().style.cursor = picking ? 'crosshair' : '';
    const p = positionLngLat();
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
    index ??= fetchJson('api/trace/records').then((fc) => new Map((fc.features ?? []).map((f) => [f.id, f.properties?.accuracy])))
      .catch(() => new Map());
    return index;
  }
  let illustrativeIds = new Map();

  function changed(detail = {}) {
    index = null;
    if (state.due.status === 'ready' || state.due.status === 'error') state.due.status = 'stale';
    if (state.ledger.status === 'ready' || state.ledger.status === 'error') state.ledger.status = 'stale';
    onRecordsChanged?.(detail);
  }

  /** The body of POST/PUT from the form's values. */
  function recordBody() {
    const v = state.values;
    const out = {};
    const numberOrText = (s) => {
      const text = String(s ?? '').trim();
      const x = Number(text);
      return text !== '' && Number.isFinite(x) ? x : text;
    };
    if (present(String(v.lon).trim())) out.lon = numberOrText(v.lon);
    if (present(String(v.lat).trim())) out.lat = numberOrText(v.lat);
    if (v.crs === 'gcj02') out.crs = 'gcj02';
    for (const k of TEXT_FIELDS) {
      const text = String(v[k] ?? '').trim();
      if (text) out[k] = text;
    }
    if (v.township) out.township = v.township;
    const village = v.village.trim();
    if (village) {
      // The village as loaded: its code (names of other villages may be alike).
      const o = state.original?.properties;
      out.village = o && o.village_code && (village === o.village_name || village === o.village_code) ? o.village_code : village;
    }
    if (present(String(v.scale).trim())) out.scale = numberOrText(v.scale);
    if (v.trace_means.length) out.trace_means = [...v.trace_means];
    if (fishy()) out.industrialised = v.industrialised ? 1 : 0;
    return out;
  }
  const fishy = () => FISH.has(state.values.product) || state.values.industry === '渔业';

  async function submitRecord() {
    if (!canWrite()) return;
    const mine = ++requests.rec;
    const id = state.editId;
    Object.assign(state.rec, { status: 'saving', message: '' });
    renderStatus();
    try {
      const res = await fetch(new URL(id != null ? `api/trace/records/${encodeURIComponent(id)}` : 'api/trace/records', document.baseURI), {
        method: id != null ? 'PUT' : 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders() },
        body: JSON.stringify(recordBody()),
      });
      if (mine !== requests.rec) return;
      if (res.ok) {
        const feature = await res.json();
        Object.assign(state.rec, { status: 'saved', problems: [], saved: feature, created: id == null });
        state.editId = feature.id;
        state.original = feature;
        changed();
      } else {
        const answer = await jsonOrNull(res);
        if (res.status === 400 && Array.isArray(answer?.problems)) {
          Object.assign(state.rec, { status: 'invalid', problems: answer.problems, message: '' });
        } else {
          const why = answer?.error ?? await errorText(res);
          Object.assign(state.rec, { status: 'error', problems: [], message: `${t(authProblem(res.status) ?? 'tr_save_failed')}${colon()}${why}` });
        }
      }
    } catch (err) {
      if (mine !== requests.rec) return;
      Object.assign(state.rec, { status: 'error', problems: [], message: `${t('tr_save_failed')}${colon()}${err.message}` });
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

  const authProblem = (status) => (status === 401 ? 'tr_unauthorised' : status === 403 ? 'tr_forbidden_write' : null);

  /** Loads record `id` into the form (GET returns the personal fields to writers). */
  async function editRecord(id) {
    state.tab = 'record';
    if (!state.open) setOpen(true);
    const mine = ++requests.rec;
    Object.assign(state.rec, { status: 'loading', problems: [], message: '', saved: null });
    refresh();
    try {
      const f = await fetchJson(`api/trace/records/${encodeURIComponent(id)}`);
      if (mine !== requests.rec) return;
      const p = f.properties ?? {};
      const [lon, lat] = f.geometry?.coordinates ?? ['', ''];
      const v = blankValues();
      for (const k of TEXT_FIELDS) v[k] = present(p[k]) ? String(p[k]) : '';
      Object.assign(v, {
        lon: lon === '' ? '' : String(lon), lat: lat === '' ? '' : String(lat), crs: 'wgs84',
        township: p.township_code ?? '',
        village: p.village_name ?? p.village_code ?? '',
        scale: present(p.scale) ? String(p.scale) : '',
        trace_means: String(p.trace_means ?? '').split('、').map((s) => s.trim()).filter(Boolean),
        industrialised: p.industrialised === 1 || p.industrialised === true,
      });
      Object.assign(state, { values: v, editId: f.id, original: f });
      Object.assign(state.rec, { status: 'editing' });
      if (f.geometry?.coordinates) {
        map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 14), duration: 500 });
      }
    } catch (err) {
      if (mine !== requests.rec) return;
      Object.assign(state.rec, { status: 'error', message: `${t('record_failed')}${colon()}${err.message}` });
    }
    refresh();
  }

  function newRecord(carry = false) {
    ++requests.rec;
    state.values = blankValues(carry ? state.values : {});
    Object.assign(state, { editId: null, original: null });
    Object.assign(state.rec, { status: 'editing', problems: [], message: '', saved: null, created: false });
    refresh();
  }

  async function deleteRecord(id) {
    const res = await fetch(new URL(`api/trace/records/${encodeURIComponent(id)}`, document.baseURI), {
      method: 'DELETE', headers: authHeaders(),
    });
    if (!res.ok) throw new Error(`${t(authProblem(res.status) ?? 'tr_delete_failed')}${colon()}${await errorText(res)}`);
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
      const q = new URLSearchParams({ encoding: imp.encoding, dry_run: String(dryRun) });
      const res = await fetch(new URL(`api/trace/import?${q}`, document.baseURI), {
        method: 'POST', headers: { 'content-type': 'text/csv', ...authHeaders() }, body: bytes,
      });
      if (mine !== requests.imp) return;
      const answer = await jsonOrNull(res);
      if (res.ok && answer && Array.isArray(answer.rows)) {
        Object.assign(imp, { status: answer.dry_run ? 'checked' : 'imported', report: answer });
        if (!answer.dry_run) changed();
      } else if (res.status === 400 && Array.isArray(answer?.rows)) {
        Object.assign(imp, { status: 'invalid', rejected: answer, message: answer.error ?? '' });
      } else {
        const why = answer?.error ?? await errorText(res);
        Object.assign(imp, { status: 'error', message: `${t(authProblem(res.status) ?? 'tr_import_failed')}${colon()}${why}` });
      }
    } catch (err) {
      if (mine !== requests.imp) return;
      Object.assign(imp, { status: 'error', message: `${t('tr_import_failed')}${colon()}${err.message}` });
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
      fail: (err) => `${t(failKey)}${colon()}${err.message}`,
      apply: ([answer, ids]) => {
        illustrativeIds = ids;
        Object.assign(state[tab], { status: 'ready', [key]: answer });
      },
    });
  }

  function loadDue() {
    return loadTab('due', 'report', () => fetchJson(`api/trace/due?as_of=${encodeURIComponent(state.due.asOf)}`), 'tr_due_failed');
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
      const data = await fetchJson(`api/trace/records/${encodeURIComponent(id)}?as_of=${encodeURIComponent(due.asOf)}`);
      if (mine !== requests.card) return;
      due.card = { state: 'ok', data };
      const c = data.geometry?.coordinates;
      if (c) {
        const sheet = phone.matches ? root.getBoundingClientRect().height : 0;
        map.flyTo({ center: c, zoom: Math.max(map.getZoom(), 15), duration: 800, padding: { top: 0, left: 0, right: 0, bottom: sheet } });
      }
    } catch (err) {
      if (mine !== requests.card) return;
      due.card = { state: 'error', message: `${t('record_failed')}${colon()}${err.message}` };
    }
    renderDueTab();
    updateMarkers();
    onChange?.();
    body.querySelector('.due-card-row')?.scrollIntoView({ block: 'nearest' });
  }

  function loadLedger() {
    return loadTab('ledger', 'data', () => fetchJson(`api/trace/ledger?week=${encodeURIComponent(state.ledger.week)}&format=json`),
      'tr_ledger_failed');
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
      const key = `role_${session.role}`;
      const role = t(key) === key ? session.role : t(key);
      parts.push(el('p', { class: 'warning tr-need-sign-in' }, t('tr_role_cannot_write', role)));
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
        const lists = {
          subject_type: [o.subject_types, t('tr_choose')],
          product: [o.products, t('tr_choose')],
          industry: [o.industries, t('tr_industry_auto')],
          scale_unit: [o.units, t('tr_choose')],
          production_mode: [o.production_modes, t('not_given')],
          township: [(o.townships ?? []).map((tw) => [tw.code, tw.name]), t('tr_choose')],
        };
        const [values, blank] = lists[field];
        input = choose(values, v[field], blank);
        if (field === 'township' && !(o.townships ?? []).length) input.disabled = true;
        input.addEventListener('change', () => {
          v[field] = input.value;
          if (field === 'product' && PRODUCT_UNITS[input.value]) {
            v.scale_unit = PRODUCT_UNITS[input.value];
            const unit = body.querySelector('#trace-f-scale_unit');
            if (unit) unit.value = v.scale_unit;
          }
          if (field === 'product' || field === 'industry') {
            const row = body.querySelector('.tf[data-field="industrialised"]');
            if (row) row.hidden = !fishy();
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

  function fieldLabelText(field) {
    const keys = { township: 'tr_township', village: 'tr_village', contact_name: 'tr_contact_name', contact_phone: 'tr_contact_phone',
      grid_officer_name: 'tr_grid_officer_name', grid_officer_phone: 'tr_grid_officer_phone', collector_name: 'tr_collector_name',
      collector_phone: 'tr_collector_phone', position: 'tr_position', lon: 'tr_lon', lat: 'tr_lat' };
    return keys[field] ? t(keys[field]) : fieldLabel(field);
  }

  function fieldRow(field, kind, { required = false, wide = false } = {}) {
    const input = fieldInput(field, kind);
    const labelFor = kind === 'checks' ? null : kind === 'checkbox' ? null : `trace-f-${field}`;
    const row = el('div', { class: `tf${wide ? ' wide' : ''}`, 'data-field': field }, [
      el(labelFor ? 'label' : 'span', { class: 'tf-label', for: labelFor }, [fieldLabelText(field), required ? el('span', { class: 'tf-required', 'aria-hidden': 'true' }, ' *') : null]),
      input,
      el('p', { class: 'tf-problem', role: 'alert', hidden: true }),
    ]);
    if (field === 'industrialised') row.hidden = !fishy();
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
    const loose = [];
    const byField = new Map();
    for (const p of problems) {
      const field = PROBLEM_FIELD[p.field] ?? p.field;
      if (!form.querySelector(`.tf[data-field="${field}"]`)) loose.push(p);
      else byField.set(field, [...(byField.get(field) ?? []), p]);
    }
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
      Object.assign(imp, { file: chosen, status: 'idle', report: null, rejected: null, message: '' });
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
            row.threshold?.mandatory === false ? el('span', { class: 'num-sub' }, en() ? row.threshold.rule_en : row.threshold.rule) : null,
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
      const illustrative = r.townships.reduce((n, tw) => n + tw.overdue.filter((x) => illustrativeIds.get(x.id) === 'illustrative').length, 0);
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
  const ledgerUrl = (format) => new URL(`api/trace/ledger?week=${encodeURIComponent(state.ledger.week)}&format=${format}`, document.baseURI).href;

  function renderLedgerTab() {
    const pane = tabPanes.ledger;
    if (!pane || state.tab !== 'ledger') return;
    const ledger = state.ledger;
    pane.dataset.state = ledger.status === 'stale' ? 'loading' : ledger.status;
    pane.dataset.week = ledger.week;
    const week = el('input', { type: 'week', id: 'trace-ledger-week', value: ledger.week, required: true, placeholder: '2023-W24' });
    const go = (w) => {
      if (!mondayOf(w)) return;
      ledger.week = w.toUpperCase().replace(/^(\d{4})W/, '$1-W');
      loadLedger();
    };
    week.addEventListener('change', () => go(week.value || isoWeekOf(todayShanghai())));
    const prev = el('button', { type: 'button', class: 'v-button small', id: 'trace-ledger-prev', 'aria-label': t('tr_prev_week'), title: t('tr_prev_week') }, '‹');
    const next = el('button', { type: 'button', class: 'v-button small', id: 'trace-ledger-next', 'aria-label': t('tr_next_week'), title: t('tr_next_week') }, '›');
    prev.addEventListener('click', () => go(shiftWeek(ledger.week, -1)));
    next.addEventListener('click', () => go(shiftWeek(ledger.week, 1)));
    const monday = mondayOf(ledger.week);
    const csv = el('a', { class: 'v-button', id: 'trace-ledger-csv', href: ledgerUrl('csv'), download: `ledger-${ledger.week}.csv` }, t('download_csv'));
    const print = el('a', { class: 'v-button', id: 'trace-ledger-print', href: ledgerUrl('html'), target: '_blank', rel: 'opener' }, t('print'));
    print.addEventListener('click', (e) => {
      e.preventDefault();
      printLedger();
    });
    const parts = [
      el('div', { class: 'tr-week' }, [el('label', { for: 'trace-ledger-week' }, t('tr_week')), prev, week, next]),
      el('p', { class: 'tr-week-range', id: 'trace-ledger-range' }, monday
        ? t('tr_week_range', { week: ledger.week, from: monday, to: addDays(monday, 6), report: addDays(monday, 8) }) : ''),
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

  const changeText = (c) => (c === 0 ? t('tr_no_change') : c > 0 ? `+${c}` : `−${Math.abs(c)}`);

  function ledgerView(d) {
    const products = d.key_products ?? d.totals?.counts?.map((c) => c.product) ?? [];
    const cell = (count, change, tag = 'td') => el(tag, { class: `lg-cell${change ? ' changed' : ''}` }, [
      el('span', { class: 'num-main' }, String(count)),
      el('span', { class: `num-sub${change > 0 ? ' up' : change < 0 ? ' down' : ''}` }, changeText(change)),
    ]);
    const illustrative = [...illustrativeIds.values()].some((a) => a === 'illustrative');
    return [
      el('p', { class: 'tr-ledger-title' }, [el('strong', {}, d.title ?? ''), ' ', el('span', { class: 'muted' }, d.period ?? ''),
        illustrative ? [' ', illustrativeBadge()] : null]),
      el('div', { class: 'tr-table-scroll' }, el('table', { class: 'price-table v-table tr-table ledger-table', id: 'trace-ledger-table' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_ledger_township')), ...products.map((p) => el('th', {}, tv(p))), el('th', {}, t('total'))])),
        el('tbody', {}, d.rows.map((row) => el('tr', { 'data-code': row.township_code }, [
          el('th', {}, row.township_name),
          ...row.counts.map((c) => cell(c.this_week, c.change)),
          cell(row.total, row.total_change),
        ]))),
        el('tfoot', {}, el('tr', {}, [
          el('th', {}, t('tr_ledger_county')),
          ...(d.totals?.counts ?? []).map((c) => cell(c.this_week, c.change, 'td')),
          cell(d.totals?.total ?? 0, d.totals?.total_change ?? 0, 'td'),
        ])),
      ])),
      el('p', { class: 'v-note' }, t('tr_ledger_note')),
      d.undated ? el('p', { class: 'v-note' }, t('tr_ledger_undated', d.undated)) : null,
      d.unknown_township ? el('p', { class: 'v-note' }, t('tr_ledger_unknown', d.unknown_township)) : null,
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
      state.values = blankValues();
      Object.assign(state, { editId: null, original: null });
      Object.assign(state.rec, { status: 'editing', problems: [], message: '', saved: null });
      Object.assign(state.imp, { file: null, status: 'idle', report: null, rejected: null, message: '' });
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
    showsIllustrative: () => state.open && ((state.tab === 'due' && (state.due.card?.data?.properties?.accuracy === 'illustrative'
      || (state.due.status === 'ready' && [...illustrativeIds.values()].some((a) => a === 'illustrative'))))
      || (state.tab === 'ledger' && state.ledger.status === 'ready' && [...illustrativeIds.values()].some((a) => a === 'illustrative'))),
  };
}
