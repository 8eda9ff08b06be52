// The layer switcher with its legend. Every toggle is a checkbox with
// `data-layer="<table name>"`; the legend of the urban and collective grade zones
// carries the gazette's benchmark price tables, embedded at build time. The
// user-defined layers (api/layers entries with `user_defined`) come first, each with
// its colour, marked as the bureaus' own data (`data-user-layer`).

import { collectivePrices, urbanPrices } from 'virtual:landtrace-data';
import { layerTitle, t, tv } from './lib/i18n.js';
import {
  CLINIC_COLORS, CLUSTER_COLOR, COLLECTIVE_GRADE_COLORS, CONSOLIDATION_COLORS, EXPROPRIATION_COLOR,
  FREIGHT_COLOR, PRODUCT_COLORS, SPONGE_COLORS, SPONGE_PROJECT_COLORS, TRUCK_BAN_COLOR, URBAN_GRADE_COLORS,
  WATERLOGGING_COLORS, userLayerColor,
} from './map-style.js';
import { el, swatch } from './ui/dom.js';
import { illustrativeBadge } from './ui/panel.js';

const keyList = (colors, shape, label = tv) =>
  el('ul', { class: 'legend-keys' }, Object.entries(colors).map(([k, c]) => el('li', {}, [swatch(c, shape), label(k)])));
const gradeKeys = (colors) => keyList(colors, 'box', (g) => t('grade_n', Number(g)));

/** The benchmark price table of one system: a column per grade, a row per land use. */
export function priceTable(rows, colors) {
  const grades = [...new Set(rows.map((r) => r.grade))];
  const uses = [...new Set(rows.map((r) => r.land_use))];
  const cell = (g, u) => rows.find((r) => r.grade === g && r.land_use === u);
  return el('table', { class: 'price-table' }, [
    el('thead', {}, el('tr', {}, [
      el('th', {}, t('land_use')),
      ...grades.map((g) => el('th', {}, [swatch(colors[g]), t('grade_n', Number(g))])),
    ])),
    el('tbody', {}, uses.map((u) => el('tr', {}, [
      el('th', {}, tv(u)),
      ...grades.map((g) => el('td', {}, [
        el('span', { class: 'price-m2' }, cell(g, u).yuan_per_m2),
        el('span', { class: 'price-mu' }, cell(g, u).wan_yuan_per_mu),
      ])),
    ]))),
    el('caption', {}, `${t('yuan_per_m2')} / ${t('wan_yuan_per_mu')}`),
  ]);
}

const priceDetails = (rows, colors, open) => el('details', { class: 'legend-prices', ...(open ? { open: '' } : {}) }, [
  el('summary', {}, t('legend_prices_title')),
  priceTable(rows, colors),
  el('p', { class: 'legend-note' }, `晋自然资技审〔2023〕6号 · ${t('in_force')} ${rows[0].in_force}`),
]);

/** Layers in the switcher, top to bottom. `demo`: the bundled data is illustrative. */
export const ENTRIES = [
  { table: 'urban_grade_zones', demo: true,
    legend: () => [gradeKeys(URBAN_GRADE_COLORS), priceDetails(urbanPrices, URBAN_GRADE_COLORS, true)] },
  { table: 'collective_grade_zones', demo: true,
    legend: () => [gradeKeys(COLLECTIVE_GRADE_COLORS), priceDetails(collectivePrices, COLLECTIVE_GRADE_COLORS, false)] },
  { table: 'truck_ban_zone', demo: true,
    legend: () => [el('ul', { class: 'legend-keys' }, el('li', {}, [swatch(TRUCK_BAN_COLOR, 'dashed'), t('legend_truck_ban')]))] },
  { table: 'truck_ban_roads', demo: true,
    legend: () => [el('ul', { class: 'legend-keys' }, [el('li', {}, [swatch('#8c8c8c'), t('legend_truck_roads')]),
      el('li', {}, [swatch(TRUCK_BAN_COLOR), t('legend_truck_sections')])])] },
  { table: 'expropriation_areas', demo: true,
    legend: () => [el('ul', { class: 'legend-keys' }, el('li', {}, [swatch(EXPROPRIATION_COLOR), t('legend_expropriation')]))] },
  { table: 'consolidation_projects', demo: true, legend: () => [keyList(CONSOLIDATION_COLORS, 'box')] },
  { table: 'sponge_projects', demo: true,
    legend: () => [keyList(SPONGE_PROJECT_COLORS, 'outline'), el('p', { class: 'legend-note' }, t('legend_sponge_projects'))] },
  { table: 'sponge_facilities', demo: true,
    legend: () => [keyList(SPONGE_COLORS, 'dot'), el('p', { class: 'legend-note' }, t('legend_sponge_shapes'))] },
  { table: 'waterlogging_points', demo: true, legend: () => [keyList(WATERLOGGING_COLORS, 'dot')] },
  { table: 'origin_points', demo: true,
    legend: () => [
      el('p', { class: 'legend-note' }, [swatch(CLUSTER_COLOR, 'dot big'), t('legend_clusters')]),
      keyList(PRODUCT_COLORS, 'dot'),
    ] },
  { table: 'village_clinics', demo: true, legend: () => [keyList(CLINIC_COLORS, 'dot')] },
  { table: 'freight_sources', demo: true,
    legend: () => [el('ul', { class: 'legend-keys' }, el('li', {}, [swatch(FREIGHT_COLOR, 'dot'), '临政办发〔2023〕18号']))] },
  { table: 'townships', demo: false,
    legend: () => [el('ul', { class: 'legend-keys' }, el('li', {}, [swatch('#3d3a36', 'dot small'), t('legend_townships')]))] },
  { table: 'county_boundaries', demo: false,
    legend: () => [el('ul', { class: 'legend-keys' }, [
      el('li', {}, [swatch('#3d3a36', 'outline'), t('legend_linyi')]),
      el('li', {}, [swatch('#a3a8a0', 'outline thin'), t('legend_neighbours')]),
    ])] },
];

/** The switcher entry of a user-defined layer (`layer` as api/layers lists it). */
export function userEntry(layer, userLayers) {
  const color = userLayerColor(userLayers, layer.layer);
  const shape = layer.geometry === 'POINT' ? 'dot' : 'box';
  return {
    table: layer.layer, demo: false, user: true,
    legend: () => [
      layer.tiles ? el('ul', { class: 'legend-keys' }, el('li', {}, [swatch(color, shape), layerTitle(layer.layer)])) : null,
      el('p', { class: 'legend-note' }, t('legend_user_layer')),
      layer.public === false ? el('p', { class: 'legend-note' }, t('legend_not_public')) : null,
      layer.tiles ? null : el('p', { class: 'legend-note' }, t('legend_not_tiled')),
    ],
  };
}

/**
 * Renders the switcher into `container` (again after a language change or when the
 * layer list arrives, keeping open legends open). `visible` maps table → boolean
 * and is updated on toggle (a layer not in it yet is shown); `onToggle(table)` is
 * called after a change. `userLayers`: the user-defined layers of api/layers.
 */
export function renderLayerPanel(container, visible, onToggle, counts = {}, userLayers = []) {
  const firstRender = container.childElementCount === 0;
  const open = new Set([...container.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  const entries = [...userLayers.map((l) => userEntry(l, userLayers)), ...ENTRIES];
  container.replaceChildren(...entries.map(({ table, demo, user, legend }) => {
    const input = el('input', { type: 'checkbox', 'data-layer': table, id: `toggle-${table}` });
    visible[table] ??= true;
    input.checked = visible[table];
    input.addEventListener('change', () => {
      visible[table] = input.checked;
      onToggle(table);
    });
    const details = el('div', { class: 'legend' }, legend());
    for (const d of details.querySelectorAll('details')) {
      d.dataset.key = `${table}:${d.className}`;
      if (!firstRender) d.open = open.has(d.dataset.key);
    }
    return el('section', { class: 'layer-entry', 'data-entry': table, ...(user ? { 'data-user-layer': '' } : {}) }, [
      el('label', { class: 'layer-toggle', for: `toggle-${table}` }, [
        input,
        el('span', { class: 'layer-title' }, layerTitle(table)),
        counts[table] != null ? el('span', { class: 'count' }, `(${counts[table]})`) : null,
        illustrativeBadge(demo),
      ]),
      details,
    ]);
  }));
}
