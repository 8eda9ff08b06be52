// The info-panel card of one origin-point record (GET api/trace/records/{id}): the
// record of 临政办发〔2023〕19号, its update status on the as-of date, the scale
// threshold, and the contacts only when the server returned them (signed-in
// agriculture staff and admins); anonymous users see a line saying so instead. What it
// says comes from record.js.

import { colon, layerTitle, t } from '../../lib/i18n.js';
import { el, facts } from '../../ui/dom.js';
import { illustrativeBadge } from '../../ui/panel.js';
import { getSession } from '../auth/state.js';
import { auditFacts, contactLines, dueModel, recordFacts, thresholdModel } from './record.js';

let recordActions = () => null;

/**
 * `fn(feature)` gives the buttons added at the end of every record card (编辑 / 删除
 * for users who may write records, see tools/trace/view.js), or null.
 */
export const setRecordActions = (fn) => { recordActions = fn; };

/** 逾期 N 天 / 按期, with the due date and the rule. */
export function dueLine(due) {
  const m = dueModel(due);
  if (!m) return null;
  const kind = m.overdue ? 'overdue' : 'current';
  return el('div', { class: `due-line ${kind}`, 'data-due': kind }, [
    el('span', { class: `due-badge ${kind}` }, m.badge),
    el('span', { class: 'due-date' }, m.date),
    m.rule ? el('span', { class: 'due-rule muted' }, m.rule) : null,
  ]);
}

/** The "not mandatory" flag of a record below the collection threshold. */
export function thresholdLine(th) {
  const m = thresholdModel(th);
  if (!m) return null;
  if (m.mandatory) return el('p', { class: 'threshold mandatory muted', 'data-mandatory': 'true' }, `${t('threshold_met')}${m.rule ? `（${m.rule}）` : ''}`);
  return el('p', { class: 'threshold not-mandatory', 'data-mandatory': 'false' }, [
    el('strong', {}, t('threshold_not_mandatory')),
    m.rule ? ` · ${t('threshold_rule')}${colon()}${m.rule}` : null,
    m.note ? el('span', { class: 'muted' }, ` ${m.note}`) : null,
  ]);
}

function contactsSection(p) {
  const lines = contactLines(p, getSession()?.role);
  if (!lines) return el('p', { class: 'contacts-hidden muted' }, t('contacts_hidden'));
  return el('section', { class: 'contacts' }, [el('h4', {}, t('contacts')), facts(lines)]);
}

/** The record card of a Feature from api/trace/records. */
export function recordCard(feature) {
  const p = feature.properties ?? {};
  return el('article', { class: 'hit point record', 'data-hit-layer': 'origin_points', 'data-record-id': String(feature.id) }, [
    el('h3', {}, [layerTitle('origin_points'), illustrativeBadge(p.accuracy === 'illustrative')]),
    el('p', { class: 'record-subject' }, el('strong', {}, p.subject_name ?? '')),
    dueLine(p.due),
    thresholdLine(p.threshold),
    facts(recordFacts(p)),
    contactsSection(p),
    facts(auditFacts(p)),
    p.source ? el('p', { class: 'source' }, `${t('source')}${colon()}${p.source}`) : null,
    recordActions(feature),
  ]);
}
