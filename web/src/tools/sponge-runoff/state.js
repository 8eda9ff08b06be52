// 径流总量控制 / runoff control of a sponge-city project: the server's answer
// (GET api/sponge/projects/{id}/runoff) read into what the card shows, every number
// formatted. Pure. The server computes everything (V = 10·H·φ·F, the ratio, the
// target); the page only words it.

import { num } from '../../lib/format.js';
import { isEn, t, tv } from '../../lib/i18n.js';

const phi = (x) => num(x, 2, 4);
const m3 = (x) => num(x, 1, 2);

/** Whether the design rainfall is the bundled assumption rather than a configured value. */
export function rainfallIsAssumption(d) {
  if (d.design_rainfall_assumption != null) return Boolean(d.design_rainfall_assumption);
  return /^assumption|假定/i.test(String(d.design_rainfall_source ?? ''));
}

/** A text of the answer in the page language: a string, or `{zh, en}` / `{text_zh, text_en}` / `{text}` / `{message}`. */
export function answerText(x) {
  if (x == null) return '';
  if (typeof x === 'string') return x;
  if (typeof x === 'object') return (isEn() ? x.en ?? x.text_en : x.zh ?? x.text_zh) ?? x.text ?? x.message ?? JSON.stringify(x);
  return String(x);
}

const list = (x) => (Array.isArray(x) ? x : x ? [x] : []).map(answerText).filter(Boolean);

/**
 * The card of an answer `{project, estimate, assumptions, notes, source}` (or the
 * estimate itself): every number as shown.
 */
export function runoffModel(answer) {
  const d = answer.estimate ?? answer;
  const assumptions = list(answer.assumptions ?? d.assumptions);
  const rainfall = num(d.design_rainfall_mm, 1, 2);
  // 临政办发〔2023〕11号 line 2274: rebuilt and extended projects have no number (target null).
  const hasTarget = d.target_percent != null;
  const target = answer.target ?? null;
  const citation = target?.citation;
  return {
    hasTarget,
    meets: hasTarget ? Boolean(d.meets_target) : null,
    achieved: `${num(d.achieved_percent)}%`,
    target: hasTarget ? t('runoff_target', num(d.target_percent, 0)) : t('runoff_no_target'),
    targetBasis: target ? answerText(target.explanation) : '',
    targetCitation: citation ? `${citation.document} ${citation.clause}：${citation.text}` : '',
    surfaces: (d.surfaces ?? []).map((s) => ({ surface: tv(s.surface), area: num(s.area_m2, 0), phi: phi(s.phi) })),
    totalArea: num(d.total_area_m2, 0),
    compositePhi: phi(d.composite_phi),
    rainfall,
    assumed: rainfallIsAssumption(d) || assumptions.some((a) => /assumption|假定/i.test(a) && /降雨|rainfall/i.test(a)),
    rainfallSource: answerText(d.design_rainfall_source),
    requiredWorking: ` = 10 × ${rainfall} × ${phi(d.composite_phi)} × ${num(d.area_ha, 1, 4)} ha = `,
    required: `${m3(d.required_volume_m3)} m³`,
    facilities: (d.facilities ?? []).map((f) => ({
      name: f.name ?? '',
      detail: [tv(f.kind ?? ''), f.status ? ` · ${tv(f.status)}` : '', f.basis ? ` · ${answerText(f.basis)}` : ''].join(''),
      volume: m3(f.effective_volume_m3),
    })),
    provided: m3(d.provided_volume_m3),
    depth: `${num(d.achieved_depth_mm, 1, 2)} mm`,
    notes: list(answer.notes),
    assumptions,
    working: (d.working ?? []).map(answerText),
    source: answer.source ?? null,
  };
}
