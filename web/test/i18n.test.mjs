// UI strings and the language switch (web/src/lib/i18n.js), in Node: Chinese first.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { colon, fieldLabel, getLang, isEn, labelled, layerTitle, onLangChange, paren, roleName, setLang, t, tv } from '../src/lib/i18n.js';

afterEach(() => setLang('zh'));

test('Chinese first, English on request; listeners hear the switch once', () => {
  assert.equal(getLang(), 'zh');
  assert.equal(t('close'), '关闭');
  const heard = [];
  onLangChange((lang) => heard.push(lang));
  setLang('en');
  setLang('en');
  assert.deepEqual(heard, ['en']);
  assert.ok(isEn());
  assert.equal(t('close'), 'Close');
});

test('strings with arguments, unknown keys, data values', () => {
  assert.equal(t('grade_n', 2), '二级');
  assert.equal(t('tb_penalty', { fine_yuan: 200, points: 1 }), '罚款200元、记1分');
  assert.equal(t('no_such_key'), 'no_such_key');
  assert.equal(tv('illustrative'), '示例（虚构）');
  assert.equal(tv(3), '3');
  setLang('en');
  assert.equal(t('grade_n', 2), 'Grade 2');
  assert.equal(t('tb_penalty', { fine_yuan: 200, points: 1 }), 'fine 200 yuan, 1 point');
  assert.notEqual(tv('家庭农场'), '家庭农场', 'data values are translated');
});

test('colons, brackets, labelled errors, role names, layer and field labels', () => {
  assert.equal(colon(), '：');
  assert.equal(paren('60 亩'), '（60 亩）');
  assert.equal(labelled('tb_failed', 'HTTP 500'), `${t('tb_failed')}：HTTP 500`);
  assert.equal(roleName('nobody-knows'), 'nobody-knows');
  assert.equal(roleName('admin'), t('role_admin'));
  assert.equal(layerTitle('no_such_layer'), 'no_such_layer');
  const zh = layerTitle('origin_points');
  setLang('en');
  assert.equal(colon(), ': ');
  assert.equal(paren('60 mu'), ' (60 mu)');
  assert.notEqual(layerTitle('origin_points'), zh);
  assert.equal(fieldLabel('no_such_field'), 'no_such_field');
});
