// The offline queue of origin-point records (issue 16), pure: what an entry is, which
// entry is due, and what an answer of the server makes of it. Entries live in
// IndexedDB (store.js); view.js sends them. States (the words the page shows):
//   pending  待发送  waiting to be sent (offline, server unreachable, not signed in);
//   sending  发送中  a request is under way;
//   invalid  需修改  the server refused it (a 400's problems): corrected in the form;
//   saved    已保存  stored (its photos uploaded, or given up on with a note).
// Every entry has an Idempotency-Key made once when it is queued (and a new one when it
// is corrected, which makes a new request), so a resend after a lost answer is stored
// once. Its photos have keys of their own.

export const STATES = ['pending', 'sending', 'invalid', 'saved'];

/** Seconds before the n-th retry (n ≥ 1): 2, 4, 8 … at most 300, plus up to 20 % jitter from `random`. */
export function backoffMs(attempts, random = Math.random) {
  const base = Math.min(300, 2 ** Math.max(1, attempts)) * 1000;
  return Math.round(base * (1 + 0.2 * random()));
}

/**
 * A new entry for `body` (the JSON of POST api/trace/records) with the form's `values`
 * (to correct it later) and `photos` (`[{blob, type}]`, JPEG after downscaling).
 * `makeKey()` gives a fresh unique key (crypto.randomUUID in the page); `key`, when
 * given, is the key a first attempt was already sent with (its answer never came).
 */
export function newEntry({ body, values = null, photos = [], now, makeKey, key = makeKey() }) {
  return {
    id: key,
    key,
    created: now,
    body,
    values,
    photos: photos.map((p) => ({ key: p.key ?? makeKey(), blob: p.blob, type: p.type ?? 'image/jpeg', done: false })),
    state: 'pending',
    attempts: 0,
    nextTry: now,
    problems: [],
    message: '',
    recordId: null,
  };
}

/** The entry corrected in the form: a new request (new key), sent at once. */
export function corrected(entry, { body, values, now, makeKey }) {
  return { ...entry, key: makeKey(), body, values, state: 'pending', attempts: 0, nextTry: now, problems: [], message: '' };
}

/** Whether `entry` should be sent now: pending and due, or stored with photos left to upload. */
export function isDue(entry, now) {
  if (entry.state === 'pending') return entry.nextTry <= now;
  if (entry.state === 'saved') return entry.recordId != null && photosLeft(entry) > 0 && entry.nextTry <= now;
  return false;
}

/** The entries to send now, oldest first. */
export function dueEntries(entries, now) {
  return entries.filter((e) => isDue(e, now)).sort((a, b) => a.created - b.created);
}

/** Photos of `entry` not yet uploaded. */
export const photosLeft = (entry) => entry.photos.filter((p) => !p.done).length;

/** The entry while its record request is under way. */
export const sending = (entry) => ({ ...entry, state: 'sending' });

/** Back to pending after a failure that may pass (network, 5xx, 429, not signed in): retried with backoff. */
function retry(entry, now, message, random) {
  const attempts = entry.attempts + 1;
  return { ...entry, state: entry.recordId != null ? 'saved' : 'pending', attempts, nextTry: now + backoffMs(attempts, random), message };
}

/**
 * What the answer to the record's POST makes of the entry. `answer` is
 * `{ok, status, answer, error}` (ui/api.js `send`), or `{network: true, error}` when the
 * server could not be reached.
 *   2xx → saved (its photos next); 400 with problems → invalid (back to the form);
 *   network, 401, 403, 408, 429, 5xx → pending, retried with backoff (401/403 once
 *   signed in as agriculture staff); any other 4xx → invalid with the server's message.
 */
export function afterRecordAnswer(entry, answer, now, random = Math.random) {
  if (answer.network) return retry(entry, now, answer.error ?? 'offline', random);
  const { ok, status } = answer;
  if (ok && answer.answer?.id != null) {
    return { ...entry, state: 'saved', recordId: answer.answer.id, attempts: 0, nextTry: now, problems: [], message: '' };
  }
  if (status === 400 && Array.isArray(answer.answer?.problems)) {
    return { ...entry, state: 'invalid', problems: answer.answer.problems, message: answer.error ?? '' };
  }
  if ([401, 403, 408, 429].includes(status) || status >= 500) return retry(entry, now, answer.error ?? `HTTP ${status}`, random);
  return { ...entry, state: 'invalid', problems: [], message: answer.error ?? `HTTP ${status}` };
}

/**
 * What the answer to one photo's upload makes of the entry: 2xx → that photo done;
 * network, 401, 403, 408, 429, 5xx → retried later; another 4xx (413, 415: the photo
 * cannot be stored) → given up on, noted in the message.
 */
export function afterPhotoAnswer(entry, photoKey, answer, now, random = Math.random) {
  const mark = (extra) => ({ ...entry, photos: entry.photos.map((p) => (p.key === photoKey ? { ...p, ...extra } : p)) });
  if (!answer.network && answer.ok) return { ...mark({ done: true }), attempts: 0, message: '' };
  if (answer.network || [401, 403, 408, 429].includes(answer.status) || answer.status >= 500) {
    return retry(entry, now, answer.error ?? 'offline', random);
  }
  return { ...mark({ done: true, failed: answer.error ?? `HTTP ${answer.status}` }), message: answer.error ?? '' };
}

/** After an interruption (the app closed while sending): a `sending` entry is pending again. */
export const resumed = (entry) => (entry.state === 'sending' ? { ...entry, state: 'pending' } : entry);

/** Counts by state, for the queue's summary line. */
export function counts(entries) {
  const out = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const e of entries) out[e.state] += 1;
  return out;
}
