// 被征收户登记 / the household register and the signing progress of an expropriation
// project, as sections of the info panel: the progress (counts only, public, from
// GET api/land/expropriation) and, for the housing role, the households with their
// computed compensation (GET api/expropriation/households). Reading the answers is
// in state.js.

import { t } from '../../lib/i18n.js';
import { el, facts } from '../../ui/dom.js';
import { printButton } from '../print/view.js';
import { progressFacts, registerRows } from './state.js';

/** The signing progress of the project (counts only, public): `progress` of GET api/land/expropriation. */
export function progressSection(hit, timeline) {
  if (timeline?.state !== 'ok') return null;
  const project = timeline.data.projects.find((p) => p.layer === hit.layer && p.id === hit.id) ?? timeline.data.projects[0];
  const rows = progressFacts(project?.progress);
  if (!rows) return null;
  return el('section', { class: 'progress', 'data-households': project.progress.households, 'data-signed': project.progress.signed }, [
    el('h4', {}, t('households_progress')),
    facts(rows),
    el('a', { href: 'api/expropriation/progress?format=csv', download: 'expropriation-progress.csv' }, t('progress_csv')),
    printButton({ id: 'expropriation-print', title: (b) => b.closest('.hit')?.querySelector('h3')?.textContent || t('households_progress'),
      content: (b) => [b.closest('.hit') ?? b.parentNode] }),
  ]);
}

/** The households of the project, for the housing role (GET api/expropriation/households). */
export function registerSection(register) {
  if (!register) return null;
  if (register.state === 'loading') return el('p', { class: 'loading' }, t('households_loading'));
  if (register.state === 'error') return el('p', { class: 'warning' }, `${t('households_failed')}：${register.message}`);
  const rows = registerRows(register.data);
  const head = ['household_no', 'household_owner', 'household_status', 'household_bonus', 'household_total'];
  return el('section', { class: 'register', 'data-count': rows.length }, [
    el('h4', {}, t('households_register')),
    rows.length === 0 ? el('p', { class: 'hint' }, t('households_none')) : el('table', { class: 'register-table' }, [
      el('thead', {}, el('tr', {}, head.map((k) => el('th', {}, t(k))))),
      el('tbody', {}, rows.map((r) => el('tr', { 'data-household': r.id }, [
        el('td', {}, r.no), el('td', {}, r.name), el('td', {}, r.error || r.status), el('td', {}, r.bonus),
        el('td', { title: r.provisional ? t('household_provisional') : '' }, `${r.total}${r.provisional ? ' *' : ''}`),
      ]))),
    ]),
    rows.some((r) => r.provisional) ? el('p', { class: 'muted' }, `* ${t('household_provisional')}`) : null,
  ]);
}

