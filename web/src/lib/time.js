// Civil time in Asia/Shanghai (the county's time zone, UTC+08:00 all year, as the
// server reads dates): today's date, the current minute, instants as Beijing time.
// Pure: every function takes the instant it works on (default: now).

const parts = (date) => Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
}).formatToParts(date).map((p) => [p.type, p.value]));

/** The date in Asia/Shanghai as `YYYY-MM-DD` (today by default). */
export function todayShanghai(now = new Date()) {
  const p = parts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The minute in Asia/Shanghai as `YYYY-MM-DDTHH:MM` (for datetime-local; now by default). */
export function nowShanghai(now = new Date()) {
  const p = parts(now);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Unix milliseconds → `YYYY-MM-DD HH:MM:SS`, Beijing time. */
export function shanghaiDateTime(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A datetime-local value (`YYYY-MM-DDTHH:MM[:SS]`) as RFC 3339 in Beijing time (`…:SS+08:00`). */
export const withShanghaiOffset = (local) => `${local.length === 16 ? `${local}:00` : local}+08:00`;
