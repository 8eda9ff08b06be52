// 土地整治项目补偿 / land-consolidation compensation of a stored project: the server's
// answer (GET api/land/consolidation/projects/{id}, 临政发〔2023〕9号) read into what the
// card shows. Pure. The server decides everything (the scope of 第二条 from the dates,
// gazette line 1348; the 第五条 subsidy schedule in calendar years, line 1362); the page
// only words it.

import { fmtYuan } from '../../lib/format.js';
import { isEn, t } from '../../lib/i18n.js';

const SCOPE_KEYS = {
  applies: 'consolidation_scope_applies',
  does_not_apply: 'consolidation_scope_not',
  unclear: 'consolidation_scope_unclear',
  undetermined: 'consolidation_scope_undetermined',
};

const cite = (c) => (c ? `${c.document} ${c.clause}：${c.text}` : '');

/** A 万元 / 元 amount of the answer (`{fen, yuan}`) as text. */
const yuan = (m) => (m?.yuan != null ? `${fmtYuan(m.yuan)} ${isEn() ? 'yuan' : '元'}` : '');

/** The card of an answer. */
export function consolidationModel(d) {
  const scope = d.scope ?? {};
  return {
    scopeStatus: scope.status ?? 'undetermined',
    scope: t(SCOPE_KEYS[scope.status] ?? 'consolidation_scope_undetermined'),
    scopeExplanation: scope.explanation ?? '',
    scopeCitation: cite(scope.citation),
    area: d.area?.mu != null ? `${Number(d.area.mu).toFixed(2)} ${isEn() ? 'mu' : '亩'}` : '',
    lines: (d.lines ?? []).map((l) => ({
      name: isEn() ? l.name_en : l.name,
      amount: l.amount?.min?.yuan === l.amount?.max?.yuan ? yuan(l.amount?.min) : `${yuan(l.amount?.min)} – ${yuan(l.amount?.max)}`,
      basis: l.basis ?? '',
    })),
    schedule: (d.subsidy_schedule ?? []).map((y) => ({
      year: t('consolidation_year', y.year),
      calendarYear: y.calendar_year != null ? String(y.calendar_year) : '—',
      period: y.from && y.to ? `${y.from} — ${y.to}` : '',
      amount: yuan(y.amount),
    })),
    terms: d.subsidy_terms ? `${d.subsidy_terms.payer} → ${d.subsidy_terms.applicant} → ${d.subsidy_terms.payee}` : '',
    subsidyCitation: cite(d.subsidy_terms?.citation),
    assumptions: d.assumptions ?? [],
    notes: [...(d.notes ?? []), d.attachments_note].filter(Boolean),
  };
}
