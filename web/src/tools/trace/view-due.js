// 溯源采集 › 逾期提醒 (public): api/trace/due on a date, by township, each expandable to
// its overdue records; a row flies the map to the record (a red marker) and opens its
// card below the row. `ctx` is the tool's shared part (view.js).

import { Marker } from 'maplibre-gl';
import { fieldLabel, labelled, t, tv } from '../../lib/i18n.js';
import { latestRequest } from '../../lib/latest-request.js';
import { todayShanghai } from '../../lib/time.js';
import { fetchJson } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { illustrativeBadge } from '../../ui/panel.js';
import { recordCard } from '../origin-points/record-card.js';
import { duePath, illustrativeOverdue, recordPath } from './state.js';

/** The 逾期提醒 tab: `{render, load(), reopenCard(), updateMarker()}`. */
export function dueTab(ctx) {
  const { state, map, root, body, phone, requests, onChange } = ctx;
  const dueMarker = new Marker({ color: '#e03131', scale: 0.8 });
  const request = latestRequest({ state: state.due, refresh: renderDueTab, onChange });

  /** The red marker on the record whose card is open. */
  function updateMarker() {
    const card = state.due.card?.data;
    if (state.open && state.tab === 'due' && card?.geometry?.coordinates) dueMarker.setLngLat(card.geometry.coordinates).addTo(map);
    else dueMarker.remove();
  }

  function loadDue() {
    return ctx.loadTab(request, 'due', 'report', () => fetchJson(duePath(state.due.asOf)), 'tr_due_failed');
  }

  async function openDueCard(id) {
    const due = state.due;
    if (due.cardId === id) {
      Object.assign(due, { cardId: null, card: null });
      renderDueTab();
      updateMarker();
      return;
    }
    const mine = ++requests.card;
    Object.assign(due, { cardId: id, card: { state: 'loading' } });
    renderDueTab();
    try {
      const data = await fetchJson(recordPath(id, due.asOf));
      if (mine !== requests.card) return;
      due.card = { state: 'ok', data };
      const c = data.geometry?.coordinates;
      if (c) {
        const sheet = phone.matches ? root.getBoundingClientRect().height : 0;
        map.flyTo({ center: c, zoom: Math.max(map.getZoom(), 15), duration: 800, padding: { top: 0, left: 0, right: 0, bottom: sheet } });
      }
    } catch (err) {
      if (mine !== requests.card) return;
      due.card = { state: 'error', message: labelled('record_failed', err.message) };
    }
    renderDueTab();
    updateMarker();
    onChange?.();
    body.querySelector('.due-card-row')?.scrollIntoView({ block: 'nearest' });
  }

  /** The open card again (the contacts depend on the user). */
  function reopenCard() {
    if (state.due.card?.state !== 'ok') return;
    const id = state.due.cardId;
    Object.assign(state.due, { cardId: null, card: null });
    openDueCard(id);
  }

  // ----- rendering ---------------------------------------------------------------------
  function renderDueTab() {
    const pane = ctx.pane('due');
    if (!pane || state.tab !== 'due') return;
    const due = state.due;
    pane.dataset.state = due.status === 'stale' ? 'loading' : due.status;
    const asOf = el('input', { type: 'date', id: 'trace-due-as-of', value: due.asOf, required: true });
    asOf.addEventListener('change', () => {
      due.asOf = asOf.value || todayShanghai();
      Object.assign(due, { cardId: null, card: null });
      loadDue();
    });
    const parts = [el('div', { class: 'v-params' }, [el('label', { for: 'trace-due-as-of' }, t('due_as_of')), asOf])];
    if (due.status === 'loading') parts.push(el('p', { class: 'loading' }, t('loading')));
    if (due.status === 'error') parts.push(el('p', { class: 'warning tr-error', role: 'alert' }, due.message));
    const r = due.report;
    if (due.status === 'ready' && r) {
      pane.dataset.total = String(r.total_overdue);
      const illustrative = illustrativeOverdue(r, ctx.illustrativeIds());
      parts.push(el('p', { class: 'tr-due-total', id: 'trace-due-total' }, [
        el('strong', {}, t('tr_due_total', { asOf: r.as_of, n: r.total_overdue })),
        r.records != null ? el('span', { class: 'muted' }, ` ${t('tr_due_of', r.records)}`) : null,
        illustrative ? [' ', illustrativeBadge()] : null,
      ]));
      // 二、(二) 分步推进实施 (gazette line 2834): the phase the work is in on that day.
      if (r.phase) {
        parts.push(el('p', { class: 'tr-due-phase', id: 'trace-due-phase', 'data-phase': r.phase.code, title: r.phase.basis }, [
          el('strong', {}, `${t('tr_phase')}${t('colon')}`), r.phase.name, el('span', { class: 'muted' }, ` (${r.phase.name_en})`),
        ]));
      }
      if (r.undated) parts.push(el('p', { class: 'v-note' }, t('tr_due_undated', r.undated)));
      parts.push(el('div', { class: 'tr-due-towns' }, r.townships.map(townshipView)));
      if (r.rules) {
        parts.push(el('details', { class: 'v-rounding tr-due-rules' }, [
          el('summary', {}, t('tr_due_rules')),
          ...['planting', 'livestock_aquatic', 'source'].filter((k) => r.rules[k]).map((k) => el('p', {}, r.rules[k])),
        ]));
      }
    }
    pane.replaceChildren(...parts);
  }

  function townshipView(tw) {
    const due = state.due;
    const open = due.expanded.has(tw.code) || tw.overdue.some((x) => x.id === due.cardId);
    const details = el('details', { class: `due-town${tw.count ? '' : ' empty'}`, 'data-code': tw.code, 'data-count': String(tw.count), open });
    details.addEventListener('toggle', () => {
      if (details.open) due.expanded.add(tw.code);
      else due.expanded.delete(tw.code);
    });
    const summary = el('summary', {}, [el('span', { class: 'due-town-name' }, tw.name),
      el('span', { class: `due-town-count${tw.count ? ' overdue' : ''}` }, t('tr_due_count', tw.count))]);
    if (!tw.count) {
      details.append(summary, el('p', { class: 'muted v-small' }, t('tr_due_none')));
      return details;
    }
    const rows = [];
    for (const x of tw.overdue) {
      const row = el('tr', { class: `due-row${x.id === due.cardId ? ' selected' : ''}`, 'data-record-id': String(x.id), tabindex: '0',
        title: t('tr_due_row_hint') }, [
        el('th', {}, [x.subject_name, ctx.illustrativeIds().get(x.id) === 'illustrative' ? [' ', illustrativeBadge()] : null]),
        el('td', {}, tv(x.product)),
        el('td', {}, x.last_update),
        el('td', {}, x.due_on),
        el('td', { class: 'due-days' }, String(x.days_overdue)),
      ]);
      row.addEventListener('click', () => openDueCard(x.id));
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          openDueCard(x.id);
        }
      });
      rows.push(row);
      if (x.id === due.cardId) rows.push(el('tr', { class: 'due-card-row' }, el('td', { colspan: 5 }, dueCard())));
    }
    details.append(summary, el('table', { class: 'price-table v-table tr-table due-table' }, [
      el('thead', {}, el('tr', {}, [el('th', {}, fieldLabel('subject_name')), el('th', {}, fieldLabel('product')),
        el('th', {}, t('tr_last_update')), el('th', {}, t('tr_due_on')), el('th', {}, t('tr_days_overdue'))])),
      el('tbody', {}, rows),
    ]));
    return details;
  }

  function dueCard() {
    const c = state.due.card;
    const close = el('button', { type: 'button', class: 'v-button small due-card-close' }, t('close'));
    close.addEventListener('click', () => openDueCard(state.due.cardId));
    if (!c || c.state === 'loading') return el('p', { class: 'loading' }, t('loading'));
    if (c.state === 'error') return [el('p', { class: 'warning' }, c.message), close];
    return [recordCard(c.data), close];
  }

  return { render: renderDueTab, load: loadDue, reopenCard, updateMarker };
}
