// The compensation calculator of an expropriation area (POST
// api/land/expropriation/compensation): the request body from the form's texts, and
// the server's answer as line-by-line rows with their citations. Pure: the rules
// (moving fee, transition fee, bonus by day) are the server's; nothing is computed here.

import { t } from '../../lib/i18n.js';

export const COMPENSATION_PATH = 'api/land/expropriation/compensation';

/**
 * The body for the API from the form's texts: `{ok: true, body}` or `{ok: false,
 * message}` naming the field. Only the shape is checked (a number ≥ 0, a whole day);
 * ranges and rules are the server's, whose 400 is shown as it is.
 */
export function compensationBody(decisionNo, { value, area, day }) {
  const num = (text) => {
    const s = String(text ?? '').trim().replace(/,/g, '');
    return /^\d+(\.\d+)?$/.test(s) ? s : null;
  };
  const v = num(value);
  if (v == null) return { ok: false, message: t('calc_bad_number', t('calc_value')) };
  const a = num(area);
  if (a == null) return { ok: false, message: t('calc_bad_number', t('calc_area')) };
  const d = num(day);
  if (d == null || !/^\d+$/.test(d)) return { ok: false, message: t('calc_bad_number', t('calc_day')) };
  return {
    ok: true,
    body: {
      decision_no: decisionNo,
      appraised_value_yuan: v,
      building_area_m2: Number(a),
      signed_day_after_appraisal: Number(d),
    },
  };
}

/** The answer as rows `{name, basis, amount, citation, citationText}` and the total line. */
export function compensationModel(answer, en = false) {
  const yuan = (m) => m?.yuan ?? '';
  return {
    project: answer.project ?? '',
    decisionNo: answer.decision_no ?? '',
    bonusPercent: answer.bonus_percent ?? 0,
    rows: (answer.lines ?? []).map((l) => ({
      item: l.item,
      name: en ? (l.name_en || l.name) : l.name,
      basis: l.basis ?? '',
      amount: yuan(l.amount),
      citation: [l.citation?.document, l.citation?.clause].filter(Boolean).join(' '),
      citationText: l.citation?.text ?? '',
    })),
    total: yuan(answer.total),
    totalWan: answer.total_wan_yuan ?? '',
    note: answer.note ?? '',
    rounding: answer.rounding ?? '',
  };
}
