// 征收补偿测算: a form in the info panel of an expropriation area that posts to
// api/land/expropriation/compensation and shows the answer line by line with the
// clauses cited. The section is kept per decision, so re-rendering the panel keeps
// what was typed and answered. Body and answer reading: calculator-state.js.

import { isEn, t } from '../../lib/i18n.js';
import { post } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { COMPENSATION_PATH, compensationBody, compensationModel } from './calculator-state.js';

const sections = new Map();

/** The calculator section for the project of `decisionNo` (the same node each time). */
export function calculatorSection(decisionNo) {
  if (!decisionNo) return null;
  const key = `${decisionNo}|${isEn() ? 'en' : 'zh'}`;
  if (sections.has(key)) return sections.get(key);
  const field = (id, label, value) => el('label', { class: 'calc-field' }, [label,
    el('input', { id, name: id, type: 'text', inputmode: 'decimal', value, required: true })]);
  const result = el('div', { class: 'calc-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'calc-form', id: 'calc-form', novalidate: true }, [
    field('calc-value', t('calc_value'), '800000'),
    field('calc-area', t('calc_area'), '120'),
    field('calc-day', t('calc_day'), '10'),
    el('button', { type: 'submit', class: 'v-button', id: 'calc-submit' }, t('calc_submit')),
  ]);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const read = (id) => form.querySelector(`#${id}`).value;
    const body = compensationBody(decisionNo, { value: read('calc-value'), area: read('calc-area'), day: read('calc-day') });
    if (!body.ok) {
      result.replaceChildren(el('p', { class: 'warning', role: 'alert' }, body.message));
      return;
    }
    result.replaceChildren(el('p', { class: 'loading' }, t('loading')));
    try {
      const res = await post(COMPENSATION_PATH, JSON.stringify(body.body), 'application/json');
      result.replaceChildren(answerView(compensationModel(await res.json(), isEn())));
    } catch (err) {
      result.replaceChildren(el('p', { class: 'warning', role: 'alert' }, `${t('calc_failed')}：${err.message}`));
    }
  });
  const section = el('details', { class: 'calculator', id: 'expropriation-calculator' }, [
    el('summary', {}, el('strong', {}, t('calc_title'))),
    el('p', { class: 'muted' }, t('calc_hint')),
    form,
    result,
  ]);
  sections.set(key, section);
  return section;
}

function answerView(m) {
  return el('div', {}, [
    el('table', { class: 'v-table calc-table', id: 'calc-table' }, [
      el('thead', {}, el('tr', {}, [t('calc_item'), t('calc_basis'), t('calc_amount'), t('calc_citation')].map((h) => el('th', {}, h)))),
      el('tbody', {}, m.rows.map((r) => el('tr', { 'data-item': r.item }, [
        el('td', {}, r.name), el('td', {}, r.basis), el('td', { class: 'num' }, r.amount),
        el('td', { title: r.citationText }, r.citation),
      ]))),
      el('tfoot', {}, el('tr', {}, [el('th', { colspan: 2 }, t('calc_total', m.totalWan)),
        el('td', { class: 'num', id: 'calc-total' }, m.total), el('td', {}, m.decisionNo)])),
    ]),
    m.note ? el('p', { class: 'muted' }, m.note) : null,
  ]);
}
