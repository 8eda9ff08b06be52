// The info-panel card of one origin-point record (GET api/trace/records/{id}): the
// record of 临政办发〔2023〕19号, its update status on the as-of date, the scale
// threshold, and the contacts only when the server returned them (signed-in
// agriculture staff and admins); anonymous users see a line saying so instead.

import { getSession } from './auth.js';
import { el, facts } from './dom.js';
import { fieldLabel, getLang, layerTitle, t, tv } from './i18n.js';
import { illustrativeBadge } from './panel-utils.js';

const CONTACTS = [
  ['contact', 'contact_name', 'contact_phone'],
  ['grid_officer', 'grid_officer_name', 'grid_officer_phone'],
  ['collector', 'collector_name', 'collector_phone'],
];
const en = () => getLang() === 'en';
let recordActions = () => null;

/**
 * `fn(feature)` gives the buttons added at the end of every record card (编辑 / 删除
 * for users who may write records, see trace-tool.js), or null.
 */
export const setRecordActions = (fn) => { recordActions = fn; };
const present = (v) => v != null && v !== '';

const withCode = (name, code) => (present(name) ? (present(code) ? `${name}（${code}）` : name) : code);

/** 逾期 N 天 / 按期, with the due date and the rule. */
export function dueLine(due) {
  if (!due) return null;
  const overdue = String(due.status).toLowerCase() === 'overdue';
  return el('div', { class: `due-line ${overdue ? 'overdue' : 'current'}`, 'data-due': overdue ? 'overdue' : 'current' }, [
    el('span', { class: `due-badge ${overdue ? 'overdue' : 'current'}` },
      overdue ? t('due_overdue_days', due.days_overdue) : t('due_current')),
    el('span', { class: 'due-date' }, overdue ? t('due_was', due.due_on) : t('due_next', due.due_on)),
    due.rule ? el('span', { class: 'due-rule muted' }, due.rule) : null,
  ]);
}

/** The "not mandatory" flag of a record below the collection threshold. */
export function thresholdLine(th) {
  if (!th) return null;
  const rule = en() ? th.rule_en || th.rule : th.rule;
  if (th.mandatory) return el('p', { class: 'threshold mandatory muted', 'data-mandatory': 'true' }, `${t('threshold_met')}${rule ? `（${rule}）` : ''}`);
  return el('p', { class: 'threshold not-mandatory', 'data-mandatory': 'false' }, [
    el('strong', {}, t('threshold_not_mandatory')),
    rule ? ` · ${t('threshold_rule')}${t('colon')}${rule}` : null,
    th.note ? el('span', { class: 'muted' }, ` ${th.note}`) : null,
  ]);
}

/** Roles the server returns contacts to (the server decides; this only words an empty answer). */
const CONTACT_ROLES = new Set(['admin', 'agriculture']);

function contactsSection(p) {
  const returned = CONTACTS.some(([, name, phone]) => present(p[name]) || present(p[phone]));
  if (!returned && !CONTACT_ROLES.has(getSession()?.role)) return el('p', { class: 'contacts-hidden muted' }, t('contacts_hidden'));
  const line = (name, phone) => [p[name], p[phone]].filter(present).join('  ') || t('not_given');
  return el('section', { class: 'contacts' }, [
    el('h4', {}, t('contacts')),
    facts(CONTACTS.map(([key, name, phone]) => [t(key), line(name, phone)])),
  ]);
}

function auditFacts(p) {
  const when = (at, by) => [at, by].filter(present).join(' · ');
  return facts([[t('created'), when(p.created_at, p.created_by)], [t('modified'), when(p.updated_at, p.updated_by)]]);
}

/** The record card of a Feature from api/trace/records. */
export function recordCard(feature) {
  const p = feature.properties ?? {};
  const scale = present(p.scale) ? `${p.scale}${p.scale_unit ? ` ${tv(p.scale_unit)}` : ''}` : null;
  const illustrative = p.accuracy === 'illustrative';
  return el('article', { class: 'hit point record', 'data-hit-layer': 'origin_points', 'data-record-id': String(feature.id) }, [
    el('h3', {}, [layerTitle('origin_points'), illustrativeBadge(illustrative)]),
    el('p', { class: 'record-subject' }, el('strong', {}, p.subject_name ?? '')),
    dueLine(p.due),
    thresholdLine(p.threshold),
    facts([
      [fieldLabel('subject_type'), present(p.subject_type) ? tv(p.subject_type) : null],
      [fieldLabel('industry'), present(p.industry) ? tv(p.industry) : null],
      [fieldLabel('product'), present(p.product) ? tv(p.product) : null],
      [fieldLabel('alias'), p.alias],
      [fieldLabel('certification'), p.certification],
      [fieldLabel('base_address'), p.base_address],
      [t('township'), withCode(p.township_name, p.township_code)],
      [t('village'), withCode(p.village_name, p.village_code)],
      [fieldLabel('scale'), scale],
      [fieldLabel('industrialised'), p.industrialised === 1 || p.industrialised === true ? t('yes') : null],
      [fieldLabel('market_date'), p.market_date],
      [fieldLabel('production_mode'), present(p.production_mode) ? tv(p.production_mode) : null],
      [fieldLabel('trace_means'), p.trace_means],
      [fieldLabel('credit_rating'), p.credit_rating],
      [fieldLabel('collected_on'), p.collected_on],
      [fieldLabel('updated_on'), p.updated_on ?? p.due?.last_update],
    ]),
    contactsSection(p),
    auditFacts(p),
    p.source ? el('p', { class: 'source' }, `${t('source')}${t('colon')}${p.source}`) : null,
    recordActions(feature),
  ]);
}
