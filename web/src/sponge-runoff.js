// 径流总量控制 / runoff control of a sponge-city project (GET api/sponge/projects/{id}/runoff),
// shown in the info panel under the project: the surfaces with their runoff
// coefficients, the composite φ, the design rainfall H (labelled 假定值 when it is the
// bundled assumption), the required volume V = 10·H·φ·F, the facilities' effective
// volumes, the provided volume, the volume capture ratio against the target, and the
// server's working.
//
// For tests: `.runoff[data-meets-target]`, `.runoff .assumption-badge`.

import { el } from './dom.js';
import { getLang, t, tv } from './i18n.js';
import { twoLines } from './panel-utils.js';

const en = () => getLang() === 'en';
/** A number with `min`..`max` decimals and thousands separators ('—' when missing). */
const num = (x, min = 1, max = min) => (x == null || Number.isNaN(Number(x)) ? '—'
  : Number(x).toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max }));
const phi = (x) => num(x, 2, 4);
const m3 = (x) => num(x, 1, 2);

/** Whether the design rainfall is the bundled assumption rather than a configured value. */
export function rainfallIsAssumption(d) {
  if (d.design_rainfall_assumption != null) return Boolean(d.design_rainfall_assumption);
  return /^assumption|假定/i.test(String(d.design_rainfall_source ?? ''));
}

const text = (x) => {
  if (x == null) return '';
  if (typeof x === 'string') return x;
  if (typeof x === 'object') return (en() ? x.en ?? x.text_en : x.zh ?? x.text_zh) ?? x.text ?? x.message ?? JSON.stringify(x);
  return String(x);
};

function surfacesTable(d) {
  return el('table', { class: 'price-table v-table runoff-surfaces' }, [
    el('caption', {}, t('runoff_surfaces')),
    el('thead', {}, el('tr', {}, [el('th', {}, t('runoff_surface')), el('th', {}, t('runoff_area_m2')), el('th', {}, 'φ')])),
    el('tbody', {}, (d.surfaces ?? []).map((s) => el('tr', {}, [
      el('th', {}, tv(s.surface)), el('td', {}, num(s.area_m2, 0)), el('td', {}, phi(s.phi)),
    ]))),
    el('tfoot', {}, el('tr', {}, [
      el('th', {}, `${t('total')} F`), el('td', {}, num(d.total_area_m2, 0)), el('td', { class: 'composite-phi' }, phi(d.composite_phi)),
    ])),
  ]);
}

function facilitiesTable(d) {
  const rows = d.facilities ?? [];
  if (rows.length === 0) return el('p', { class: 'muted' }, t('runoff_no_facilities'));
  return el('table', { class: 'price-table v-table runoff-facilities' }, [
    el('caption', {}, t('runoff_facilities')),
    el('thead', {}, el('tr', {}, [el('th', {}, t('runoff_facility')), el('th', {}, t('runoff_volume_m3'))])),
    el('tbody', {}, rows.map((f) => el('tr', {}, [
      el('th', {}, twoLines(f.name ?? '', [tv(f.kind ?? ''), f.status ? ` · ${tv(f.status)}` : '', f.basis ? ` · ${text(f.basis)}` : ''])),
      el('td', {}, m3(f.effective_volume_m3)),
    ]))),
    el('tfoot', {}, el('tr', {}, [el('th', {}, t('runoff_provided')), el('td', { class: 'provided' }, m3(d.provided_volume_m3))])),
  ]);
}

/** `r`: `{state: 'loading'}`, `{state: 'error', message}` or `{state: 'ok', data}`. */
export function runoffSection(r) {
  if (!r) return null;
  if (r.state === 'loading') return el('p', { class: 'loading' }, t('runoff_loading'));
  if (r.state === 'error') return el('p', { class: 'warning runoff-error' }, `${t('runoff_failed')}${t('colon')}${r.message}`);
  // The answer is `{project, estimate, assumptions, notes, source}` (or the estimate itself).
  const answer = r.data;
  const d = answer.estimate ?? answer;
  const list = (x) => (Array.isArray(x) ? x : x ? [x] : []).map(text).filter(Boolean);
  const assumptions = list(answer.assumptions ?? d.assumptions);
  const notes = list(answer.notes);
  const assumed = rainfallIsAssumption(d) || assumptions.some((a) => /assumption|假定/i.test(a) && /降雨|rainfall/i.test(a));
  const meets = Boolean(d.meets_target);
  return el('section', { class: 'runoff', 'data-meets-target': String(meets) }, [
    el('h4', {}, t('runoff_title')),
    el('p', { class: 'runoff-verdict' }, [
      el('span', { class: 'runoff-label' }, `${t('runoff_ratio')}${t('colon')}`),
      el('strong', { class: 'runoff-ratio' }, `${num(d.achieved_percent)}%`),
      el('span', { class: 'muted' }, ` ${t('runoff_target', num(d.target_percent, 0))} `),
      el('span', { class: `tb-badge small ${meets ? 'allowed' : 'banned'}` }, t(meets ? 'runoff_meets' : 'runoff_fails')),
    ]),
    surfacesTable(d),
    el('dl', { class: 'facts' }, [
      el('dt', {}, t('runoff_rainfall')),
      el('dd', {}, [`H = ${num(d.design_rainfall_mm, 1, 2)} mm `,
        assumed ? el('span', { class: 'badge illustrative assumption-badge' }, t('runoff_assumption')) : null]),
      el('dt', {}, t('runoff_rainfall_source')),
      el('dd', { class: 'rainfall-source' }, text(d.design_rainfall_source)),
      el('dt', {}, t('runoff_required')),
      el('dd', {}, [el('span', { class: 'formula' }, 'V = 10·H·φ·F'),
        ` = 10 × ${num(d.design_rainfall_mm, 1, 2)} × ${phi(d.composite_phi)} × ${num(d.area_ha, 1, 4)} ha = `,
        el('strong', { class: 'required' }, `${m3(d.required_volume_m3)} m³`)]),
    ]),
    facilitiesTable(d),
    el('dl', { class: 'facts' }, [
      el('dt', {}, t('runoff_depth')), el('dd', {}, `${num(d.achieved_depth_mm, 1, 2)} mm`),
      el('dt', {}, t('runoff_ratio')), el('dd', {}, `${num(d.achieved_percent)}%（${t('runoff_target', num(d.target_percent, 0))}）`),
    ]),
    assumed ? el('p', { class: 'v-warning runoff-assumption' }, t('runoff_assumption_note')) : null,
    notes.map((n) => el('p', { class: 'v-warning runoff-note' }, n)),
    assumptions.length ? el('ul', { class: 'v-notes runoff-assumptions' }, assumptions.map((a) => el('li', {}, a))) : null,
    (d.working ?? []).length ? el('details', { class: 'runoff-working', open: true }, [
      el('summary', {}, t('runoff_working')),
      el('ol', {}, d.working.map((w) => el('li', {}, text(w)))),
    ]) : null,
    answer.source ? el('p', { class: 'source' }, `${t('source')}${t('colon')}${answer.source}`) : null,
  ]);
}
