// Numbers, money and small text pieces as the panels show them. Pure.

/** Whether a value was given (not null, undefined or ''). */
export const present = (v) => v != null && v !== '';

/** `n` with exactly `digits` decimals and thousands separators: `6642609.5` → `6,642,609.50`. */
export const fixed = (n, digits) => Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `x` with `min`..`max` decimals and thousands separators, `—` when missing or not a number. */
export const num = (x, min = 1, max = min) => (x == null || Number.isNaN(Number(x)) ? '—'
  : Number(x).toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max }));

/** `x` rounded to a whole number, with thousands separators: `1234.5` → `1,235`. */
export const whole = (x) => Math.round(x).toLocaleString('en-US');

/** The server's yuan amount (text, `"6642609.00"`) grouped: `6,642,609` (fen kept when not zero). */
export function fmtYuan(text) {
  const [int, fen = ''] = String(text).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return /^0*$/.test(fen) ? grouped : `${grouped}.${fen}`;
}

/** Milliseconds as minutes with one decimal: `90000` → `1.5`. */
export const minutes = (ms) => (ms / 60000).toFixed(1);

/** A week-on-week change: `+2`, `−3` (a minus sign), or `same` when it is 0. */
export const changeText = (c, same) => (c === 0 ? same : c > 0 ? `+${c}` : `−${Math.abs(c)}`);

/** `name（code）`, the name alone, or the code alone, whichever are given. */
export const withCode = (name, code) => (present(name) ? (present(code) ? `${name}（${code}）` : name) : code);
