// 径流总量控制 / runoff control of a sponge-city project, shown in the info panel under
// the project: the surfaces with their runoff coefficients, the composite φ, the design
// rainfall H (labelled 假定值 when it is the bundled assumption), the required volume
// V = 10·H·φ·F, the facilities' effective volumes, the provided volume, the volume
// capture ratio against the target, and the server's working. The numbers come from
// state.js.
//
// For tests: `.runoff[data-meets-target]` (`null` without a numeric target), `.runoff[data-has-target]`,
// `.runoff .runoff-target-citation`, `.runoff .assumption-badge`.

import { colon, labelled, t } from '../../lib/i18n.js';
import { el } from '../../ui/dom.js';
import { twoLines } from '../../ui/panel.js';
import { runoffModel } from './state.js';

function surfacesTable(m) {
  return el('table', { class: 'price-table v-table runoff-surfaces' }, [
    el('caption', {}, t('runoff_surfaces')),
    el('thead', {}, el('tr', {}, [el('th', {}, t('runoff_surface')), el('th', {}, t('runoff_area_m2')), el('th', {}, 'φ')])),
    el('tbody', {}, m.surfaces.map((s) => el('tr', {}, [el('th', {}, s.surface), el('td', {}, s.area), el('td', {}, s.phi)]))),
    el('tfoot', {}, el('tr', {}, [
      el('th', {}, `${t('total')} F`), el('td', {}, m.totalArea), el('td', { class: 'composite-phi' }, m.compositePhi),
    ])),
  ]);
}

function facilitiesTable(m) {
  if (m.facilities.length === 0) return el('p', { class: 'muted' }, t('runoff_no_facilities'));
  return el('table', { class: 'price-table v-table runoff-facilities' }, [
    el('caption', {}, t('runoff_facilities')),
    el('thead', {}, el('tr', {}, [el('th', {}, t('runoff_facility')), el('th', {}, t('runoff_volume_m3'))])),
    el('tbody', {}, m.facilities.map((f) => el('tr', {}, [el('th', {}, twoLines(f.name, f.detail)), el('td', {}, f.volume)]))),
    el('tfoot', {}, el('tr', {}, [el('th', {}, t('runoff_provided')), el('td', { class: 'provided' }, m.provided)])),
  ]);
}

/** `r`: `{state: 'loading'}`, `{state: 'error', message}` or `{state: 'ok', data}`. */
export function runoffSection(r) {
  if (!r) return null;
  if (r.state === 'loading') return el('p', { class: 'loading' }, t('runoff_loading'));
  if (r.state === 'error') return el('p', { class: 'warning runoff-error' }, labelled('runoff_failed', r.message));
  const m = runoffModel(r.data);
  const verdict = m.hasTarget ? t(m.meets ? 'runoff_meets' : 'runoff_fails') : t('runoff_no_verdict');
  const badge = m.hasTarget ? (m.meets ? 'allowed' : 'banned') : 'neutral';
  return el('section', { class: 'runoff', 'data-meets-target': String(m.meets), 'data-has-target': String(m.hasTarget) }, [
    el('h4', {}, t('runoff_title')),
    el('p', { class: 'runoff-verdict' }, [
      el('span', { class: 'runoff-label' }, `${t('runoff_ratio')}${colon()}`),
      el('strong', { class: 'runoff-ratio' }, m.achieved),
      el('span', { class: 'muted' }, ` ${m.target} `),
      el('span', { class: `tb-badge small ${badge}` }, verdict),
      // Without a target the ratio is still read off the (assumed) curve.
      !m.hasTarget && m.assumed ? el('span', { class: 'badge illustrative assumption-badge' }, t('runoff_assumption')) : null,
    ]),
    m.targetBasis ? el('p', { class: 'runoff-target-basis' }, `${t('runoff_target_basis')}${colon()}${m.targetBasis}`) : null,
    m.targetCitation ? el('p', { class: 'source runoff-target-citation' }, m.targetCitation) : null,
    surfacesTable(m),
    !m.hasTarget ? null : el('dl', { class: 'facts' }, [
      el('dt', {}, t('runoff_rainfall')),
      el('dd', {}, [`H = ${m.rainfall} mm `,
        m.assumed ? el('span', { class: 'badge illustrative assumption-badge' }, t('runoff_assumption')) : null]),
      el('dt', {}, t('runoff_rainfall_source')),
      el('dd', { class: 'rainfall-source' }, m.rainfallSource),
      el('dt', {}, t('runoff_required')),
      el('dd', {}, [el('span', { class: 'formula' }, 'V = 10·H·φ·F'), m.requiredWorking, el('strong', { class: 'required' }, m.required)]),
    ]),
    facilitiesTable(m),
    el('dl', { class: 'facts' }, [
      el('dt', {}, t('runoff_depth')), el('dd', {}, m.depth),
      el('dt', {}, t('runoff_ratio')), el('dd', {}, `${m.achieved}（${m.target}）`),
    ]),
    m.assumed ? el('p', { class: 'v-warning runoff-assumption' }, t('runoff_assumption_note')) : null,
    m.notes.map((n) => el('p', { class: 'v-warning runoff-note' }, n)),
    m.assumptions.length ? el('ul', { class: 'v-notes runoff-assumptions' }, m.assumptions.map((a) => el('li', {}, a))) : null,
    m.working.length ? el('details', { class: 'runoff-working', open: true }, [
      el('summary', {}, t('runoff_working')),
      el('ol', {}, m.working.map((w) => el('li', {}, w))),
    ]) : null,
    m.source ? el('p', { class: 'source' }, `${t('source')}${colon()}${m.source}`) : null,
  ]);
}
