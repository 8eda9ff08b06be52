// 溯源采集 › 新增/编辑: the collection form (every field of POST/PUT api/trace/records),
// the position by a map click, a draggable marker or typed (WGS84 or GCJ-02), the
// server's problems next to their fields, the saved record's threshold flag and notes.
// `ctx` is the tool's shared part (view.js); the values and the answers' reading are in
// state.js.

import { Marker } from 'maplibre-gl';
import { colon, labelled, t, tv } from '../../lib/i18n.js';
import { todayShanghai } from '../../lib/time.js';
import { fetchJson, send } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { illustrativeBadge } from '../../ui/panel.js';
import { dueLine, thresholdLine } from '../origin-points/record-card.js';
import { currentPosition, downscale, makeKey, offlineQueue, photoGallery, postRecord, uploadPhotos } from '../offline/view.js';
import {
  PRODUCT_UNITS, SECTIONS, blankRec, blankValues, fieldChoices, fieldLabelText, isFish, positionLngLat, problemsByField,
  recordBody, recordPath, saveOutcome, saveRequest, valuesOfRecord,
} from './state.js';

/** The 新增/编辑 tab: `{render, edit(id), newRecord(carry), updateMarker()}`. */
export function recordTab(ctx) {
  const { state, map, body, requests, onChange } = ctx;
  const { canWrite, options, changed, refresh } = ctx;

  // ----- map: the position marker --------------------------------------------------
  const marker = new Marker({ color: '#2b8a3e', draggable: true });
  marker.on('dragend', () => {
    const { lng, lat } = marker.getLngLat();
    setPosition(lng, lat);
  });

  /** The crosshair and the position marker while the form is open. */
  function updateMarker() {
    const picking = state.open && state.tab === 'record' && canWrite();
    map.getCanvas().style.cursor = picking ? 'crosshair' : '';
    const p = positionLngLat(state.values);
    if (picking && p) marker.setLngLat(p).addTo(map);
    else marker.remove();
  }

  /** A position picked on the map (WGS84). */
  function setPosition(lng, lat) {
    Object.assign(state.values, { lon: lng.toFixed(6), lat: lat.toFixed(6), crs: 'wgs84' });
    for (const [id, v] of [['trace-f-lon', state.values.lon], ['trace-f-lat', state.values.lat], ['trace-f-crs', 'wgs84']]) {
      const input = body.querySelector(`#${id}`);
      if (input) input.value = v;
    }
    clearProblem('position');
    updateMarker();
  }

  map.on('click', (e) => {
    if (!state.open || state.tab !== 'record' || !canWrite() || state.rec.status === 'loading') return;
    setPosition(e.lngLat.lng, e.lngLat.lat);
  });

  // ----- offline: the queue of records saved without network (issue 16) ---------------
  state.photos ??= [];
  const queue = offlineQueue({
    onCorrect(entry) {
      ++requests.rec;
      Object.assign(state, { tab: 'record', values: structuredClone(entry.values), editId: null, original: null, queueId: entry.id });
      Object.assign(state.rec, blankRec(), { status: 'invalid', problems: entry.problems, message: entry.message });
      if (!state.open) ctx.setOpen(true);
      refresh();
    },
    onStored: () => changed(),
  });
  queue.subscribe(() => {
    const pane = ctx.pane('record');
    if (!pane || state.tab !== 'record' || !canWrite()) return;
    const old = pane.querySelector('#offline-queue');
    const next = queue.view();
    if (old && next) old.replaceWith(next);
    else if (old) old.remove();
    else if (next) pane.append(next);
  });

  /** Keeps the form's record in the queue (new, or the correction of a queued one). */
  async function queueRecord(body, key) {
    const values = structuredClone(state.values);
    if (state.queueId) await queue.correct(state.queueId, { body, values });
    else await queue.enqueue({ body, values, photos: state.photos, key });
    state.photos = [];
    state.queueId = null;
    state.values = blankValues(todayShanghai(), state.values);
    Object.assign(state, { editId: null, original: null });
    Object.assign(state.rec, blankRec(), { status: 'queued', message: t('off_queued') });
  }

  // ----- the server ------------------------------------------------------------------
  async function submitRecord() {
    if (!canWrite()) return;
    const mine = ++requests.rec;
    const id = state.editId;
    Object.assign(state.rec, { status: 'saving', message: '', photoMessage: '' });
    renderStatus();
    const payload = recordBody(state.values, state.original);
    // A new record is sent with an Idempotency-Key: when its answer is lost, the queue
    // sends it again with the same key and it is stored once.
    const key = id == null ? makeKey() : null;
    try {
      const answer = id == null && navigator.onLine === false ? { network: true }
        : id == null ? await postRecord(payload, key)
          : await send(saveRequest(id).path, { method: saveRequest(id).method, body: JSON.stringify(payload), contentType: 'application/json' });
      if (answer.network) {
        await queueRecord(payload, key);
      } else {
        if (mine !== requests.rec) return;
        Object.assign(state.rec, saveOutcome(answer, id));
        if (state.rec.status === 'saved') {
          state.editId = answer.answer.id;
          state.original = answer.answer;
          if (state.queueId) await queue.remove(state.queueId);
          state.queueId = null;
          const photos = state.photos;
          state.photos = [];
          const photoKeys = photos.map((p) => ({ ...p, key: makeKey() }));
          const answers = await uploadPhotos(answer.answer.id, photoKeys);
          const unsent = photoKeys.filter((_, i) => answers[i].network);
          const failed = answers.filter((a) => !a.ok && !a.network);
          // Photos the network lost go to the queue (uploaded when it returns).
          if (unsent.length) await queue.photosOf(answer.answer.id, { body: payload, photos: unsent });
          if (failed.length) state.rec.photoMessage = t('off_photos_failed', [failed.length, failed[0].error]);
          changed();
        }
      }
    } catch (err) {
      if (mine !== requests.rec) return;
      Object.assign(state.rec, { status: 'error', problems: [], message: labelled('tr_save_failed', err.message) });
    }
    renderRecordTab();
    if (state.rec.status === 'saved') body.scrollTop = 0;
    else {
      const first = body.querySelector('#trace-form .tf.has-problem');
      (first ?? body.querySelector('.tr-summary'))?.scrollIntoView({ block: first ? 'center' : 'nearest' });
      first?.querySelector('input, select')?.focus({ preventScroll: true });
    }
    onChange?.();
  }

  /** Loads record `id` into the form (GET returns the personal fields to writers). */
  async function editRecord(id) {
    state.tab = 'record';
    if (!state.open) ctx.setOpen(true);
    const mine = ++requests.rec;
    Object.assign(state.rec, { status: 'loading', problems: [], message: '', saved: null });
    refresh();
    try {
      const f = await fetchJson(recordPath(id));
      if (mine !== requests.rec) return;
      Object.assign(state, { values: valuesOfRecord(f, todayShanghai()), editId: f.id, original: f });
      Object.assign(state.rec, { status: 'editing' });
      if (f.geometry?.coordinates) {
        map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 14), duration: 500 });
      }
    } catch (err) {
      if (mine !== requests.rec) return;
      Object.assign(state.rec, { status: 'error', message: labelled('record_failed', err.message) });
    }
    refresh();
  }

  function newRecord(carry = false) {
    ++requests.rec;
    state.values = blankValues(todayShanghai(), carry ? state.values : {});
    Object.assign(state, { editId: null, original: null, queueId: null, photos: [] });
    Object.assign(state.rec, blankRec());
    refresh();
  }

  // ----- rendering ---------------------------------------------------------------------
  /** 获取当前位置: the phone's GPS position (WGS84) with its accuracy in metres. */
  function gpsRow() {
    const status = el('span', { id: 'trace-gps-status', class: 'muted', role: 'status' });
    const button = el('button', { type: 'button', id: 'trace-gps', class: 'v-button small' }, t('off_gps'));
    button.addEventListener('click', async () => {
      status.textContent = t('off_gps_waiting');
      try {
        const p = await currentPosition();
        setPosition(p.lng, p.lat);
        status.textContent = t('off_gps_accuracy', Math.round(p.accuracy));
        map.easeTo({ center: [p.lng, p.lat], zoom: Math.max(map.getZoom(), 15), duration: 500 });
      } catch (err) {
        status.textContent = `${t('off_gps_failed')}${colon()}${err.message}`;
      }
    });
    return el('div', { class: 'tf-gps' }, [button, ' ', status]);
  }

  /** 基地照片: taken with the camera, downscaled to ≤ 1600 px JPEG, sent after the record. */
  function photoRow() {
    const input = el('input', { type: 'file', id: 'trace-photo', accept: 'image/*', capture: 'environment', multiple: true });
    const count = el('span', { id: 'trace-photo-count', class: 'muted' }, state.photos.length ? t('off_photos_ready', state.photos.length) : '');
    input.addEventListener('change', async () => {
      for (const file of input.files) {
        try {
          state.photos.push(await downscale(file));
        } catch (err) {
          count.textContent = `${t('off_photo_unreadable')}${colon()}${err.message}`;
        }
      }
      input.value = '';
      count.textContent = t('off_photos_ready', state.photos.length);
    });
    return el('div', { class: 'tf-photos' }, [el('label', { for: 'trace-photo' }, t('off_photo_take')), input, ' ', count]);
  }

  function fieldInput(field, kind) {
    const v = state.values;
    const id = `trace-f-${field}`;
    const o = options();
    const choose = (values, value, blank, label = tv) => {
      const s = el('select', { id, name: field }, [
        blank != null ? el('option', { value: '' }, blank) : null,
        ...values.map((x) => (Array.isArray(x) ? el('option', { value: x[0] }, x[1]) : el('option', { value: x }, label(x)))),
      ]);
      s.value = value ?? '';
      return s;
    };
    let input;
    switch (kind) {
      case 'select': {
        const [values, blankKey] = fieldChoices(o)[field];
        input = choose(values, v[field], t(blankKey));
        if (field === 'township' && !values.length) input.disabled = true;
        input.addEventListener('change', () => {
          v[field] = input.value;
          if (field === 'product' && PRODUCT_UNITS[input.value]) {
            v.scale_unit = PRODUCT_UNITS[input.value];
            const unit = body.querySelector('#trace-f-scale_unit');
            if (unit) unit.value = v.scale_unit;
          }
          if (field === 'product' || field === 'industry') {
            const row = body.querySelector('.tf[data-field="industrialised"]');
            if (row) row.hidden = !isFish(v);
          }
          clearProblem(field);
        });
        return input;
      }
      case 'checkbox': {
        input = el('input', { type: 'checkbox', id, name: field, checked: Boolean(v[field]) });
        input.addEventListener('change', () => { v[field] = input.checked; clearProblem(field); });
        return el('label', { class: 'tf-check' }, [input, ` ${t('tr_industrialised_hint')}`]);
      }
      case 'checks': {
        const items = o.trace_means.map((m, i) => {
          const box = el('input', { type: 'checkbox', id: `${id}-${i}`, name: field, value: m, checked: v.trace_means.includes(m) });
          box.addEventListener('change', () => {
            v.trace_means = o.trace_means.filter((x, j) => (j === i ? box.checked : v.trace_means.includes(x)));
            clearProblem(field);
          });
          return el('label', { class: 'tf-check' }, [box, ` ${tv(m)}`]);
        });
        return el('div', { class: 'tf-checks', id, role: 'group' }, items);
      }
      default: {
        const attrs = { id, name: field, value: v[field] ?? '', autocomplete: 'off' };
        if (kind === 'date') Object.assign(attrs, { type: 'date' });
        else if (kind === 'tel') Object.assign(attrs, { type: 'tel', inputmode: 'tel', placeholder: '138… / 0359-…' });
        else if (kind === 'decimal') Object.assign(attrs, { type: 'text', inputmode: 'decimal', placeholder: t('tr_scale_ph') });
        else Object.assign(attrs, { type: 'text' });
        if (field === 'village') attrs.placeholder = t('tr_village_ph');
        input = el('input', attrs);
        input.addEventListener('input', () => { v[field] = input.value; });
        input.addEventListener('change', () => { v[field] = input.value; clearProblem(field); });
        return input;
      }
    }
  }

  function fieldRow(field, kind, { required = false, wide = false } = {}) {
    const input = fieldInput(field, kind);
    const labelFor = kind === 'checks' ? null : kind === 'checkbox' ? null : `trace-f-${field}`;
    const row = el('div', { class: `tf${wide ? ' wide' : ''}`, 'data-field': field }, [
      el(labelFor ? 'label' : 'span', { class: 'tf-label', for: labelFor }, [fieldLabelText(field), required ? el('span', { class: 'tf-required', 'aria-hidden': 'true' }, ' *') : null]),
      input,
      el('p', { class: 'tf-problem', role: 'alert', hidden: true }),
    ]);
    if (field === 'industrialised') row.hidden = !isFish(state.values);
    return row;
  }

  function positionRow() {
    const v = state.values;
    const coord = (key) => {
      const input = el('input', { id: `trace-f-${key}`, name: key, type: 'text', inputmode: 'decimal', value: v[key], autocomplete: 'off',
        placeholder: key === 'lon' ? '110.77…' : '35.14…', 'aria-label': t(`tr_${key}`) });
      input.addEventListener('input', () => { v[key] = input.value; updateMarker(); });
      input.addEventListener('change', () => { v[key] = input.value; clearProblem('position'); updateMarker(); });
      return input;
    };
    const crs = el('select', { id: 'trace-f-crs', name: 'crs', 'aria-label': t('tr_crs') }, [
      el('option', { value: 'wgs84' }, t('tb_crs_wgs84')), el('option', { value: 'gcj02' }, t('tb_crs_gcj02')),
    ]);
    crs.value = v.crs;
    crs.addEventListener('change', () => { v.crs = crs.value; updateMarker(); });
    return el('div', { class: 'tf wide tf-position', 'data-field': 'position' }, [
      el('span', { class: 'tf-label' }, [t('tr_position'), el('span', { class: 'tf-required', 'aria-hidden': 'true' }, ' *')]),
      el('div', { class: 'tf-coords' }, [
        el('label', { for: 'trace-f-lon', class: 'tf-sub' }, t('tr_lon')), coord('lon'),
        el('label', { for: 'trace-f-lat', class: 'tf-sub' }, t('tr_lat')), coord('lat'),
        crs,
      ]),
      el('p', { class: 'v-hint tf-hint' }, t('tr_position_hint')),
      el('p', { class: 'tf-problem', role: 'alert', hidden: true }),
    ]);
  }

  /**
   * A field with a problem was changed: the problem is greyed out until the next
   * submit (not removed, so the layout does not move under a click on 提交).
   */
  function clearProblem(field) {
    const row = body.querySelector(`#trace-form .tf[data-field="${field}"]`);
    if (!row || !row.classList.contains('has-problem')) return;
    row.classList.replace('has-problem', 'problem-edited');
    row.querySelectorAll('input, select').forEach((i) => i.removeAttribute('aria-invalid'));
  }

  /** Puts the server's problems next to their fields; returns those without a field. */
  function showProblems(form, problems) {
    const { byField, loose } = problemsByField(problems, (field) => form.querySelector(`.tf[data-field="${field}"]`) != null);
    for (const [field, list] of byField) {
      const row = form.querySelector(`.tf[data-field="${field}"]`);
      row.classList.add('has-problem');
      row.hidden = false;
      const p = row.querySelector('.tf-problem');
      p.replaceChildren(...list.flatMap((x, i) => [i ? el('br') : null,
        field === 'position' && x.field !== 'position' ? `${fieldLabelText(x.field)}${colon()}` : null, x.message]).filter((n) => n != null));
      p.hidden = false;
      row.querySelectorAll('input, select').forEach((i) => i.setAttribute('aria-invalid', 'true'));
    }
    return loose;
  }

  function resultView() {
    const f = state.rec.saved;
    const p = f.properties ?? {};
    const mandatory = p.threshold ? String(p.threshold.mandatory) : '';
    const another = el('button', { type: 'button', class: 'v-button small', id: 'trace-new-another' }, t('tr_new_another'));
    another.addEventListener('click', () => newRecord(true));
    const notes = f.notes ?? [];
    return el('div', { id: 'trace-result', class: 'tr-result', role: 'status', 'data-mandatory': mandatory, 'data-record-id': String(f.id) }, [
      el('p', { class: 'tr-saved' }, [el('strong', {}, t(state.rec.created ? 'tr_created' : 'tr_updated', f.id)), ` · ${p.subject_name ?? ''}`,
        p.township_name ? ` · ${p.township_name}${p.village_name ? ` ${p.village_name}` : ''}` : null]),
      thresholdLine(p.threshold),
      dueLine(p.due),
      notes.length ? el('ul', { class: 'v-notes tr-notes' }, notes.map((n) => el('li', {}, n))) : null,
      el('p', { class: 'v-note' }, t('tr_saved_next')),
      another,
    ]);
  }

  function renderStatus() {
    const pane = ctx.pane('record');
    if (!pane) return;
    pane.dataset.state = state.rec.status;
    const submit = pane.querySelector('#trace-submit');
    if (submit) {
      submit.disabled = state.rec.status === 'saving';
      submit.textContent = state.rec.status === 'saving' ? t('tr_saving') : t(state.editId != null ? 'tr_save_changes' : 'tr_submit');
    }
  }

  function renderRecordTab() {
    const pane = ctx.pane('record');
    if (!pane || state.tab !== 'record') return;
    if (!canWrite()) {
      ctx.needSignIn(pane, 'record');
      updateMarker();
      return;
    }
    const rec = state.rec;
    const parts = [];
    const editing = state.editId != null;
    const head = el('div', { class: 'tr-mode' }, [
      el('strong', { class: 'tr-mode-title' }, editing ? t('tr_editing', state.editId) : t('tr_new')),
      editing && state.original?.properties?.subject_name ? el('span', { class: 'muted' }, ` ${state.original.properties.subject_name}`) : null,
    ]);
    if (editing) {
      const fresh = el('button', { type: 'button', class: 'v-button small', id: 'trace-new' }, t('tr_new_blank'));
      fresh.addEventListener('click', () => newRecord());
      head.append(fresh);
    }
    if (editing && state.original?.properties?.accuracy === 'illustrative') head.append(illustrativeBadge());
    parts.push(head);
    if (rec.status === 'loading') {
      parts.push(el('p', { class: 'loading' }, t('loading')));
      pane.dataset.state = rec.status;
      pane.replaceChildren(...parts);
      return;
    }
    if (ctx.optionsFailed() && !(options().townships ?? []).length) parts.push(el('p', { class: 'warning' }, t('tr_no_townships')));

    const form = el('form', { id: 'trace-form', class: 'tr-form', novalidate: true, autocomplete: 'off' });
    const summary = el('div', { class: 'tr-summary' });
    form.append(summary, el('h3', { class: 'tb-section' }, t('tr_sec_position')), el('div', { class: 'tf-grid' }, positionRow()), gpsRow());
    for (const [title, fields] of SECTIONS) {
      form.append(el('h3', { class: 'tb-section' }, t(title)), el('div', { class: 'tf-grid' }, fields.map(([f, kind, o]) => fieldRow(f, kind, o))));
    }
    form.append(el('h3', { class: 'tb-section' }, t('off_photos_title')), ...(editing ? [photoGallery(state.editId)] : []), photoRow());
    const submit = el('button', { type: 'submit', id: 'trace-submit', class: 'v-button primary' });
    form.append(el('p', { class: 'v-note' }, t('tr_required_note')), el('div', { class: 'v-actions' }, submit));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitRecord();
    });
    if (rec.status === 'invalid') {
      const loose = showProblems(form, rec.problems);
      summary.append(el('p', { class: 'v-warning tr-invalid', role: 'alert' }, t('tr_invalid', rec.problems.length)));
      if (loose.length) {
        summary.append(el('ul', { class: 'tr-loose-problems' }, loose.map((p) => el('li', {}, `${fieldLabelText(p.field)}（${p.field}）${colon()}${p.message}`))));
      }
    }
    if (rec.status === 'error') summary.append(el('p', { class: 'warning tr-error', role: 'alert' }, rec.message));
    if (rec.status === 'queued') summary.append(el('p', { class: 'v-note tr-queued', id: 'trace-queued', role: 'status' }, rec.message));
    if (state.queueId && rec.status === 'invalid') summary.append(el('p', { class: 'v-note' }, t('off_correcting')));
    if (rec.photoMessage) summary.append(el('p', { class: 'warning' }, rec.photoMessage));
    if (rec.status === 'saved' && rec.saved) parts.push(resultView());
    parts.push(form);
    const queued = queue.view();
    if (queued) parts.push(queued);
    pane.replaceChildren(...parts);
    renderStatus();
    updateMarker();
  }

  return { render: renderRecordTab, edit: editRecord, newRecord, updateMarker };
}
