// 登记 (register), the panel: 登记通行证, 登记征收户 and 登记海绵项目 as forms, one tab
// each, shown for the layers the signed-in role writes. Passes and households are
// attribute records; a sponge project's area is a list of corners, typed or picked on
// the map one click at a time (a point layer's form would take a position likewise). The answer (the new record's id, and the
// server's warnings) is shown under the form; a refusal's problems under their fields.
//
// For tests: `#register-toggle` opens `#register-panel`; tabs `#register-tab-<layer>`;
// fields `#reg-<field>`, the place `#reg-geometry` (with `#register-pick`); problems
// `.field-problem[data-field=<field>]`; `#register-submit`; the answer `#register-result`
// with `.register-warning` lines.

import { fieldLabel, isEn, layerTitle, t, tv } from '../../lib/i18n.js';
import { el } from '../../ui/dom.js';
import { authHeaders, getSession, mayWrite, onAuthChange } from '../auth/state.js';
import { problemsByField } from '../users/state.js';
import { FORMS, formOf, initialValues, parsePoint, registerBody, writtenOf } from './state.js';

/** The map source (and layer prefix) of the corners being drawn. */
const DRAFT = 'register-draft';

/** A field's label: the form's own (`reg_f_<field>`), else the page's field name. */
function label(name) {
  const key = `reg_f_${name}`;
  const text = t(key);
  return text === key ? fieldLabel(name) : text;
}

/** The 登记 panel; `map` for picking places, `onWritten(layer)` after a write (tiles, counts). */
export function registerTool({ button, root, map, onWritten = () => {} }) {
  let open = false;
  let layer = null;
  let values = {};
  let place = '';
  let picking = false;
  let problems = {};
  let result = null; // {id, warnings}
  let message = '';
  let sending = false;
  const body = root.querySelector('.register-body');

  const writable = () => FORMS.filter((f) => getSession() && mayWrite(f.layer));

  function choose(next) {
    layer = next;
    values = initialValues(formOf(next));
    place = '';
    problems = {};
    result = null;
    message = '';
    picking = false;
  }

  map?.on('click', (e) => {
    if (!open || !picking) return;
    const form = formOf(layer);
    const at = `${e.lngLat.lng.toFixed(6)},${e.lngLat.lat.toFixed(6)}`;
    place = form.geometry === 'point' ? at : (place ? `${place.trimEnd()}\n${at}` : at);
    if (form.geometry === 'point') picking = false;
    render();
  });

  const problemLine = (field) => (problems[field]
    ? el('p', { class: 'warning field-problem', 'data-field': field }, problems[field]) : null);

  function input(f) {
    const id = `reg-${f.name}`;
    const value = values[f.name] ?? '';
    let node;
    if (f.type === 'select') {
      node = el('select', { id }, [f.required ? null : el('option', { value: '' }, '—'),
        ...f.options.map((o) => el('option', { value: o, selected: o === value }, tv(o)))]);
    } else {
      const type = f.type === 'date' ? 'date' : f.type === 'text' ? 'text' : 'number';
      node = el('input', { id, type, value, placeholder: f.placeholder ?? null, step: f.type === 'number' ? 'any' : null,
        autocomplete: 'off' });
    }
    node.addEventListener('input', () => { values[f.name] = node.value; });
    node.addEventListener('change', () => { values[f.name] = node.value; });
    return el('div', { class: 'reg-field' }, [
      el('label', { for: id }, [label(f.name), f.required ? el('span', { class: 'required' }, ' *') : null]),
      node,
      f.hint ? el('p', { class: 'v-note' }, t(f.hint)) : null,
      problemLine(f.name),
    ]);
  }

  function placeInput(form) {
    if (form.geometry === 'none') return null;
    const point = form.geometry === 'point';
    const node = el(point ? 'input' : 'textarea', { id: 'reg-geometry', rows: point ? null : 5, type: point ? 'text' : null,
      placeholder: point ? '110.7790,35.1420' : '110.7000,35.1000\n110.7015,35.1000\n110.7015,35.1013' });
    node.value = place;
    node.addEventListener('input', () => {
      place = node.value;
      drawDraft();
    });
    const pick = el('button', { type: 'button', id: 'register-pick', class: picking ? 'v-button primary' : 'v-button',
      'aria-pressed': String(picking) }, picking ? t('reg_picking') : t(point ? 'reg_pick_point' : 'reg_pick_corners'));
    pick.addEventListener('click', () => {
      picking = !picking;
      render();
    });
    return el('div', { class: 'reg-field' }, [
      el('label', { for: 'reg-geometry' }, [t(point ? 'reg_position' : 'reg_corners'), el('span', { class: 'required' }, ' *')]),
      node, el('div', { class: 'reg-pick' }, pick),
      el('p', { class: 'v-note' }, t(point ? 'reg_position_hint' : 'reg_corners_hint')),
      problemLine('geometry'),
    ]);
  }

  async function submit(form) {
    const asked = registerBody(form, values, place);
    result = null;
    if (asked.problems) {
      problems = Object.fromEntries(Object.entries(asked.problems).map(([f, key]) => [f, t(key)]));
      message = t('reg_fix');
      return render();
    }
    sending = true;
    problems = {};
    message = '';
    render();
    try {
      const res = await fetch(new URL(`api/layers/${form.layer}/features`, document.baseURI), {
        method: 'POST', headers: { ...authHeaders(), 'content-type': 'application/json' }, body: JSON.stringify(asked.body),
      });
      const answer = await res.json().catch(() => null);
      if (!res.ok) {
        problems = res.status === 400 ? problemsByField(answer, form.fields.map((f) => f.name)) : {};
        message = answer?.error ?? `HTTP ${res.status}`;
      } else {
        result = writtenOf(answer);
        values = initialValues(form);
        place = '';
        picking = false;
        onWritten(form.layer);
      }
    } catch (err) {
      message = err.message;
    }
    sending = false;
    render();
  }

  /** The corners typed or picked so far, drawn on the map (a line through them, closed from three on). */
  function drawDraft() {
    if (!map) return;
    const form = layer && formOf(layer);
    const corners = open && form?.geometry === 'polygon' ? place.split('\n').map(parsePoint).filter(Boolean) : [];
    const ring = corners.length >= 3 ? [...corners, corners[0]] : corners;
    const data = { type: 'FeatureCollection', features: [
      ...(ring.length >= 2 ? [{ type: 'Feature', geometry: { type: 'LineString', coordinates: ring }, properties: {} }] : []),
      ...corners.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: {} })),
    ] };
    try {
      const source = map.getSource(DRAFT);
      if (source) return source.setData(data);
      if (!corners.length) return undefined;
      map.addSource(DRAFT, { type: 'geojson', data });
      map.addLayer({ id: `${DRAFT}:line`, type: 'line', source: DRAFT, filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': '#d81b60', 'line-width': 2, 'line-dasharray': [2, 1] } });
      map.addLayer({ id: `${DRAFT}:corners`, type: 'circle', source: DRAFT, filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 4, 'circle-color': '#d81b60', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } });
    } catch (err) {
      console.warn('the corners could not be drawn:', err);
    }
    return undefined;
  }

  function render() {
    drawDraft();
    const forms = writable();
    button.hidden = forms.length === 0;
    if (!forms.length) open = false;
    button.setAttribute('aria-expanded', String(open));
    root.hidden = !open;
    if (!open) return;
    if (!forms.some((f) => f.layer === layer)) choose(forms[0].layer);
    const form = formOf(layer);
    const tabs = el('div', { class: 'reg-tabs', role: 'tablist' }, forms.map((f) => {
      const tab = el('button', { type: 'button', role: 'tab', id: `register-tab-${f.layer}`, 'aria-selected': String(f.layer === layer),
        class: f.layer === layer ? 'v-button primary' : 'v-button' }, t(f.title));
      tab.addEventListener('click', () => {
        choose(f.layer);
        render();
      });
      return tab;
    }));
    const submitButton = el('button', { type: 'submit', id: 'register-submit', class: 'v-button primary', disabled: sending },
      sending ? t('reg_sending') : t('reg_submit'));
    const formNode = el('form', { class: 'reg-form', 'data-layer': form.layer, novalidate: true }, [
      layerTitle(form.layer) !== form.layer ? el('p', { class: 'muted' }, t('reg_into', layerTitle(form.layer))) : null,
      ...form.fields.map(input), placeInput(form), problemLine('_'), submitButton,
    ]);
    formNode.addEventListener('submit', (e) => {
      e.preventDefault();
      submit(form);
    });
    const parts = [tabs, formNode];
    if (message) parts.push(el('p', { class: 'warning auth-message', role: 'status' }, message));
    if (result) {
      parts.push(el('div', { id: 'register-result', class: 'reg-result', role: 'status' }, [
        el('p', {}, t('reg_saved', result.id)),
        ...result.warnings.map((w) => el('p', { class: 'warning register-warning' }, isEn() ? w.en : w.zh)),
      ]));
    }
    body.replaceChildren(...parts);
  }

  button.addEventListener('click', () => {
    open = !open;
    render();
  });
  root.querySelector('.close').addEventListener('click', () => {
    open = false;
    picking = false;
    render();
  });
  onAuthChange(() => {
    layer = null;
    render();
  });
  render();
  return { render, isOpen: () => open, isPicking: () => open && picking };
}
