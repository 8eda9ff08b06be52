// The dashboard page (dashboard.html): GET api/dashboard drawn as four figures with
// ECharts (tree-shaken: the core, bar/line/pie charts, SVG renderer), each with a
// table of its numbers, a link to the map showing its layers and CSV/XLSX downloads.
// Chinese first; ?lang=en or the EN button for English. Models: state.js.

import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { isEn, onLangChange, setLang, t } from '../lib/i18n.js';
import { fetchJson } from '../ui/api.js';
import { el } from '../ui/dom.js';
import { DASHBOARD_PATH, anyIllustrative, figures } from './state.js';
import './dashboard.css';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

const root = document.getElementById('dashboard');
let data = null;
let charts = [];

function barOption(f) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 64 },
    xAxis: { type: 'category', data: f.categories, axisLabel: { rotate: f.categories.length > 6 ? 40 : 0, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: f.series.map((s) => ({
      name: s.name,
      type: s.line ? 'line' : 'bar',
      stack: s.stack,
      data: s.data,
      label: { show: !s.line && f.categories.length <= 14, position: s.stack ? 'inside' : 'top', fontSize: 10 },
    })),
  };
}

function spongeOption(f) {
  return {
    animation: false,
    tooltip: { valueFormatter: (v) => (typeof v === 'number' ? String(Math.round(v * 10) / 10) : v) },
    legend: { top: 0 },
    grid: { left: '48%', right: 16, top: 36, bottom: 48 },
    xAxis: { type: 'category', data: f.categories, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', max: 100 },
    series: [
      { type: 'pie', name: t('db_sponge_status'), center: ['22%', '55%'], radius: ['25%', '55%'], data: f.pie,
        label: { formatter: '{b}: {c}' } },
      { type: 'bar', name: f.series[0].name, data: f.series[0].data,
        label: { show: true, position: 'top', formatter: ({ value }) => (value == null ? '' : Number(value).toFixed(1)) },
        markLine: { symbol: 'none', data: f.targets.filter((x) => x != null).slice(0, 1).map((y) => ({ yAxis: y, name: t('db_sponge_target') })) } },
    ],
  };
}

function figureCard(f) {
  const chart = el('div', { class: 'db-chart', id: `chart-${f.id}`, role: 'img', 'aria-label': f.title });
  const table = el('table', { class: 'db-table', id: `table-${f.id}` }, [
    el('thead', {}, el('tr', {}, f.header.map((h) => el('th', {}, h)))),
    el('tbody', {}, f.rows.length ? f.rows.map((r) => el('tr', {}, r.map((c, i) => el(i ? 'td' : 'th', {}, String(c ?? '')))))
      : el('tr', {}, el('td', { colspan: f.header.length }, t('db_none')))),
    f.totals ? el('tfoot', {}, el('tr', {}, f.totals.map((c, i) => el(i ? 'td' : 'th', {}, String(c))))) : null,
  ]);
  const card = el('section', { class: 'db-card', id: `figure-${f.id}`, 'data-figure': f.id }, [
    el('header', {}, [el('h2', {}, f.title), f.illustrative ? el('span', { class: 'db-badge' }, t('db_demo')) : null]),
    chart,
    el('nav', { class: 'db-links' }, [
      el('a', { href: f.links.map, class: 'db-map' }, t('db_on_map')),
      el('a', { href: f.links.csv, download: '', class: 'db-csv' }, t('db_csv')),
      el('a', { href: f.links.xlsx, download: '', class: 'db-xlsx' }, t('db_xlsx')),
    ]),
    el('div', { class: 'db-table-scroll' }, table),
  ]);
  return { card, chart, option: f.id === 'sponge' ? spongeOption(f) : barOption(f) };
}

function render() {
  for (const c of charts) c.dispose();
  charts = [];
  document.documentElement.lang = isEn() ? 'en' : 'zh-CN';
  document.title = `${t('db_title')} · landtrace`;
  const head = el('header', { class: 'db-head' }, [
    el('h1', {}, [t('db_title'), ' ', el('small', {}, t('db_subtitle'))]),
    el('a', { href: './', class: 'db-back' }, t('db_to_map')),
    el('button', { type: 'button', id: 'db-lang' }, isEn() ? '中文' : 'EN'),
  ]);
  head.querySelector('#db-lang').addEventListener('click', () => setLang(isEn() ? 'zh' : 'en'));
  if (!data) {
    root.replaceChildren(head, el('p', { class: 'loading' }, t('db_loading')));
    return;
  }
  if (data instanceof Error) {
    root.replaceChildren(head, el('p', { class: 'warning', role: 'alert' }, `${t('db_failed')}：${data.message}`));
    return;
  }
  const cards = figures(data).map(figureCard);
  root.replaceChildren(
    head,
    el('p', { class: 'db-as-of' }, t('db_as_of', data.as_of)),
    anyIllustrative(data) ? el('p', { class: 'db-notice', id: 'db-demo-notice' }, [el('span', { class: 'db-badge' }, t('db_demo')), ' ', t('db_demo_note')]) : null,
    el('div', { class: 'db-grid' }, cards.map((c) => c.card)),
  );
  for (const c of cards) {
    const chart = echarts.init(c.chart, null, { renderer: 'svg' });
    chart.setOption(c.option);
    charts.push(chart);
  }
  root.dataset.state = 'ready';
}

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
onLangChange(render);
render();
fetchJson(DASHBOARD_PATH)
  .then((d) => { data = d; })
  .catch((err) => { data = err; root.dataset.state = 'error'; })
  .finally(render);
