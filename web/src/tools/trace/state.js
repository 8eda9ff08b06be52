// 溯源采集 / traceability: the tool's state, the collection form's values and the body
// of POST/PUT api/trace/records, the requests of the other tabs, and the server's
// answers (a save, a CSV import, the overdue list, the weekly ledger) read into what
// the panel shows. Pure. The server checks every record (临政办发〔2023〕19号: phones,
// units, thresholds, divisions, due dates); the page puts its problems next to the
// fields.

import { changeText, present } from '../../lib/format.js';
import { toWgs84 } from '../../lib/gcj02.js';
import { fieldLabel, t } from '../../lib/i18n.js';
import { weekRange } from '../../lib/iso-week.js';
import { defaultLedgerWeek } from './ledger-edit.js';

export const TABLE = 'origin_points';
export const TABS = ['record', 'import', 'due', 'ledger', 'producers'];
/**
 * Form conveniences, not checks (the server checks): the 工程化养殖 box is shown for the
 * fish of 渔业, and choosing a key product fills in its unit (三、采集范围). The server
 * has these in crates/domain (product_industry, the product's unit) but does not
 * serve them; see web/README.md.
 */
export const FISH = new Set(['大口黑鲈', '乌鳢', '鳊鱼', '大黄鱼']);
export const PRODUCT_UNITS = {
  豇豆: '亩', 韭菜: '亩', 芹菜: '亩', 鸡蛋: '只', 乌鸡: '只', 肉牛: '头', 肉羊: '头', 生猪: '头',
  大口黑鲈: '亩', 乌鳢: '亩', 鳊鱼: '亩', 大黄鱼: '亩',
};
/** Used until (or if never) api/trace/options answers. */
export const FALLBACK_OPTIONS = {
  products: [...Object.keys(PRODUCT_UNITS), '其他'],
  subject_types: ['企业', '农民合作社', '家庭农场', '种养殖户', '农村经纪人'],
  industries: ['种植业', '畜牧业', '渔业'],
  units: ['亩', '头', '只', '平方米'],
  production_modes: ['露地', '设施'],
  trace_means: ['承诺达标合格证', '追溯码', '耳标', '动物检疫合格证', '包装标识', '其他'],
  townships: [],
};
/** Problem fields of the server that belong to another form field. */
export const PROBLEM_FIELD = { township_code: 'township', village_code: 'village', lon: 'position', lat: 'position', crs: 'position' };
/** Field wrappers of the form, by section: [field, kind, {required, wide}]. */
export const SECTIONS = [
  ['tr_sec_subject', [
    ['subject_name', 'text', { required: true, wide: true }],
    ['subject_type', 'select', { required: true }],
    ['credit_rating', 'text'],
    // Issue 15: the producer (种养殖主体 tab) this record is a base/plot of, and 以商品生产为目的.
    ['producer_id', 'text'],
    ['for_market', 'select'],
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
export const TEXT_FIELDS = ['subject_name', 'subject_type', 'credit_rating', 'product', 'industry', 'scale_unit', 'alias',
  'certification', 'production_mode', 'market_date', 'base_address', 'contact_name', 'contact_phone',
  'grid_officer_name', 'grid_officer_phone', 'collector_name', 'collector_phone', 'collected_on', 'updated_on',
  'producer_id', 'for_market'];
/** Carried over to the next record by 继续新增 (same collector, place and day). */
export const CARRY_OVER = ['township', 'collector_name', 'collector_phone', 'grid_officer_name', 'grid_officer_phone', 'collected_on'];
/** Columns of a blank collection-form template (the form's own headers). */
export const TEMPLATE_HEADERS = ['序号', '种养殖主体名称', '主体类型', '所属行业', '产品名称', '别名', '产品认证类型', '基地地址', '乡镇', '村',
  '经度', '纬度', '种养殖主体联系人', '种养殖主体联系方式', '种养规模', '规模单位', '上市时间', '生产方式', '追溯方式', '信用等级',
  '网格员姓名', '网格员联系方式', '信息采集员姓名', '信息采集员联系方式', '采集日期', '更新日期', '工程化养殖'];

// ----- the record form -------------------------------------------------------------------

/** An empty form collected `today`, keeping the CARRY_OVER fields of `keep`. */
export function blankValues(today, keep = {}) {
  const v = Object.fromEntries(TEXT_FIELDS.map((k) => [k, '']));
  Object.assign(v, { lon: '', lat: '', crs: 'wgs84', township: '', village: '', scale: '', trace_means: [], industrialised: false,
    collected_on: today });
  for (const k of CARRY_OVER) if (present(keep[k])) v[k] = keep[k];
  return v;
}

/** A fresh record tab's status. */
export const blankRec = () => ({ status: 'editing', problems: [], message: '', saved: null, created: false });
/** A fresh import tab's status (the encoding kept by the caller). */
export const blankImport = () => ({ file: null, status: 'idle', report: null, rejected: null, message: '' });

/** The tool's state at start, on `today`. */
export const initialState = (today) => ({
  open: false,
  tab: 'record',
  options: null,
  values: blankValues(today),
  editId: null, // the record the form replaces (PUT), else a new one (POST)
  original: null, // the record as loaded for editing
  rec: blankRec(),
  imp: { ...blankImport(), encoding: 'auto' },
  due: { asOf: today, status: 'idle', report: null, message: '', expanded: new Set(), cardId: null, card: null },
  ledger: { week: defaultLedgerWeek(today), status: 'idle', data: null, message: '' },
  producers: { status: 'idle', list: null, message: '', selected: null, detail: null, form: blankProducer(), save: { status: 'idle', problems: {}, message: '' } },
});

/** The choices of the form's selects, from api/trace/options (`o`): `[values, UI key of the blank choice]`. */
export const fieldChoices = (o) => ({
  subject_type: [o.subject_types, 'tr_choose'],
  product: [o.products, 'tr_choose'],
  industry: [o.industries, 'tr_industry_auto'],
  scale_unit: [o.units, 'tr_choose'],
  production_mode: [o.production_modes, 'not_given'],
  for_market: [['是', '否'], 'not_given'],
  township: [(o.townships ?? []).map((tw) => [tw.code, tw.name]), 'tr_choose'],
});

/** Whether the form's record is a fish (the 工程化养殖 box applies). */
export const isFish = (v) => FISH.has(v.product) || v.industry === '渔业';

/** The typed position in WGS84 `[lon, lat]` (for the marker), or null when it is incomplete or not a position. */
export function positionLngLat(v) {
  if (!present(String(v.lon).trim()) || !present(String(v.lat).trim())) return null;
  const [lon, lat] = [Number(v.lon), Number(v.lat)];
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return toWgs84(v.crs, [lon, lat]);
}

/** A number when the text is one, else the text (the server says what is wrong with it). */
const numberOrText = (s) => {
  const text = String(s ?? '').trim();
  const x = Number(text);
  return text !== '' && Number.isFinite(x) ? x : text;
};

/** The body of POST/PUT api/trace/records of the form's values `v` (`original`: the record as loaded for editing). */
export function recordBody(v, original = null) {
  const out = {};
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
    const o = original?.properties;
    out.village = o && o.village_code && (village === o.village_name || village === o.village_code) ? o.village_code : village;
  }
  if (present(String(v.scale).trim())) out.scale = numberOrText(v.scale);
  if (v.trace_means.length) out.trace_means = [...v.trace_means];
  if (isFish(v)) out.industrialised = v.industrialised ? 1 : 0;
  return out;
}

/** The form's values of a record loaded for editing (GET api/trace/records/{id}, personal fields included). */
export function valuesOfRecord(f, today) {
  const p = f.properties ?? {};
  const [lon, lat] = f.geometry?.coordinates ?? ['', ''];
  const v = blankValues(today);
  for (const k of TEXT_FIELDS) v[k] = present(p[k]) ? String(p[k]) : '';
  return Object.assign(v, {
    lon: lon === '' ? '' : String(lon), lat: lat === '' ? '' : String(lat), crs: 'wgs84',
    township: p.township_code ?? '',
    village: p.village_name ?? p.village_code ?? '',
    scale: present(p.scale) ? String(p.scale) : '',
    trace_means: String(p.trace_means ?? '').split('、').map((s) => s.trim()).filter(Boolean),
    industrialised: p.industrialised === 1 || p.industrialised === true,
    for_market: p.for_market === 1 ? '是' : p.for_market === 0 ? '否' : '',
  });
}

/** The path and method that save the form: PUT the record `editId` replaces, else POST a new one. */
export const saveRequest = (editId) => (editId != null
  ? { path: `api/trace/records/${encodeURIComponent(editId)}`, method: 'PUT' }
  : { path: 'api/trace/records', method: 'POST' });

/** The UI string key of a write refused for the user (401, 403), else null. */
export const authProblem = (status) => (status === 401 ? 'tr_unauthorised' : status === 403 ? 'tr_forbidden_write' : null);

/**
 * The record tab after the server's answer to a save (`{ok, status, answer, error}`):
 * saved (the answer is the stored Feature), invalid (a 400 with `problems`, kept next
 * to their fields), or an error line.
 */
export function saveOutcome({ ok, status, answer, error }, editId) {
  if (ok && answer) return { status: 'saved', problems: [], saved: answer, created: editId == null };
  if (status === 400 && Array.isArray(answer?.problems)) return { status: 'invalid', problems: answer.problems, message: '' };
  return { status: 'error', problems: [], message: `${t(authProblem(status) ?? 'tr_save_failed')}${t('colon')}${error}` };
}

/** The form field a server problem belongs to (`township_code` → `township`, `lon` → `position`, …). */
export const problemField = (field) => PROBLEM_FIELD[field] ?? field;

/**
 * The server's problems by form field (`hasField(field)`: the form has it), and the
 * ones without a field (listed above the form).
 */
export function problemsByField(problems, hasField) {
  const loose = [];
  const byField = new Map();
  for (const p of problems) {
    const field = problemField(p.field);
    if (!hasField(field)) loose.push(p);
    else byField.set(field, [...(byField.get(field) ?? []), p]);
  }
  return { byField, loose };
}

const LABEL_KEYS = { township: 'tr_township', village: 'tr_village', contact_name: 'tr_contact_name', contact_phone: 'tr_contact_phone',
  grid_officer_name: 'tr_grid_officer_name', grid_officer_phone: 'tr_grid_officer_phone', collector_name: 'tr_collector_name',
  collector_phone: 'tr_collector_phone', position: 'tr_position', lon: 'tr_lon', lat: 'tr_lat' };

/** A field's label in the form (and in problem lists). */
export const fieldLabelText = (field) => (LABEL_KEYS[field] ? t(LABEL_KEYS[field]) : fieldLabel(field));

// ----- 批量导入 -----------------------------------------------------------------------------

/** The path of POST api/trace/import (`dryRun`: 先检查, nothing stored). */
export const importPath = (encoding, dryRun) => `api/trace/import?${new URLSearchParams({ encoding, dry_run: String(dryRun) })}`;

/**
 * The import tab after the server's answer (`{ok, status, answer, error}`): checked or
 * imported (the rows), invalid (a 400 with each rejected row's problems; nothing
 * stored), or an error line. A 4xx is never a success.
 */
export function importOutcome({ ok, status, answer, error }) {
  if (ok && answer && Array.isArray(answer.rows)) return { status: answer.dry_run ? 'checked' : 'imported', report: answer };
  if (status === 400 && Array.isArray(answer?.rows)) return { status: 'invalid', rejected: answer, message: answer.error ?? '' };
  return { status: 'error', message: `${t(authProblem(status) ?? 'tr_import_failed')}${t('colon')}${error}` };
}

// ----- 逾期提醒 and 每周调度台账 --------------------------------------------------------------------

export const duePath = (asOf) => `api/trace/due?as_of=${encodeURIComponent(asOf)}`;
export const recordPath = (id, asOf) => `api/trace/records/${encodeURIComponent(id)}${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ''}`;
export const ledgerPath = (week, format) => `api/trace/ledger?week=${encodeURIComponent(week)}&format=${format}`;

/** Map(id → accuracy) of the answer of api/trace/records (for the 示例数据 badges). */
export const accuracyIndex = (fc) => new Map((fc.features ?? []).map((f) => [f.id, f.properties?.accuracy]));
/** Whether any record of the index is illustrative. */
export const anyIllustrative = (index) => [...index.values()].some((a) => a === 'illustrative');

/** The number of overdue records of a due report that are illustrative. */
export const illustrativeOverdue = (report, index) => report.townships
  .reduce((n, tw) => n + tw.overdue.filter((x) => index.get(x.id) === 'illustrative').length, 0);

/**
 * The line under the week picker: the week's Monday–Sunday and the day it is reported,
 * from the server's ledger when it is the one shown (`from`, `to`, `report_due`), else
 * computed (lib/iso-week.js, tested against the server). '' when `week` is none.
 */
export function weekRangeText(week, data) {
  const range = data?.week === week && data.from && data.to && data.report_due
    ? { from: data.from, to: data.to, report: data.report_due } : weekRange(week);
  return range ? t('tr_week_range', { week, ...range }) : '';
}

/** The ledger table of an answer: product columns, township rows and the county line, each cell `{count, change, changeText}`. */
export function ledgerModel(d) {
  const cell = (count, change) => ({ count: String(count), change, changeText: changeText(change, t('tr_no_change')) });
  return {
    title: d.title ?? '',
    period: d.period ?? '',
    products: d.key_products ?? d.totals?.counts?.map((c) => c.product) ?? [],
    rows: d.rows.map((row) => ({
      code: row.township_code,
      name: row.township_name,
      cells: [...row.counts.map((c) => cell(c.this_week, c.change)), cell(row.total, row.total_change)],
      // 全项采集 (临政办发〔2023〕19号 五、(二), gazette line 2852): share of form items filled.
      completeness: row.completeness_percent == null ? '—' : `${row.completeness_percent.toFixed(1)}%`,
      complete: `${row.complete_records ?? 0}/${row.records ?? 0}`,
    })),
    county: [...(d.totals?.counts ?? []).map((c) => cell(c.this_week, c.change)), cell(d.totals?.total ?? 0, d.totals?.total_change ?? 0)],
    undated: d.undated || 0,
    unknownTownship: d.unknown_township || 0,
  };
}

/** Whether the tool shows illustrative (demo) records: the overdue list or card, or the ledger. */
export function showsIllustrative(state, index) {
  if (!state.open) return false;
  if (state.tab === 'due') return state.due.card?.data?.properties?.accuracy === 'illustrative' || (state.due.status === 'ready' && anyIllustrative(index));
  if (state.tab === 'ledger') return state.ledger.status === 'ready' && anyIllustrative(index);
  return false;
}

// ----- 种养殖主体 (the producer register) -------------------------------------------------

/** The producer form's empty values. */
export function blankProducer() {
  return { name: '', subject_type: '', uscc: '', township: '', contact_name: '', contact_phone: '', for_market: '' };
}

/** The body of POST api/trace/producers from the form's values: blank fields left out. */
export function producerBody(values) {
  const body = {};
  for (const [k, v] of Object.entries(values)) {
    const text = String(v ?? '').trim();
    if (!text) continue;
    if (k === 'uscc') body.producer_id = text;
    else if (k === 'for_market') body.for_market = text === 'yes' ? 1 : 0;
    else body[k] = text;
  }
  return body;
}

/** A 400's problems by field (`uscc` for `producer_id`, as the form names it). */
export function producerProblems(answer) {
  const out = {};
  for (const p of answer?.problems ?? []) {
    const field = p.field === 'producer_id' ? 'uscc' : p.field === 'township_code' ? 'township' : p.field;
    out[field] = out[field] ? `${out[field]}；${p.message}` : p.message;
  }
  return out;
}

/**
 * One producer's bases as rows: product, scale, whether it must be collected, the rule,
 * and why (the note: below alone but together with the producer's other bases, gazette
 * line 2852), with the gazette lines cited.
 */
export function producerBases(detail) {
  return (detail?.bases ?? []).map((b) => {
    const p = b.properties ?? {};
    const th = p.threshold ?? {};
    return {
      id: b.id,
      product: p.product ?? '',
      scale: p.scale == null ? '' : `${p.scale} ${p.scale_unit ?? ''}`.trim(),
      mandatory: th.mandatory === true,
      together: th.aggregate != null,
      rule: th.rule ?? '',
      note: th.note ?? '',
      basis: (th.basis ?? []).join('；'),
      completeness: p.completeness ? `${p.completeness.filled}/${p.completeness.total}` : '',
    };
  });
}
