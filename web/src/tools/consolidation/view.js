// 土地整治项目补偿 / land-consolidation compensation, shown in the info panel under a
// consolidation project: whether 临政发〔2023〕9号 applies by its dates (第二条, gazette
// line 1348), the compensation lines, and the 第五条 subsidy (line 1362) year by year in
// calendar years with who pays whom; assumptions labelled 假定. Numbers from state.js.
//
// For tests: `.consolidation[data-scope]`, `.consolidation .subsidy-schedule`.

import { colon, labelled, t } from '../../lib/i18n.js';
import { el } from '../../ui/dom.js';
import { twoLines } from '../../ui/panel.js';
import { consolidationModel } from './state.js';

/** `r`: `{state: 'loading'}`, `{state: 'error', message}` or `{state: 'ok', data}`. */
export function consolidationSection(r) {
  if (!r) return null;
  if (r.state === 'loading') return el('p', { class: 'loading' }, t('consolidation_loading'));
  if (r.state === 'error') return el('p', { class: 'warning consolidation-error' }, labelled('consolidation_failed', r.message));
  const m = consolidationModel(r.data);
  return el('section', { class: 'consolidation', 'data-scope': m.scopeStatus }, [
    el('h4', {}, t('consolidation_title')),
    el('p', { class: 'consolidation-scope' }, [el('strong', {}, `${t('consolidation_scope')}${colon()}`), m.scope]),
    el('p', { class: 'muted' }, m.scopeExplanation),
    el('p', { class: 'source' }, m.scopeCitation),
    el('p', {}, `${t('consolidation_area')}${colon()}${m.area}`),
    el('table', { class: 'price-table v-table consolidation-lines' }, [
      el('tbody', {}, m.lines.map((l) => el('tr', {}, [el('th', {}, twoLines(l.name, l.basis)), el('td', {}, l.amount)]))),
    ]),
    m.schedule.length ? el('table', { class: 'price-table v-table subsidy-schedule' }, [
      el('caption', {}, t('consolidation_schedule')),
      el('thead', {}, el('tr', {}, [el('th', {}, t('consolidation_year_h')), el('th', {}, t('consolidation_calendar_year')),
        el('th', {}, t('consolidation_period')), el('th', {}, t('consolidation_amount'))])),
      el('tbody', {}, m.schedule.map((y) => el('tr', {}, [el('th', {}, y.year), el('td', {}, y.calendarYear), el('td', {}, y.period), el('td', {}, y.amount)]))),
    ]) : null,
    m.terms ? el('p', {}, `${t('consolidation_terms')}${colon()}${m.terms}`) : null,
    m.subsidyCitation ? el('p', { class: 'source' }, m.subsidyCitation) : null,
    m.assumptions.length ? el('ul', { class: 'v-notes consolidation-assumptions' }, m.assumptions.map((a) => el('li', {}, a))) : null,
    m.notes.length ? el('ul', { class: 'v-notes consolidation-notes' }, m.notes.map((n) => el('li', {}, n))) : null,
  ]);
}
