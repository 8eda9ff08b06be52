// The offline queue's storage: one IndexedDB object store of entries (state.js) keyed
// by their Idempotency-Key's entry id, through the `idb` wrapper. Photos are kept as
// Blobs in their entry. Nothing is lost when the app is closed: every change of an
// entry is written before the next request.

import { openDB } from 'idb';

const DB = 'landtrace-offline';
const STORE = 'records';

let db = null;
const open = () => (db ??= openDB(DB, 1, {
  upgrade(d) {
    d.createObjectStore(STORE, { keyPath: 'id' });
  },
}));

/** Every entry, oldest first. */
export async function allEntries() {
  const all = await (await open()).getAll(STORE);
  return all.sort((a, b) => a.created - b.created);
}

/** Writes `entry` (its `id` is stable across corrections, unlike its key). */
export async function putEntry(entry) {
  await (await open()).put(STORE, entry);
}

/** Removes entry `id`. */
export async function deleteEntry(id) {
  await (await open()).delete(STORE, id);
}
