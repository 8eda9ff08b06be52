// The record of an origin point (GET api/trace/records/{id}) read into what its card
// shows: the facts of 临政办发〔2023〕19号, the update status on the as-of date, the scale
// threshold, the contacts. Pure. The server decides every status and flag and whether
// the contacts are returned (signed-in agriculture staff and admins); the page words it.

import { present, withCode } from '../../lib/format.js';
import { fieldLabel, isEn, t, tv } from '../../lib/i18n.js';

const CONTACTS = [
  ['contact', 'contact_name', 'contact_phone'],
  ['grid_officer', 'grid_officer_name', 'grid_officer_phone'],
  ['collector', 'collector_name', 'collector_phone'],
];
/** Roles the server returns contacts to (the server decides; this only words an empty answer). */
const CONTACT_ROLES = new Set(['admin', 'agriculture']);

/** 逾期 N 天 / 按期 of a record's `due`: `{overdue, badge, date, rule}`, or null. */
export function dueModel(due) {
  if (!due) return null;
  const overdue = String(due.status).toLowerCase() === 'overdue';
  return {
    overdue,
    badge: overdue ? t('due_overdue_days', due.days_overdue) : t('due_current'),
    date: overdue ? t('due_was', due.due_on) : t('due_next', due.due_on),
    rule: due.rule || null,
  };
}

/** The threshold flag of a record's `threshold`: `{mandatory, rule, note}` (rule in the page language), or null. */
export function thresholdModel(th) {
  if (!th) return null;
  return { mandatory: Boolean(th.mandatory), rule: (isEn() ? th.rule_en || th.rule : th.rule) || null, note: th.note || null };
}

const valueOf = (v) => (present(v) ? tv(v) : null);

/** The `[label, value]` facts of a record's properties `p` (values not given are null). */
export function recordFacts(p) {
  const scale = present(p.scale) ? `${p.scale}${p.scale_unit ? ` ${tv(p.scale_unit)}` : ''}` : null;
  return [
    [fieldLabel('subject_type'), valueOf(p.subject_type)],
    [fieldLabel('industry'), valueOf(p.industry)],
    [fieldLabel('product'), valueOf(p.product)],
    [fieldLabel('alias'), p.alias],
    [fieldLabel('certification'), p.certification],
    [fieldLabel('base_address'), p.base_address],
    [t('township'), withCode(p.township_name, p.township_code)],
    [t('village'), withCode(p.village_name, p.village_code)],
    [fieldLabel('scale'), scale],
    [fieldLabel('industrialised'), p.industrialised === 1 || p.industrialised === true ? t('yes') : null],
    [fieldLabel('market_date'), p.market_date],
    [fieldLabel('production_mode'), valueOf(p.production_mode)],
    [fieldLabel('trace_means'), p.trace_means],
    [fieldLabel('credit_rating'), p.credit_rating],
    [fieldLabel('collected_on'), p.collected_on],
    [fieldLabel('updated_on'), p.updated_on ?? p.due?.last_update],
  ];
}

/**
 * The contacts of a record as `[label, line]` pairs, or null when the server did not
 * return them to a user whose `role` does not see them (the card says so instead).
 */
export function contactLines(p, role) {
  const returned = CONTACTS.some(([, name, phone]) => present(p[name]) || present(p[phone]));
  if (!returned && !CONTACT_ROLES.has(role)) return null;
  return CONTACTS.map(([key, name, phone]) => [t(key), [p[name], p[phone]].filter(present).join('  ') || t('not_given')]);
}

/** Who created and last changed the record, and when: `[label, text]` pairs. */
export function auditFacts(p) {
  const when = (at, by) => [at, by].filter(present).join(' · ');
  return [[t('created'), when(p.created_at, p.created_by)], [t('modified'), when(p.updated_at, p.updated_by)]];
}
