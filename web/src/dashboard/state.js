// The dashboard's figures from the answer of GET api/dashboard: labels and series
// for the charts, rows for the tables under them, the map layers each figure links
// to. Pure: every number is the server's (the ledger, the overdue report, the
// expropriation progress, the sponge estimates, the recorded track checks).

import { t, tv } from '../lib/i18n.js';
import { figureDownload, mapLink } from './links.js';

export const DASHBOARD_PATH = 'api/dashboard';

/** The layers on the map for each figure. */
export const FIGURE_LAYERS = {
  trace: ['origin_points', 'townships'],
  expropriation: ['expropriation_areas'],
  sponge: ['sponge_projects', 'sponge_facilities', 'waterlogging_points'],
  truck_ban: ['truck_ban_zone', 'truck_ban_roads', 'freight_sources'],
};

const links = (figure) => ({
  map: mapLink(FIGURE_LAYERS[figure]),
  csv: figureDownload(figure, 'csv'),
  xlsx: figureDownload(figure, 'xlsx'),
});

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const pct = (v) => (num(v) == null ? '—' : v.toFixed(1));

/** Origin points per township: collected, mandatory, overdue (bars) and completeness. */
export function traceFigure(d) {
  const towns = d.trace?.townships ?? [];
  return {
    id: 'trace',
    title: t('db_trace'),
    illustrative: !!d.trace?.illustrative,
    categories: towns.map((x) => x.name),
    series: [
      { key: 'collected', name: t('db_trace_collected'), data: towns.map((x) => x.collected) },
      { key: 'mandatory', name: t('db_trace_mandatory'), data: towns.map((x) => x.mandatory) },
      { key: 'overdue', name: t('db_trace_overdue'), data: towns.map((x) => x.overdue) },
    ],
    header: [t('db_township'), t('db_trace_collected'), t('db_trace_mandatory'), t('db_trace_overdue'), t('db_trace_completeness')],
    rows: towns.map((x) => [x.name, x.collected, x.mandatory, x.overdue, pct(x.completeness_percent)]),
    totals: [t('db_total'), ...['collected', 'mandatory', 'overdue'].map((k) => towns.reduce((s, x) => s + (x[k] ?? 0), 0)), ''],
    links: links('trace'),
  };
}

/** Expropriation: households signed and not signed per project (stacked bars). */
export function expropriationFigure(d) {
  const ps = d.expropriation?.progress ?? [];
  return {
    id: 'expropriation',
    title: t('db_expropriation'),
    illustrative: !!d.expropriation?.illustrative,
    categories: ps.map((p) => p.decision_no),
    series: [
      { key: 'signed', name: t('db_signed'), data: ps.map((p) => p.signed), stack: 'h' },
      { key: 'not_signed', name: t('db_not_signed'), data: ps.map((p) => p.not_signed), stack: 'h' },
    ],
    header: [t('db_project'), t('db_households'), t('db_signed'), t('db_not_signed'), t('db_decision_made'), t('db_handed_over')],
    rows: ps.map((p) => [`${p.project}（${p.decision_no}）`, p.households, p.signed, p.not_signed, p.decision_made, p.handed_over]),
    totals: null,
    links: links('expropriation'),
  };
}

/** Sponge projects: counts by status (pie) and each project's achieved rate (bars). */
export function spongeFigure(d) {
  const projects = d.sponge?.projects ?? [];
  const statuses = d.sponge?.by_status ?? [];
  return {
    id: 'sponge',
    title: t('db_sponge'),
    illustrative: !!d.sponge?.illustrative,
    pie: statuses.map((s) => ({ name: tv(s.status), value: s.count })),
    categories: projects.map((p) => p.name),
    series: [{ key: 'achieved', name: t('db_sponge_rate'), data: projects.map((p) => num(p.achieved_percent)) }],
    targets: projects.map((p) => num(p.target_percent)),
    header: [t('db_project'), t('db_sponge_status'), t('db_sponge_rate'), t('db_sponge_target'), ''],
    rows: projects.map((p) => [p.name, tv(p.status), pct(p.achieved_percent), pct(p.target_percent),
      p.meets_target == null ? '' : t(p.meets_target ? 'db_met' : 'db_not_met')]),
    totals: null,
    links: links('sponge'),
  };
}

/** Truck-ban track checks by ISO week: checks, tracks with violations, violations. */
export function truckFigure(d) {
  const weeks = d.truck_ban?.weeks ?? [];
  return {
    id: 'truck_ban',
    title: t('db_truck'),
    illustrative: !!d.truck_ban?.illustrative,
    categories: weeks.map((w) => w.week.replace(/^\d{4}-/, '')),
    series: [
      { key: 'checks', name: t('db_checks'), data: weeks.map((w) => w.checks) },
      { key: 'with_violations', name: t('db_with_violations'), data: weeks.map((w) => w.with_violations) },
      { key: 'violations', name: t('db_violations'), data: weeks.map((w) => w.violations), line: true },
    ],
    header: [t('db_week'), t('db_checks'), t('db_with_violations'), t('db_violations')],
    rows: weeks.map((w) => [`${w.week}（${w.from}–${w.to}）`, w.checks, w.with_violations, w.violations]),
    totals: [t('db_total'), ...['checks', 'with_violations', 'violations'].map((k) => weeks.reduce((s, w) => s + (w[k] ?? 0), 0))],
    links: links('truck_ban'),
  };
}

/** Every figure, in the order of the page. */
export const figures = (d) => [traceFigure(d), expropriationFigure(d), spongeFigure(d), truckFigure(d)];

/** Whether any figure shows illustrative (demo) data. */
export const anyIllustrative = (d) => figures(d).some((f) => f.illustrative);
