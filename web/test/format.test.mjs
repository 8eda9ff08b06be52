// Numbers, money and small text pieces (web/src/lib/format.js) and bounding boxes
// (web/src/lib/geo.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { changeText, fixed, fmtYuan, minutes, num, present, whole, withCode } from '../src/lib/format.js';
import { coordsBox, emptyBox, extendBox } from '../src/lib/geo.js';

test('yuan amounts of the server are grouped, fen kept when not zero', () => {
  assert.equal(fmtYuan('6642609.00'), '6,642,609');
  assert.equal(fmtYuan('6642609.50'), '6,642,609.50');
  assert.equal(fmtYuan('969000'), '969,000');
  assert.equal(fmtYuan('12.00'), '12');
  assert.equal(fmtYuan('0.05'), '0.05');
});

test('numbers with fixed and ranged decimals, thousands separated', () => {
  assert.equal(fixed(40442.0612, 2), '40,442.06');
  assert.equal(fixed(60.66312, 4), '60.6631');
  assert.equal(fixed(3, 2), '3.00');
  assert.equal(num(0.655, 2, 4), '0.655');
  assert.equal(num(1234.5), '1,234.5');
  assert.equal(num(80, 0), '80');
  assert.equal(num(null), '—');
  assert.equal(num('x'), '—');
  assert.equal(whole(1234.5), '1,235');
  assert.equal(minutes(90_000), '1.5');
  assert.equal(minutes(0), '0.0');
});

test('week-on-week changes, codes next to names, given values', () => {
  assert.equal(changeText(0, '无变化'), '无变化');
  assert.equal(changeText(2, '='), '+2');
  assert.equal(changeText(-3, '='), '−3', 'a minus sign, not a hyphen');
  assert.equal(withCode('猗氏镇', '140821100'), '猗氏镇（140821100）');
  assert.equal(withCode('猗氏镇', ''), '猗氏镇');
  assert.equal(withCode(null, '140821100'), '140821100');
  assert.deepEqual([0, '0', false, '', null, undefined].map(present), [true, true, true, false, false, false]);
});

test('bounding boxes of nested coordinates', () => {
  assert.deepEqual(coordsBox([[[110.7, 35.1], [110.9, 35.0], [110.8, 35.3]]]), [110.7, 35.0, 110.9, 35.3]);
  assert.deepEqual(coordsBox([110.7, 35.1]), [110.7, 35.1, 110.7, 35.1]);
  assert.equal(coordsBox([]), null);
  const box = extendBox(emptyBox(), [[1, 2], [3, -4]]);
  assert.deepEqual(extendBox(box, [[[5, 0]]]), [1, -4, 5, 2]);
});
