// Civil time in Asia/Shanghai (web/src/lib/time.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nowShanghai, shanghaiDateTime, todayShanghai, withShanghaiOffset } from '../src/lib/time.js';

test('today and now are Beijing time, whatever the machine\'s zone', () => {
  // 16:30 UTC is 00:30 the next day in Shanghai.
  assert.equal(todayShanghai(new Date('2023-06-11T16:30:00Z')), '2023-06-12');
  assert.equal(todayShanghai(new Date('2023-06-11T15:59:59Z')), '2023-06-11');
  assert.equal(nowShanghai(new Date('2023-12-31T16:05:00Z')), '2024-01-01T00:05');
  assert.equal(nowShanghai(new Date('2023-06-01T02:00:59Z')), '2023-06-01T10:00');
  assert.match(todayShanghai(), /^\d{4}-\d\d-\d\d$/);
});

test('instants as Beijing date-times, and a datetime-local value as RFC 3339', () => {
  assert.equal(shanghaiDateTime(Date.UTC(2023, 5, 1, 2, 3, 4)), '2023-06-01 10:03:04');
  assert.equal(shanghaiDateTime(Date.UTC(2023, 11, 31, 16, 0, 0)), '2024-01-01 00:00:00');
  assert.equal(withShanghaiOffset('2023-06-01T10:00'), '2023-06-01T10:00:00+08:00');
  assert.equal(withShanghaiOffset('2023-06-01T10:00:30'), '2023-06-01T10:00:30+08:00');
});
