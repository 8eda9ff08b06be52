// ISO 8601 weeks (the weekly ledger's week picker): weeks start on Monday, week 1 is
// the week with the year's first Thursday. The server's ledger (`api/trace/ledger`)
// reads the same weeks; tests/browser/client-rules.test.mjs compares these functions
// with its answers (`week`, `from`, `to`, `report_due`, and 400 for a week that does
// not exist). Pure: dates are `YYYY-MM-DD` strings, computed in UTC.

const DAY_MS = 86_400_000;
const utcDate = (s) => new Date(`${s}T00:00:00Z`);
const ymd = (d) => d.toISOString().slice(0, 10);
const pad = (n, width) => String(n).padStart(width, '0');
/** Midnight UTC of a date (years 1-99 too, which Date.UTC would read as 1901-1999). */
const utc = (year, month, day) => new Date(0).setUTCFullYear(year, month - 1, day);

/** `date` (`YYYY-MM-DD`) plus `n` days. */
export const addDays = (date, n) => ymd(new Date(utcDate(date).getTime() + n * DAY_MS));

/** The ISO week (`2023-W24`) of a `YYYY-MM-DD` date. */
export function isoWeekOf(date) {
  const d = utcDate(date);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday - utc(year, 1, 1)) / DAY_MS / 7) + 1;
  return `${pad(year, 4)}-W${pad(week, 2)}`;
}

/** Monday of an ISO week (`YYYY-Www`, also `YYYYWww`, `yyyy-www`, `2023-W5`), or null when it is none. */
export function mondayOf(week) {
  const m = /^(\d{4})-?W(\d{1,2})$/i.exec(String(week ?? '').trim());
  if (!m) return null;
  const [year, w] = [Number(m[1]), Number(m[2])];
  if (year < 1 || w < 1 || w > 53) return null;
  const jan4 = utc(year, 1, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const monday = ymd(new Date(monday1 + (w - 1) * 7 * DAY_MS));
  return isoWeekOf(monday) === `${m[1]}-W${pad(w, 2)}` ? monday : null;
}

/** A week as the picker shows it (`2023-W24`), or null when it is none. */
export const normaliseWeek = (week) => {
  const monday = mondayOf(week);
  return monday ? isoWeekOf(monday) : null;
};

/** The week `n` weeks after `week` (before, when `n` < 0); `week` itself when it is none. */
export const shiftWeek = (week, n) => {
  const m = mondayOf(week);
  return m ? isoWeekOf(addDays(m, 7 * n)) : week;
};

/**
 * The days of `week`: `{from, to}` (Monday, Sunday) and `report`, the Tuesday after it,
 * when the ledger is reported (临政办发〔2023〕19号; the server's `report_due`). Null
 * when `week` is none.
 */
export function weekRange(week) {
  const from = mondayOf(week);
  return from ? { from, to: addDays(from, 6), report: addDays(from, 8) } : null;
}
