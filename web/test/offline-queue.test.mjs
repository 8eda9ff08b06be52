// The offline queue's state machine (src/tools/offline/state.js): entries, keys,
// backoff, and what each answer of the server makes of an entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  afterPhotoAnswer, afterRecordAnswer, backoffMs, corrected, counts, dueEntries, isDue, newEntry, photosLeft, resumed, sending,
} from '../src/tools/offline/state.js';

let n = 0;
const makeKey = () => `k${++n}`;
const body = { subject_name: '甲农场', product: '苹果', lon: 110.77, lat: 35.14 };
const fresh = (photos = []) => newEntry({ body, values: { subject_name: '甲农场' }, photos, now: 1000, makeKey });

test('a new entry is pending at once with its own key, and its photos have keys of their own', () => {
  const e = fresh([{ blob: 'b1' }, { blob: 'b2', type: 'image/jpeg' }]);
  assert.equal(e.state, 'pending');
  assert.equal(e.id, e.key);
  assert.ok(isDue(e, 1000));
  assert.equal(e.photos.length, 2);
  assert.equal(new Set([e.key, ...e.photos.map((p) => p.key)]).size, 3, 'every key distinct');
  assert.equal(photosLeft(e), 2);
});

test('a first attempt whose answer was lost is queued with the key it was sent with, photos too', () => {
  const e = newEntry({ body, photos: [{ blob: 'x', key: 'photo-sent' }], now: 1, makeKey, key: 'sent-once' });
  assert.equal(e.key, 'sent-once');
  assert.equal(e.photos[0].key, 'photo-sent');
  assert.equal(e.id, 'sent-once');
});

test('a stored record keeps its key and id; a lost answer resent uses the same key', () => {
  const e = sending(fresh());
  assert.equal(e.state, 'sending');
  const lost = afterRecordAnswer(e, { network: true, error: 'Failed to fetch' }, 2000, () => 0);
  assert.equal(lost.state, 'pending');
  assert.equal(lost.key, e.key, 'the resend carries the same Idempotency-Key');
  assert.equal(lost.nextTry, 2000 + backoffMs(1, () => 0));
  assert.ok(!isDue(lost, 2001));
  const saved = afterRecordAnswer(sending(lost), { ok: true, status: 201, answer: { id: 42 } }, 9000);
  assert.deepEqual([saved.state, saved.recordId, saved.key], ['saved', 42, e.key]);
  assert.ok(!isDue(saved, 10_000), 'nothing left to send');
});

test('backoff doubles to at most five minutes, with jitter', () => {
  assert.equal(backoffMs(1, () => 0), 2000);
  assert.equal(backoffMs(2, () => 0), 4000);
  assert.equal(backoffMs(5, () => 0), 32_000);
  assert.equal(backoffMs(20, () => 0), 300_000);
  assert.equal(backoffMs(1, () => 1), 2400);
});

test('a 400 with problems comes back for correction; the correction is a new request', () => {
  const problems = [{ field: 'contact_phone', message: '不是有效的手机号' }];
  const e = afterRecordAnswer(sending(fresh()), { ok: false, status: 400, answer: { problems, error: 'invalid' }, error: 'invalid' }, 2000);
  assert.equal(e.state, 'invalid');
  assert.deepEqual(e.problems, problems);
  assert.ok(!isDue(e, 1e12), 'not sent again as it is');
  const fixed = corrected(e, { body: { ...body, contact_phone: '13912345678' }, values: {}, now: 3000, makeKey });
  assert.equal(fixed.state, 'pending');
  assert.equal(fixed.id, e.id, 'the same entry');
  assert.notEqual(fixed.key, e.key, 'a new Idempotency-Key for the new body');
  assert.deepEqual(fixed.problems, []);
  assert.ok(isDue(fixed, 3000));
});

test('waiting answers are retried, final ones are not', () => {
  for (const status of [401, 403, 408, 429, 500, 503]) {
    const e = afterRecordAnswer(sending(fresh()), { ok: false, status, answer: null, error: `HTTP ${status}` }, 2000, () => 0);
    assert.equal(e.state, 'pending', `${status}`);
    assert.equal(e.attempts, 1);
  }
  for (const status of [409, 413, 422]) {
    const e = afterRecordAnswer(sending(fresh()), { ok: false, status, answer: { error: 'no' }, error: 'no' }, 2000);
    assert.equal(e.state, 'invalid', `${status}`);
    assert.equal(e.message, 'no');
  }
});

test('photos are uploaded after the record, each once, retried or given up on', () => {
  let e = afterRecordAnswer(sending(fresh([{ blob: 'a' }, { blob: 'b' }])), { ok: true, status: 201, answer: { id: 7 } }, 2000);
  assert.ok(isDue(e, 2000), 'photos left to upload');
  const [p1, p2] = e.photos;
  e = afterPhotoAnswer(e, p1.key, { ok: true, status: 201, answer: { id: 1 } }, 2100);
  assert.equal(photosLeft(e), 1);
  const later = afterPhotoAnswer(e, p2.key, { network: true }, 2200, () => 0);
  assert.equal(later.state, 'saved');
  assert.equal(photosLeft(later), 1);
  assert.ok(!isDue(later, 2201) && isDue(later, 2200 + 2000));
  const refused = afterPhotoAnswer(later, p2.key, { ok: false, status: 415, error: 'not a photo' }, 5000);
  assert.equal(photosLeft(refused), 0);
  assert.equal(refused.photos[1].failed, 'not a photo');
  assert.ok(!isDue(refused, 1e12));
});

test('an entry interrupted while sending is pending again; due entries oldest first; counts', () => {
  assert.equal(resumed(sending(fresh())).state, 'pending');
  const a = { ...fresh(), created: 5 };
  const b = { ...fresh(), created: 1 };
  const c = afterRecordAnswer(fresh(), { ok: false, status: 400, answer: { problems: [] } }, 1);
  assert.deepEqual(dueEntries([a, b, c], 1e6).map((e) => e.created), [1, 5]);
  assert.deepEqual(counts([a, b, c, sending(a)]), { pending: 2, sending: 1, invalid: 1, saved: 0 });
});
