// CSV files the map client writes (the valuation answer, the collection-form template),
// as spreadsheets read them: UTF-8 with a BOM, CRLF lines, quoted cells where needed,
// and no cell that a spreadsheet would run as a formula. Pure (no DOM), so Node tests
// it: tests/browser/csv-cells.test.mjs.
//
// A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
// spreadsheet ("CSV injection"); it gets a `'` in front, as OWASP recommends. A plain
// number (`-2`, `+3`, `-0.5`) is data and stays as it is. The server's CSV files follow
// the same rule (crates/domain/src/spreadsheet_cell.rs).

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `text`, with a `'` in front when a spreadsheet would read it as a formula. */
export const formulaSafe = (text) => (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text);

/** One CSV cell: formula-safe, quoted when it holds a quote, comma or line break. */
export const csvCell = (v) => {
  const s = formulaSafe(v == null ? '' : String(v));
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** CSV text of `rows` (arrays of cells) with a BOM and CRLF lines, as spreadsheets read it. */
export const toCsv = (rows) => `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
