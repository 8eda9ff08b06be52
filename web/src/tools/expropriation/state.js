// 被征收户登记 / the household register of an expropriation project, for the housing
// bureau: the server's answers (GET api/expropriation/households?decision_no=…, the
// housing role only; the progress counts of GET api/land/expropriation, public) read
// into what the info panel shows. Pure. The server computes everything (the
// compensation line by line, the signing bonus from the recorded dates); the page
// only words it.

import { fmtYuan } from '../../lib/format.js';
import { isEn, t } from '../../lib/i18n.js';

/** The register table of `decision_no` is for this role (the server decides; this hides the section). */
export const REGISTER_LAYER = 'expropriation_households';

/** A server amount `{fen, yuan}` as `12,345.6 元` (fen kept when not zero). */
export const yuanText = (amount) => (amount?.yuan == null ? '—' : `${fmtYuan(amount.yuan)} 元`);

/** The progress line of a project's counts `{households, signed, not_signed, decision_made, handed_over}`. */
export function progressFacts(p) {
  if (!p) return null;
  return [
    [t('households_total'), String(p.households)],
    [t('households_signed'), String(p.signed)],
    [t('households_not_signed'), String(p.not_signed)],
    [t('households_decision_made'), String(p.decision_made)],
    [t('households_handed_over'), String(p.handed_over)],
  ];
}

/** One row of the register: `{id, no, name, status, bonus, total, provisional, missing, error}`. */
export function householdRow(h) {
  const p = h.properties ?? {};
  const a = h.assessment;
  if (!a) return { id: h.id, no: p.household_no ?? '', name: p.owner_name ?? '', status: '', bonus: '', total: '—', error: h.error ?? '' };
  const c = a.compensation;
  return {
    id: h.id,
    no: p.household_no ?? '',
    name: p.owner_name ?? '',
    status: isEn() ? a.status.replace(/_/g, ' ') : a.status_zh,
    bonus: c ? `${c.bonus_percent}%（${t('bonus_day_n', a.bonus_day)}）` : '—',
    total: c ? yuanText(c.total) : '—',
    provisional: Boolean(a.provisional),
    missing: (a.missing ?? []).join(', '),
    error: '',
  };
}

/** The rows of a register answer, in household-number order. */
export function registerRows(answer) {
  return (answer?.households ?? []).map(householdRow).sort((a, b) => a.no.localeCompare(b.no));
}

/**
 * The map label of an expropriation area from the progress of its project (counts
 * only): `签约 2/4 户 · 补偿决定 1`; null without households.
 */
export function progressLabel(progress, decisionNo) {
  const p = (progress ?? []).find((x) => x.decision_no === decisionNo);
  if (!p || !p.households) return null;
  const decided = p.decision_made ? ` · ${t('households_decision_made_short', p.decision_made)}` : '';
  return `${t('households_signed_of', { s: p.signed, n: p.households })}${decided}`;
}
