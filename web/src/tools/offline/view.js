// Offline field collection (issue 16), the page's side: the service worker's
// registration, the queue of records saved without network (kept in IndexedDB,
// store.js; the rules of an entry in state.js) and its sending — on start, on the
// `online` event and on a timer with backoff — through the same POST api/trace/records
// as an online save, each with its Idempotency-Key; the photos of a record (camera,
// downscaled to ≤ 1600 px JPEG) uploaded after it; the phone's GPS position.

import { colon, t } from '../../lib/i18n.js';
import { el } from '../../ui/dom.js';
import { keptToken } from '../auth/state.js';
import { afterPhotoAnswer, afterRecordAnswer, corrected, counts, dueEntries, newEntry, resumed, sending } from './state.js';
import { allEntries, deleteEntry, putEntry } from './store.js';

const MAX_SIDE = 1600;
export const makeKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
const url = (path) => new URL(path, document.baseURI);

/** Registers dist/sw.js (the app shell offline); nothing in the dev server, which has none. */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env?.DEV) return;
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}

/** Whether `err` (from fetch) means the server could not be reached. */
export const isNetworkError = (err) => err instanceof TypeError;

function headers(extra = {}) {
  const token = keptToken();
  return { ...extra, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

/** A request as `send` answers it, or `{network: true}` when the server cannot be reached. */
async function request(path, { method, body, contentType, key }) {
  try {
    const res = await fetch(url(path), { method, body, headers: headers({ 'content-type': contentType, 'Idempotency-Key': key }) });
    let answer = null;
    try {
      answer = await res.json();
    } catch {
      // not JSON
    }
    return { ok: res.ok, status: res.status, answer, error: answer?.error ?? `HTTP ${res.status}` };
  } catch (err) {
    return { network: true, error: err.message };
  }
}

/** POST api/trace/records with `key`: as `send` answers, or `{network: true}`. */
export const postRecord = (payload, key) => request('api/trace/records', { method: 'POST', body: JSON.stringify(payload),
  contentType: 'application/json', key });

/** Uploads `photos` (`[{blob, type, key}]`) to record `id`; the answers in order. */
export async function uploadPhotos(id, photos) {
  const out = [];
  for (const p of photos) {
    out.push(await request(`api/trace/records/${id}/photos`, { method: 'POST', body: p.blob, contentType: p.type, key: p.key ?? makeKey() }));
  }
  return out;
}

/**
 * The stored photos of record `id` (agriculture staff and admins: the server refuses
 * others), loaded into `img`s from blobs (an `img` cannot send the token). An element
 * that fills itself; empty when there are none or they may not be seen.
 */
export function photoGallery(id) {
  const root = el('div', { id: 'trace-photos', class: 'off-gallery', 'data-state': 'loading' });
  (async () => {
    try {
      const res = await fetch(url(`api/trace/records/${id}/photos`), { headers: headers() });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { photos } = await res.json();
      for (const p of photos) {
        const r = await fetch(url(p.url), { headers: headers() });
        if (!r.ok) continue;
        const src = URL.createObjectURL(await r.blob());
        const remove = el('button', { type: 'button', class: 'v-button small off-photo-delete', 'data-photo-id': String(p.id) }, t('off_photo_delete'));
        const item = el('figure', { class: 'off-photo' }, [
          el('a', { href: src, target: '_blank', rel: 'noopener', class: 'off-thumb' },
            el('img', { src, alt: t('off_photos_title'), 'data-photo-id': String(p.id) })),
          remove,
        ]);
        remove.addEventListener('click', async () => {
          remove.disabled = true;
          const res = await fetch(url(p.url), { method: 'DELETE', headers: headers({ 'Idempotency-Key': makeKey() }) }).catch(() => null);
          if (res?.ok) {
            item.remove();
            URL.revokeObjectURL(src);
            root.dataset.count = String(root.querySelectorAll('.off-photo').length);
          } else {
            remove.disabled = false;
          }
        });
        root.append(item);
      }
      root.dataset.state = 'ready';
      root.dataset.count = String(photos.length);
    } catch {
      root.dataset.state = 'error';
    }
  })();
  return root;
}

/** A photo file downscaled to at most 1600 px on its longer side, as JPEG: `{blob, type}`. */
export async function downscale(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close?.();
  const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/jpeg', 0.85));
  return { blob, type: 'image/jpeg' };
}

/** The phone's position (WGS84): resolves `{lng, lat, accuracy}` (metres), rejects with the browser's error. */
export function currentPosition() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error(t('off_no_gps')));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      (e) => reject(new Error(e.message || t('off_no_gps'))),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 10_000 },
    );
  });
}

/**
 * The queue: `{enqueue({body, values, photos}), correct(id, body, values), flush(), view(), subscribe(fn)}`.
 * `onCorrect(entry)` puts an entry the server refused back into the form; `onStored()`
 * is told when a queued record was stored (to fetch the origin points again).
 */
export function offlineQueue({ onCorrect, onStored }) {
  let entries = [];
  let busy = false;
  let timer = null;
  const listeners = [];
  const notify = () => listeners.forEach((fn) => fn());

  async function load() {
    try {
      entries = (await allEntries()).map(resumed);
    } catch {
      entries = [];
    }
    notify();
  }

  async function save(entry) {
    entries = entries.some((e) => e.id === entry.id) ? entries.map((e) => (e.id === entry.id ? entry : e)) : [...entries, entry];
    await putEntry(entry);
    notify();
  }

  async function sendOne(entry) {
    let e = entry;
    if (e.state === 'pending') {
      await save((e = sending(e)));
      e = afterRecordAnswer(e, await request('api/trace/records', { method: 'POST', body: JSON.stringify(e.body),
        contentType: 'application/json', key: e.key }), Date.now());
      await save(e);
      if (e.state === 'saved') onStored?.();
    }
    while (e.state === 'saved' && e.recordId != null && e.photos.some((p) => !p.done) && e.nextTry <= Date.now()) {
      const p = e.photos.find((x) => !x.done);
      const [answer] = await uploadPhotos(e.recordId, [p]);
      e = afterPhotoAnswer(e, p.key, answer, Date.now());
      await save(e);
    }
  }

  /** Sends every due entry, one at a time. */
  async function flush() {
    if (busy) return;
    busy = true;
    try {
      for (const e of dueEntries(entries, Date.now())) {
        if (navigator.onLine === false) break;
        await sendOne(e);
      }
    } finally {
      busy = false;
      schedule();
    }
  }

  function schedule() {
    clearTimeout(timer);
    const waiting = entries.filter((e) => e.state === 'pending' || (e.state === 'saved' && e.photos.some((p) => !p.done)));
    if (!waiting.length) return;
    const next = Math.min(...waiting.map((e) => e.nextTry));
    timer = setTimeout(flush, Math.max(1000, next - Date.now()));
  }

  window.addEventListener('online', () => flush());
  const ready = load().then(flush);

  return {
    ready,
    subscribe: (fn) => listeners.push(fn),
    entries: () => entries,
    flush,
    async enqueue({ body, values, photos = [], key }) {
      await ready;
      const entry = newEntry({ body, values, photos, now: Date.now(), makeKey, key });
      await save(entry);
      if (navigator.onLine !== false) flush();
      return entry;
    },
    /** A record stored online whose photos could not be uploaded: the queue uploads them. */
    async photosOf(recordId, { body, photos }) {
      await ready;
      const entry = newEntry({ body, photos, now: Date.now(), makeKey });
      await save({ ...entry, state: 'saved', recordId, nextTry: Date.now() + 2000 });
      schedule();
    },
    async correct(id, { body, values }) {
      const entry = entries.find((e) => e.id === id);
      if (!entry) return null;
      const next = corrected(entry, { body, values, now: Date.now(), makeKey });
      await save(next);
      if (navigator.onLine !== false) flush();
      return next;
    },
    async remove(id) {
      entries = entries.filter((e) => e.id !== id);
      await deleteEntry(id);
      notify();
    },
    /** The queue's list (or null when empty): state, subject, 修改 for an entry to correct. */
    view() {
      if (!entries.length) return null;
      const c = counts(entries);
      const items = entries.map((e) => {
        const li = el('li', { class: `off-entry off-${e.state}`, 'data-state': e.state, 'data-key': e.id }, [
          el('span', { class: 'off-state' }, t(`off_state_${e.state}`)),
          ` ${e.body.subject_name ?? ''} · ${e.body.product ?? ''}`,
          e.recordId != null ? el('span', { class: 'muted' }, ` #${e.recordId}`) : null,
          e.photos.length ? el('span', { class: 'muted' }, ` · ${t('off_photos', [e.photos.filter((p) => p.done).length, e.photos.length])}`) : null,
          e.state === 'invalid' && e.problems.length ? el('span', { class: 'v-warning' }, ` ${t('tr_invalid', e.problems.length)}`) : null,
          e.message && e.state !== 'invalid' ? el('span', { class: 'muted' }, ` (${e.message})`) : null,
        ]);
        if (e.state === 'invalid') {
          const fix = el('button', { type: 'button', class: 'v-button small off-fix' }, t('off_fix'));
          fix.addEventListener('click', () => onCorrect(e));
          li.append(' ', fix);
        }
        if (e.state === 'saved' && !e.photos.some((p) => !p.done)) {
          const drop = el('button', { type: 'button', class: 'v-button small off-drop' }, t('off_clear'));
          drop.addEventListener('click', () => this.remove(e.id));
          li.append(' ', drop);
        }
        return li;
      });
      return el('section', { id: 'offline-queue', class: 'off-queue' }, [
        el('h3', { class: 'tb-section' }, t('off_queue_title')),
        el('p', { class: 'muted off-counts' }, ['pending', 'sending', 'invalid', 'saved']
          .map((s) => `${t(`off_state_${s}`)}${colon()}${c[s]}`).join(' · ')),
        el('ul', { class: 'off-list' }, items),
      ]);
    },
  };
}
