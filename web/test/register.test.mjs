// The 登记 forms (web/src/tools/register/state.js): the layers' fields, the checks
// before sending, the FeatureCollection written, corners and positions.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FORMS, checkValues, formOf, initialValues, parseCorners, parsePoint, registerBody, writtenOf } from '../src/tools/register/state.js';

test('three forms, each for a layer with its required fields', () => {
  assert.deepEqual(FORMS.map((f) => [f.layer, f.geometry]),
    [['truck_passes', 'none'], ['expropriation_households', 'none'], ['sponge_projects', 'polygon']]);
  const pass = formOf('truck_passes');
  assert.deepEqual(pass.fields.filter((f) => f.required).map((f) => f.name),
    ['plate', 'valid_from', 'valid_to', 'windows', 'area', 'pass_source', 'accuracy']);
  assert.deepEqual(formOf('sponge_projects').fields.find((f) => f.name === 'project_type').options, ['新建', '改建', '扩建']);
  const start = initialValues(pass);
  assert.equal(start.area, '全区域');
  assert.equal(start.pass_source, '纸质');
  assert.equal(start.accuracy, 'official');
  assert.equal(start.plate, '');
});

test('a truck pass becomes one feature without geometry; empty optional fields are left out', () => {
  const pass = formOf('truck_passes');
  const values = { ...initialValues(pass), plate: ' 晋M·A1234 ', valid_from: '2026-01-01', valid_to: '2026-12-31', windows: '22:00-06:00' };
  const { body } = registerBody(pass, values, '');
  assert.deepEqual(body, { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: {
    plate: '晋M·A1234', valid_from: '2026-01-01', valid_to: '2026-12-31', windows: '22:00-06:00', area: '全区域',
    pass_source: '纸质', accuracy: 'official' } }] });
  assert.deepEqual(registerBody(pass, initialValues(pass), '').problems,
    { plate: 'reg_required', valid_from: 'reg_required', valid_to: 'reg_required', windows: 'reg_required' });
});

test('a household is an attribute record; numbers are numbers', () => {
  const form = formOf('expropriation_households');
  const values = { ...initialValues(form), household_no: 'H-01', owner_name: '某某', storeys: '2', building_area_m2: '120.5' };
  const f = registerBody(form, values, '110.7793, 35.1420').body.features[0];
  assert.equal(f.geometry, null, 'the layer has no geometry: a typed place is not sent');
  assert.equal(f.properties.storeys, 2);
  assert.equal(f.properties.building_area_m2, 120.5);
  assert.equal(f.properties.decision_no, '临政发〔2023〕10号');
  assert.deepEqual(checkValues(form, { ...values, storeys: '2.5', building_area_m2: 'abc' }),
    { storeys: 'reg_not_integer', building_area_m2: 'reg_not_number' });
  // A point form (none today) would need a place: the reader of one.
  assert.deepEqual(parsePoint('110.7 35.1'), [110.7, 35.1]);
  assert.equal(parsePoint('200,35'), null);
  assert.equal(parsePoint(''), null);
});

test('a sponge project area: corners closed for the user, at least three distinct', () => {
  assert.deepEqual(parseCorners('110.70,35.10\n110.7015 35.10\n110.7015，35.1013'),
    { ring: [[110.7, 35.1], [110.7015, 35.1], [110.7015, 35.1013], [110.7, 35.1]] });
  assert.deepEqual(parseCorners('1,1\n2,2\n3,3\n1,1').ring.length, 4, 'already closed: not closed twice');
  assert.equal(parseCorners('1,1\n2,2\n1,1').error, 'reg_corners_few');
  assert.equal(parseCorners('1,1\n2,x\n3,3').error, 'reg_corner_bad');
  assert.equal(parseCorners('').error, 'reg_corners_few');
  const form = formOf('sponge_projects');
  const { body } = registerBody(form, { ...initialValues(form), name: '示例公园', project_type: '新建' }, '1,1\n2,1\n2,2');
  assert.equal(body.features[0].geometry.type, 'Polygon');
  assert.equal(body.features[0].properties.project_type, '新建');
  assert.equal(body.features[0].properties.status, undefined);
});

test('a written answer: the id and the warnings', () => {
  assert.deepEqual(writtenOf({ ids: [7], warnings: [{ feature: 1, zh: '不起作用', en: 'changes nothing' }] }),
    { id: 7, warnings: [{ feature: 1, zh: '不起作用', en: 'changes nothing' }] });
  assert.deepEqual(writtenOf({ ids: [8] }), { id: 8, warnings: [] });
});
