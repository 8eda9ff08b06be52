// ISO weeks (web/src/lib/iso-week.js): the weeks around New Year, 53-week years, the
// spellings of a week, moving by weeks. Compared with the server's ledger in
// tests/browser/client-rules.test.mjs.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addDays, isoWeekOf, mondayOf, normaliseWeek, shiftWeek, weekRange } from '../src/lib/iso-week.js';

test('the week of a date: the Thursday decides the year', () => {
  const cases = {
    '2023-06-12': '2023-W24', '2023-06-18': '2023-W24', '2023-06-19': '2023-W25',
    '2021-01-03': '2020-W53', '2021-01-04': '2021-W01', '2020-12-31': '2020-W53',
    '2019-12-30': '2020-W01', '2024-12-30': '2025-W01', '2026-12-31': '2026-W53', '2027-01-03': '2026-W53',
    '2000-02-29': '2000-W09', '0001-01-01': '0001-W01',
  };
  for (const [date, week] of Object.entries(cases)) assert.equal(isoWeekOf(date), week, date);
});

test('the Monday of a week, null when the week does not exist', () => {
  assert.equal(mondayOf('2023-W24'), '2023-06-12');
  assert.equal(mondayOf('2020-W53'), '2020-12-28');
  assert.equal(mondayOf('2026-W53'), '2026-12-28');
  assert.equal(mondayOf('2025-W01'), '2024-12-30');
  assert.equal(mondayOf('0050-W10'), '0050-03-07', 'years below 100 are not read as 19xx');
  for (const week of ['2021-W53', '2023-W00', '2023-W54', '0000-W01', '2023-24', 'W24', '23-W24', '2023-W024', '', null, undefined]) {
    assert.equal(mondayOf(week), null, String(week));
  }
});

test('the spellings of a week, as the picker shows them', () => {
  for (const week of ['2023-W24', '2023W24', '2023-w24', ' 2023-W24 ']) assert.equal(normaliseWeek(week), '2023-W24', week);
  assert.equal(normaliseWeek('2023-W5'), '2023-W05');
  assert.equal(normaliseWeek('2021-W53'), null);
});

test('moving by weeks crosses years; a non-week stays as it is', () => {
  assert.equal(shiftWeek('2020-W53', 1), '2021-W01');
  assert.equal(shiftWeek('2021-W01', -1), '2020-W53');
  assert.equal(shiftWeek('2023-W52', 1), '2024-W01');
  assert.equal(shiftWeek('2023-W24', -52), '2022-W24');
  assert.equal(shiftWeek('nonsense', 1), 'nonsense');
});

test('a week\'s days and its report day (the Tuesday after it)', () => {
  assert.deepEqual(weekRange('2023-W24'), { from: '2023-06-12', to: '2023-06-18', report: '2023-06-20' });
  assert.deepEqual(weekRange('2020-W53'), { from: '2020-12-28', to: '2021-01-03', report: '2021-01-05' });
  assert.equal(weekRange('2021-W53'), null);
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2023-03-01', -1), '2023-02-28');
});
