// CSV, the one reader and the one writer of the map client. Pure (no DOM): the build
// (vite.config.js, the gazette's price tables and the county's divisions) and the page
// (GPS tracks, lib/track-fixes.js) read with it, and the page writes its CSV files
// (the valuation answer, the collection-form template) with it.
//
// Reading follows the server's track reader (crates/track/src/csv_fixes.rs): one record
// a line, fields split at commas, CSV quoting (`"a,b"`, `"say ""hi"""`) when the line
// has a quote; quoted fields spanning lines are not supported (no file read here has
// them). A UTF-8 BOM, `\r\n` line ends and blank lines are accepted.
//
// Writing is what spreadsheets read: UTF-8 with a BOM, CRLF lines, quoted cells where
// needed, and no cell a spreadsheet would run as a formula ("CSV injection"): a cell
// beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front,
// as OWASP recommends; a plain number (`-2`, `+3`, `-0.5`) is data and stays as it is.
// The server's CSV files follow the same rule (crates/domain/src/spreadsheet_cell.rs).

// ----- reading -------------------------------------------------------------------------

/** The fields of one CSV line. */
export function csvFields(line) {
  if (!line.includes('"')) return line.split(',');
  const out = [];
  let rest = line;
  while (rest != null) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('"')) {
      let value = '';
      let i = 1;
      for (; i < trimmed.length; i++) {
        const c = trimmed[i];
        if (c === '"') {
          if (trimmed[i + 1] === '"') {
            value += '"';
            i++;
          } else break;
        } else value += c;
      }
      out.push(value);
      const after = trimmed.slice(i + 1);
      const comma = after.indexOf(',');
      rest = comma < 0 ? null : after.slice(comma + 1);
    } else {
      const comma = rest.indexOf(',');
      out.push(comma < 0 ? rest : rest.slice(0, comma));
      rest = comma < 0 ? null : rest.slice(comma + 1);
    }
  }
  return out;
}

/**
 * The lines of a CSV text that hold a record: `{line, fields}` with the line number
 * (from 1, as editors count); a BOM, line ends and blank lines are dropped.
 */
export function csvRecords(text) {
  return text.replace(/^\uFEFF/, '').split('\n').map((raw, i) => ({ line: i + 1, raw: raw.replace(/\r+$/, '') }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ line, raw }) => ({ line, fields: csvFields(raw) }));
}

/** The records of a CSV text with a header line, as objects keyed by the header's names. Values stay text. */
export function readCsvTable(text) {
  const [header, ...rows] = csvRecords(text);
  if (!header) return [];
  const keys = header.fields.map((k) => k.trim());
  return rows.map(({ fields }) => Object.fromEntries(keys.map((k, i) => [k, fields[i] ?? ''])));
}

// ----- writing -------------------------------------------------------------------------

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
