// 重点农产品产地溯源点: the origin points drawn on the map and their filter panel.
//
// The points come from `GET api/trace/records?product=&township=&subject_type=&due=&as_of=`
// (public fields when anonymous; the signed-in user's token is sent) and feed one
// clustered GeoJSON source: below CLUSTER_UNTIL_ZOOM MapLibre clusters them, from it on
// the same source draws every point, so the drawn points match the filter at every zoom.
// The query and the reading of the answer are in state.js.
//
// For tests: `#origin-filter[data-state]` is `loading | ready | error`, with
// `data-shown` (points drawn) and `data-total` (all records) and `data-query` (the
// query string of the request that is drawn); the selects are `#origin-product`,
// `#origin-township`, `#origin-subject-type`, `#origin-due`, the date `#origin-as-of`.

import { labelled, t, tv } from '../../lib/i18n.js';
import { todayShanghai } from '../../lib/time.js';
import { CLUSTER_SOURCE, PRODUCT_COLORS } from '../../map-style.js';
import { fetchJson } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { EMPTY, blankFilter, filterChoices, isFiltered, readRecords, recordsQuery } from './state.js';

/**
 * The filter panel in `root` and the data of the cluster source.
 */
export function originPoints({ map, root }) {
  const state = blankFilter(todayShanghai());
  let options = null;
  let status = 'loading';
  let message = '';
  let shown = null;
  let total = null;
  let totalKey = null;
  let drawn = EMPTY;
  let requests = 0;

  const setSource = () => {
    const source = map.getSource(CLUSTER_SOURCE);
    if (source) source.setData(drawn);
  };
  if (!map.getSource(CLUSTER_SOURCE)) map.once('load', setSource);

  async function load({ refreshTotal = false } = {}) {
    const mine = ++requests;
    status = 'loading';
    message = '';
    update();
    const today = todayShanghai();
    const q = recordsQuery(state, true, today);
    try {
      const fc = await fetchJson(`api/trace/records?${q}`);
      // `total` is the number of all records; a server without it gets a second, unfiltered request.
      const all = fc.total == null && isFiltered(state) && (refreshTotal || totalKey !== state.as_of || total == null)
        ? await fetchJson(`api/trace/records?${recordsQuery(state, false, today)}`) : null;
      if (mine !== requests) return;
      ({ drawn, shown, total } = readRecords(fc, { all, filtered: isFiltered(state), previous: total }));
      totalKey = state.as_of;
      status = 'ready';
      root.dataset.query = q;
      setSource();
    } catch (err) {
      if (mine !== requests) return;
      // Nothing drawn rather than points that do not match the filter.
      status = 'error';
      message = labelled('origin_failed', err.message);
      drawn = EMPTY;
      shown = null;
      delete root.dataset.shown;
      setSource();
    }
    update();
  }

  async function loadOptions() {
    try {
      options = await fetchJson('api/trace/options');
    } catch {
      options = null; // fall back to the built-in lists
    }
    render();
  }

  // ----- rendering ------------------------------------------------------------------
  let controls = null;

  const select = (id, labelKey, key, values) => {
    const s = el('select', { id }, [
      el('option', { value: '' }, t('all')),
      ...values.map(([value, label]) => el('option', { value }, label)),
    ]);
    s.value = state[key];
    s.addEventListener('change', () => {
      state[key] = s.value;
      load();
    });
    return [el('label', { for: id }, t(labelKey)), s];
  };

  function render() {
    const { products, townships, types } = filterChoices(options, { products: Object.keys(PRODUCT_COLORS), label: tv });
    const asOf = el('input', { type: 'date', id: 'origin-as-of', value: state.as_of, required: true });
    asOf.addEventListener('change', () => {
      state.as_of = asOf.value || todayShanghai();
      load();
    });
    const reset = el('button', { type: 'button', id: 'origin-reset', class: 'v-button small' }, t('origin_reset'));
    reset.addEventListener('click', () => {
      Object.assign(state, blankFilter(todayShanghai()));
      render();
      load();
    });
    controls = {
      count: el('p', { id: 'origin-count', class: 'origin-count', 'aria-live': 'polite' }),
      message: el('p', { class: 'warning origin-message', role: 'alert' }),
    };
    root.replaceChildren(
      el('h3', { class: 'origin-title' }, t('origin_filter')),
      el('div', { class: 'v-params origin-params' }, [
        ...select('origin-product', 'product', 'product', products),
        ...select('origin-township', 'township', 'township', townships),
        ...select('origin-subject-type', 'subject_type', 'subject_type', types),
        ...select('origin-due', 'due_status', 'due', [['overdue', t('due_overdue')], ['current', t('due_current')]]),
        el('label', { for: 'origin-as-of' }, t('due_as_of')), asOf,
      ]),
      el('div', { class: 'origin-foot' }, [controls.count, reset]),
      controls.message,
      el('p', { class: 'legend-note origin-overdue-key' }, [
        el('span', { class: 'swatch dot overdue-ring' }), t('legend_overdue'),
      ]),
    );
    // No township list from the server (yet): nothing to choose.
    root.querySelector('#origin-township').disabled = townships.length === 0;
    update();
  }

  function update() {
    root.dataset.state = status;
    if (shown != null) root.dataset.shown = String(shown);
    if (total != null) root.dataset.total = String(total);
    if (!controls) return;
    controls.count.textContent = shown == null ? (status === 'loading' ? t('loading') : '')
      : t('origin_count', { shown, total: total ?? shown });
    controls.count.classList.toggle('stale', status === 'loading');
    controls.message.textContent = message;
    controls.message.hidden = !message;
  }

  render();
  loadOptions();
  load();

  return {
    render,
    /** Loads again (after sign-in or sign-out: what the server returns depends on the user). */
    reload: () => load({ refreshTotal: true }),
    asOf: () => state.as_of || todayShanghai(),
  };
}
