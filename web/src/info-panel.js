// The "what applies here" panel (#info-panel): everything `/api/locate` returns for
// the clicked point (zones, grade and benchmark prices, truck-ban rule,
// expropriation decision, a sponge-city project's runoff control), plus the point
// features drawn under the cursor (origin points as their full record).

import { fieldLabel, isEn as en, layerTitle, t, tv } from './lib/i18n.js';
import { el, facts } from './ui/dom.js';
import { illustrativeBadge } from './ui/panel.js';
import { recordCard } from './tools/origin-points/record-card.js';
import { runoffSection } from './tools/sponge-runoff/view.js';
import { progressSection, registerSection } from './tools/expropriation/view.js';
import { calculatorSection } from './tools/expropriation/calculator.js';
import { consolidationSection } from './tools/consolidation/view.js';

const HIDDEN_PROPS = new Set(['accuracy', 'source']);
let townshipNames = {};
let currentTimeline = null;
let currentRegister = null;
let currentRunoff = {};
let currentConsolidation = {};

/** Township names by code (from the township seats in the tiles), to show next to codes. */
export const setTownshipNames = (names) => { townshipNames = names; };

function propertyValue(key, value) {
  if (key === 'grade') return t('grade_n', Number(value));
  if (key === 'township_code' && townshipNames[value]) return `${townshipNames[value]}（${value}）`;
  return tv(value);
}

function badges(illustrative, accuracy) {
  if (illustrative || accuracy === 'illustrative') return illustrativeBadge();
  if (accuracy === 'approximate') return el('span', { class: 'badge approximate' }, t('badge_approximate'));
  return null;
}

function propertyFacts(props) {
  return facts(Object.entries(props || {}).filter(([k, v]) => !HIDDEN_PROPS.has(k) && v != null && v !== '')
    .map(([k, v]) => [fieldLabel(k), propertyValue(k, v)]));
}

const sourceNote = (props) => (props?.source ? el('p', { class: 'source' }, `${t('source')}：${props.source}`) : null);

function gradeDetails(d) {
  const gradeName = en() ? `${d.grade} (${d.grade_name})` : d.grade_name;
  const system = tv(d.system_name ?? '');
  const rows = d.prices || [];
  return [
    el('p', { class: 'grade-line' }, [el('strong', {}, `${t('grade')}：`), el('span', { class: 'grade-name' }, gradeName),
      system ? ` · ${system}` : '']),
    rows.length ? el('table', { class: 'price-table hit-prices' }, [
      el('caption', {}, t(d.system === 'collective' ? 'prices_collective' : 'prices_urban')),
      el('thead', {}, el('tr', {}, [el('th', {}, t('land_use')), el('th', {}, t('yuan_per_m2')), el('th', {}, t('wan_yuan_per_mu'))])),
      el('tbody', {}, rows.map((p) => el('tr', {}, [
        el('th', {}, en() ? `${p.land_use_en} (${p.land_use})` : p.land_use),
        el('td', {}, String(p.yuan_per_m2)),
        el('td', {}, Number(p.wan_yuan_per_mu).toFixed(1)),
      ]))),
    ]) : null,
    d.note ? el('p', { class: 'warning' }, d.note) : null,
    facts([[t('document'), d.document], [t('approval'), d.approval], [t('in_force'), d.in_force], [t('issued'), d.issued]]),
  ];
}

const clauseText = (c) => (c ? `${en() ? c.text_en : c.text_zh}（${c.clause}）` : null);

function truckBanDetails(d) {
  const r = d.rule || {};
  return [
    el('p', { class: 'ban-hours' }, [el('strong', {}, `${t('ban_hours')}：`), `${t('every_day')} ${d.hours}`,
      d.time_zone ? el('span', { class: 'muted' }, ` (${d.time_zone})`) : null]),
    facts([
      [t('banned'), clauseText(r.banned)],
      [t('not_restricted'), clauseText(r.not_restricted)],
      [t('penalty'), r.penalty ? `${en() ? r.penalty.text_en : r.penalty.text_zh}（${r.penalty.clause}）` : null],
      [t('document'), d.document],
      [t('in_force'), d.in_force],
    ]),
    Array.isArray(r.exempt) && r.exempt.length ? el('details', { class: 'exempt' }, [
      el('summary', {}, t('exempt')),
      el('ul', {}, r.exempt.map((c) => el('li', {}, clauseText(c)))),
    ]) : null,
    r.summary_zh ? el('details', { class: 'summary' }, [
      el('summary', {}, t('rule_summary')), el('p', {}, en() ? r.summary_en : r.summary_zh),
    ]) : null,
  ];
}

const STATUS_KEYS = {
  not_started: 'period_not_started', running: 'period_running', over: 'period_over', awaiting_event: 'period_awaiting_event',
};

/** The periods of an expropriation project and their status on the day (GET api/land/expropriation). */
function timelineSection(hit, timeline) {
  if (!timeline) return null;
  if (timeline.state === 'loading') return el('p', { class: 'loading' }, t('periods_loading'));
  if (timeline.state === 'error') return el('p', { class: 'warning' }, `${t('periods_failed')}：${timeline.message}`);
  const { data } = timeline;
  const project = data.projects.find((p) => p.layer === hit.layer && p.id === hit.id) ?? data.projects[0];
  const tl = project?.timeline;
  if (!tl) return null;
  if (tl.known === false) return el('p', { class: 'warning' }, tl.note);
  return el('section', { class: 'timeline', 'data-as-of': tl.as_of }, [
    el('h4', {}, t('expropriation_periods', tl.as_of)),
    el('ol', { class: 'periods' }, tl.periods.map((p) => el('li', { 'data-period': p.kind, 'data-status': p.status }, [
      el('div', { class: 'period-head' }, [
        el('span', { class: 'period-name' }, en() ? `${p.name_en} (${p.name})` : p.name),
        el('span', { class: `period-status ${p.status}` }, t(STATUS_KEYS[p.status] ?? p.status)),
      ]),
      el('div', { class: 'period-dates' }, [
        `${p.start} ${t('period_to')} `,
        p.end ? `${p.end}${t('inclusive')}` : el('em', {}, t('no_end')),
        p.end ? ` · ${p.length}` : null,
        p.end_on_weekend ? el('span', { class: 'period-flag', title: t('end_on_weekend') }, ` ⚠ ${t('end_on_weekend')}`) : null,
      ]),
      el('div', { class: 'period-cite' }, [`${p.citation.document} ${p.citation.clause}`, ` · ${t('counted_from')}：${p.counted_from}`]),
      el('details', {}, [el('summary', {}, t('citation_text')), el('p', {}, p.citation.text), p.note ? el('p', { class: 'muted' }, p.note) : null]),
    ]))),
    tl.valuation_date ? el('p', { class: 'valuation-date' }, [
      el('strong', {}, `${t('valuation_date')}：`), tl.valuation_date.date,
      el('span', { class: 'muted' }, ` · ${tl.valuation_date.citation.document} ${tl.valuation_date.citation.clause}`),
    ]) : null,
    tl.event_periods?.length ? el('h4', {}, t('event_periods')) : null,
    tl.event_periods?.length ? el('ol', { class: 'periods event-periods' }, tl.event_periods.map((p) => el('li', { 'data-period': p.kind, 'data-status': p.status }, [
      el('div', { class: 'period-head' }, [
        el('span', { class: 'period-name' }, en() ? `${p.name_en} (${p.name})` : p.name),
        el('span', { class: `period-status ${p.status}` }, t(STATUS_KEYS[p.status] ?? p.status)),
      ]),
      el('div', { class: 'period-dates' }, p.start
        ? [`${p.start} ${t('period_to')} ${p.end}${t('inclusive')} · ${p.length}`]
        : [`${t('counted_from')}：${p.counted_from} · ${p.length}`]),
      el('div', { class: 'period-cite' }, `${p.citation.document} ${p.citation.clause}`),
      el('details', {}, [el('summary', {}, t('citation_text')), el('p', {}, p.citation.text), p.note ? el('p', { class: 'muted' }, p.note) : null]),
    ]))) : null,
    el('details', { class: 'conventions' }, [el('summary', {}, t('conventions')), el('p', {}, en() ? tl.conventions.en : tl.conventions.zh)]),
  ]);
}

function expropriationDetails(d) {
  if (d.known === false) return [el('p', { class: 'warning' }, d.note), facts([[t('decision_no'), d.decision_no]])];
  return [
    el('p', { class: 'project-line' }, [el('strong', {}, `${t('project')}：`), d.project]),
    facts([
      [t('decision_no'), d.decision_no], [t('decision_date'), d.decision_date], [t('authority'), d.authority],
      [t('department'), d.department], [t('implementer'), d.implementer],
    ]),
    el('p', { class: 'sides-title' }, el('strong', {}, t('sides'))),
    facts(['east', 'west', 'north', 'south'].map((s) => [t(s), d[s]])),
    d.title ? el('p', { class: 'muted' }, d.title) : null,
  ];
}

function hitBody(hit) {
  const d = hit.details;
  if (hit.layer === 'sponge_projects') return [propertyFacts(hit.properties), runoffSection(currentRunoff[hit.id])];
  if (hit.layer === 'consolidation_projects') {
    return [propertyFacts(hit.properties), consolidationSection(currentConsolidation[hit.id])];
  }
  switch (d && hit.layer) {
    case 'urban_grade_zones':
    case 'collective_grade_zones':
      return [...gradeDetails(d), propertyFacts({ name: hit.properties?.name, township_code: hit.properties?.township_code })];
    case 'truck_ban_zone':
      return [propertyFacts({ name: hit.properties?.name }), ...truckBanDetails(d)];
    case 'expropriation_areas':
      return [...expropriationDetails(d), progressSection(hit, currentTimeline), calculatorSection(d.known === false ? null : d.decision_no),
        registerSection(currentRegister), timelineSection(hit, currentTimeline)];
    default:
      return [propertyFacts(hit.properties)];
  }
}

function hitCard(hit) {
  const title = en() ? hit.title_en || layerTitle(hit.layer) : hit.title || layerTitle(hit.layer);
  return el('article', { class: 'hit', 'data-hit-layer': hit.layer }, [
    el('h3', {}, [title, badges(hit.illustrative, hit.properties?.accuracy)]),
    ...hitBody(hit),
    sourceNote(hit.properties),
  ]);
}

function pointCard(f) {
  if (f.record?.state === 'ok') return recordCard(f.record.data);
  return el('article', { class: 'hit point', 'data-hit-layer': f.layer }, [
    el('h3', {}, [layerTitle(f.layer), badges(false, f.properties.accuracy)]),
    f.record?.state === 'error' ? el('p', { class: 'warning' }, `${t('record_failed')}${t('colon')}${f.record.message}`) : null,
    propertyFacts(Object.fromEntries(Object.entries(f.properties).filter(([k]) => k !== 'fid' && k !== 'due_status'))),
    sourceNote(f.properties),
  ]);
}

/**
 * Controls the panel. `show(lngLat)` marks a lookup in progress; `result(r, points)`
 * renders a locate answer and the point features (`{layer, properties}`) under the
 * click; `error(message)` shows a failure. Language changes re-render the last state.
 */
export function infoPanel(root, onClose) {
  const body = root.querySelector('.info-body');
  let state = { kind: 'hint' };
  let lookups = 0;

  const render = () => {
    currentTimeline = state.timeline ?? null;
    currentRegister = state.register ?? null;
    currentRunoff = state.runoff ?? {};
    currentConsolidation = state.consolidation ?? {};
    const parts = [];
    if (state.lngLat) {
      parts.push(el('p', { class: 'coords' }, `${t('coords')}：${state.lngLat.lng.toFixed(5)}, ${state.lngLat.lat.toFixed(5)}`));
    }
    if (state.kind === 'hint') parts.push(el('p', { class: 'hint' }, t('info_hint')));
    if (state.kind === 'loading') parts.push(el('p', { class: 'loading' }, t('loading')));
    if (state.kind === 'error') parts.push(el('p', { class: 'warning' }, `${t('locate_failed')}：${state.message}`));
    if (state.kind === 'result') {
      const { hits } = state.result;
      if (hits.length === 0 && state.points.length === 0) parts.push(el('p', { class: 'hint' }, t('no_hits')));
      // Zones first, then the points under the cursor; the county matters least.
      const county = hits.filter((h) => h.layer === 'county_boundaries');
      parts.push(...hits.filter((h) => h.layer !== 'county_boundaries').map(hitCard));
      if (state.points.length) {
        parts.push(el('h3', { class: 'section' }, t('points_here')), ...state.points.map(pointCard));
      }
      parts.push(...county.map(hitCard));
    }
    body.replaceChildren(...parts);
    root.dataset.state = state.kind;
  };

  root.querySelector('.close').addEventListener('click', () => {
    root.classList.remove('open');
    onClose?.();
  });
  render();

  return {
    render,
    show(lngLat) {
      state = { kind: 'loading', lngLat };
      root.dataset.lookup = String(++lookups);
      root.classList.add('open');
      render();
    },
    result(result, points) {
      state = { ...state, kind: 'result', result, points, timeline: null, register: null, runoff: {}, consolidation: {} };
      render();
    },
    /** The runoff control of sponge project `id`: `{state: 'loading' | 'ok' | 'error', data?, message?}`. */
    runoff(id, r) {
      if (state.kind !== 'result') return;
      state = { ...state, runoff: { ...state.runoff, [id]: r } };
      render();
    },
    /** The compensation of consolidation project `id`: `{state: 'loading' | 'ok' | 'error', data?, message?}`. */
    consolidation(id, r) {
      if (state.kind !== 'result') return;
      state = { ...state, consolidation: { ...state.consolidation, [id]: r } };
      render();
    },
    /** The expropriation periods: `{state: 'loading'}`, `{state: 'ok', data}` or `{state: 'error', message}`. */
    timeline(timeline) {
      if (state.kind !== 'result') return;
      state = { ...state, timeline };
      render();
    },
    /** The household register of the clicked project (housing role): like `timeline`. */
    register(register) {
      if (state.kind !== 'result') return;
      state = { ...state, register };
      render();
    },
    error(message) {
      state = { ...state, kind: 'error', message };
      render();
    },
    /** Whether the panel currently shows illustrative data. */
    showsIllustrative: () => state.kind === 'result'
      && (state.result.hits.some((h) => h.illustrative) || state.points.some((p) => p.properties.accuracy === 'illustrative'
        || p.record?.data?.properties?.accuracy === 'illustrative')),
  };
}
