// Reading a GPS track's fixes (CSV, GPX, GeoJSON; WGS84 or GCJ-02) as the server reads
// them for POST api/truck-ban/track (crates/track: csv_fixes.rs, gpx_fixes.rs,
// geojson_fixes.rs, timestamp.rs). The server checks the track and answers with the
// violation intervals only; the page reads the fixes itself to draw the track and the
// fixes inside each interval, so it must read the same fixes at the same times.
// tests/browser/client-rules.test.mjs compares readFixes with the server's answers
// (its fix count, problem lines, and every fix's time via `max_gap_s=0`).
//
// Pure: no DOM (GPX is read by a small tag scanner, as on the server).

import { csvFields } from './csv.js';
import { toWgs84 } from './gcj02.js';

const MS_PER_DAY = 86_400_000;

const isLeap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysInMonth = (y, m) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** Days from 1970-01-01 to a proleptic Gregorian date. */
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DIGITS = /^\d+$/;
/** Milliseconds of the digits after a decimal point (truncated to three). */
const fractionMs = (f) => Number((f + '000').slice(0, 3));

/**
 * A fix time as unix milliseconds, or `{error}` (`empty`, `malformed`, `no_offset`,
 * `out_of_range`). Accepted, as on the server: RFC 3339 with `Z` or an offset
 * (`2024-05-01T08:00:00+08:00`; `t` or a space for `T`; `+0800` and `+08`; a leap
 * second `:60` is the next minute's first second; digits beyond milliseconds dropped),
 * or unix seconds (`1714521600`, `-1.5`, `1714521600.25`).
 */
export function parseTimeMs(text) {
  const s = String(text ?? '').trim();
  if (s === '') return { error: 'empty' };
  return s.length >= 10 && s[4] === '-' ? rfc3339(s) : unixSeconds(s);
}

/**
 * A fix time as the server's track readers read it (crates/track timestamp.rs
 * `parse_fix_time`): what parseTimeMs reads, and a local date-time without an offset
 * (`2023-06-01 10:00:00`, `2023/06/01 10:00:00`) read as Beijing time (UTC+8).
 */
export function parseFixTimeMs(text) {
  let s = String(text ?? '').trim();
  if (s.length > 10 && s[4] === '/' && s[7] === '/' && s[10] === ' ') s = s.replace('/', '-').replace('/', '-');
  const t = parseTimeMs(s);
  return t?.error === 'no_offset' ? parseTimeMs(`${s}+08:00`) : t;
}

function unixSeconds(s) {
  const m = /^([+-]?)(\d{1,12})(?:\.(\d*))?$/.exec(s);
  if (!m) return { error: 'malformed' };
  const ms = Number(m[2]) * 1000 + fractionMs(m[3] ?? '');
  return m[1] === '-' ? -ms : ms;
}

function rfc3339(s) {
  if (s.length < 19 || s[7] !== '-' || !'Tt '.includes(s[10]) || s[13] !== ':' || s[16] !== ':') return { error: 'malformed' };
  const fields = [[0, 4], [5, 7], [8, 10], [11, 13], [14, 16], [17, 19]].map(([a, b]) => s.slice(a, b));
  if (!fields.every((f) => DIGITS.test(f))) return { error: 'malformed' };
  const [year, month, day, hour, minute, second] = fields.map(Number);
  let rest = s.slice(19);
  let ms = 0;
  if (rest.startsWith('.')) {
    const digits = /^\d*/.exec(rest.slice(1))[0];
    if (digits === '') return { error: 'malformed' };
    ms = fractionMs(digits);
    rest = rest.slice(1 + digits.length);
  }
  let offset;
  if (rest === '') return { error: 'no_offset' };
  if (rest === 'Z' || rest === 'z') offset = 0;
  else {
    const m = /^([+-])(\d\d)(?::?(\d\d))?$/.exec(rest);
    if (!m) return { error: 'malformed' };
    const [h, mm] = [Number(m[2]), Number(m[3] ?? 0)];
    if (h > 23 || mm > 59) return { error: 'out_of_range' };
    offset = (m[1] === '-' ? -1 : 1) * (h * 60 + mm);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { error: 'out_of_range' };
  if (hour > 23 || minute > 59 || second > 60) return { error: 'out_of_range' };
  return daysFromCivil(year, month, day) * MS_PER_DAY + (hour * 3600 + minute * 60 + second - offset * 60) * 1000 + ms;
}

/** A coordinate as the server parses one (Rust's `f64` syntax; NaN and infinities fail the range check); null when empty. */
function coordinate(text) {
  const s = String(text ?? '').trim();
  if (s === '') return null;
  if (/^[+-]?(inf|infinity|nan)$/i.test(s)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
}

/** A time read from text (null when the server rejects it: empty, malformed, no offset, out of range). */
const textTime = (text) => {
  const t = parseFixTimeMs(text);
  return typeof t === 'number' ? t : null;
};

/**
 * The fix at `at` of time `t` (unix ms, null when unreadable) and position `lon`, `lat`
 * in `crs`; null when the server rejects it (no time, a missing, bad or out-of-range
 * coordinate).
 */
function fixOf(at, t, lon, lat, crs) {
  if (t == null || lon == null || lat == null) return null;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return { at, t, c: toWgs84(crs, [lon, lat]) };
}

/** Column names of the time (crates/track csv_fixes.rs TIME_NAMES, with the Chinese GPS-export headers). */
const TIME_NAMES = ['time', 'timestamp', 't', 'datetime', 'gps_time', 'gpstime', '定位时间', 'gps时间', '时间', '回传时间', '上报时间',
  '采集时间', '接收时间'];

const isBlank = (line) => /^[ \t\n\f\r]*$/.test(line);

function csvFixes(text, crs) {
  // Lines as the server numbers them (from 1; blank lines count and are skipped).
  const records = text.replace(/^\uFEFF/, '').split('\n').map((raw, i) => ({ line: i + 1, raw: raw.replace(/\r+$/, '') }))
    .filter(({ raw }) => !isBlank(raw));
  const [header, ...rows] = records;
  if (!header) return [];
  // `经度(°)`: a unit in brackets after the name is not part of it (as on the server).
  const names = csvFields(header.raw).map((h) => h.trim().split(/[(（]/)[0].trim().toLowerCase());
  const col = (wanted) => names.findIndex((n) => wanted.includes(n));
  const [ti, xi, yi] = [col(TIME_NAMES), col(['lon', 'lng', 'longitude', 'x', '经度']), col(['lat', 'latitude', 'y', '纬度'])];
  if (ti < 0 || xi < 0 || yi < 0) return [];
  return rows.map(({ line, raw }) => {
    const f = csvFields(raw);
    return fixOf(`line ${line}`, textTime(f[ti]), coordinate(f[xi]), coordinate(f[yi]), crs);
  });
}

/** `name="value"` pairs of a start tag (after its name), either quote, prefixes dropped; a later pair wins. */
function attributes(rest) {
  const out = {};
  for (const m of rest.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1].split(':').at(-1)] = m[2] ?? m[3];
  return out;
}

function gpxFixes(text, crs) {
  const out = [];
  let line = 1;
  let skippingUntil = null;
  let pending = null; // the <trkpt> being read: {line, lat, lon, time, inTime}
  const finish = (p) => fixOf(`line ${p.line}`, textTime(p.time), coordinate(p.lon), coordinate(p.lat), crs);
  // Units as the server reads them: the text before a tag and the tag, up to its `>`.
  for (const unit of text.split(/(?<=>)/)) {
    const startLine = line;
    line += (unit.match(/\n/g) ?? []).length;
    const tail = unit.slice(-3);
    if (skippingUntil) {
      if (tail === skippingUntil) skippingUntil = null;
      continue;
    }
    const lt = unit.indexOf('<');
    const [body, tag] = lt < 0 ? [unit, ''] : [unit.slice(0, lt), unit.slice(lt)];
    if (pending?.inTime) pending.time += body;
    if (tag.startsWith('<!--')) {
      if (tail !== '-->' || tag.length < 7) skippingUntil = '-->';
      continue;
    }
    if (tag.startsWith('<![CDATA[')) {
      if (tail !== ']]>') skippingUntil = ']]>';
      continue;
    }
    if (tag === '' || tag.startsWith('<?') || tag.startsWith('<!')) continue;
    const closing = tag.startsWith('</');
    const selfClosing = tag.endsWith('/>');
    const nameStart = closing ? 2 : 1;
    const nameLength = tag.slice(nameStart).search(/[\s/>]/);
    const nameEnd = nameLength < 0 ? tag.length : nameStart + nameLength;
    const name = tag.slice(nameStart, nameEnd).split(':').at(-1);
    if (name === 'trkpt' && !closing) {
      // A <trkpt> not closed before the next one is read as if it were.
      if (pending) out.push(finish(pending));
      const { lat, lon } = attributes(tag.slice(nameEnd));
      const point = { line: startLine + (body.match(/\n/g) ?? []).length, lat, lon, time: null, inTime: false };
      pending = selfClosing ? null : point;
      if (selfClosing) out.push(finish(point));
    } else if (name === 'trkpt') {
      if (pending) out.push(finish(pending));
      pending = null;
    } else if (name === 'time' && !closing) {
      // The first <time> of a point counts.
      if (pending && pending.time == null) Object.assign(pending, { time: '', inTime: !selfClosing });
    } else if (name === 'time' && pending) {
      pending.inTime = false;
    }
  }
  if (pending) out.push(finish(pending));
  return out;
}

function geojsonFixes(text, crs) {
  let root;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return [];
  }
  const out = [];
  // A coordinate must be a JSON number; a time a string or unix seconds (rounded to the ms).
  const axis = (position, i) => {
    const v = Array.isArray(position) ? position[i] : undefined;
    return v == null ? null : typeof v === 'number' ? v : NaN;
  };
  const time = (v) => {
    if (typeof v === 'string') return textTime(v);
    if (typeof v !== 'number') return null;
    const ms = Math.sign(v) * Math.round(Math.abs(v * 1000));
    return Math.abs(ms) < 1e15 ? ms : null;
  };
  const read = (feature, index) => {
    const g = feature?.geometry;
    const p = feature?.properties && typeof feature.properties === 'object' ? feature.properties : {};
    if (g?.type === 'Point') {
      out.push(fixOf(index == null ? 'document' : `features[${index}]`, time(p.time), axis(g.coordinates, 0), axis(g.coordinates, 1), crs));
    } else if (g?.type === 'LineString') {
      const times = 'times' in p ? p.times : p.coordTimes;
      if (!Array.isArray(g.coordinates) || !Array.isArray(times) || times.length !== g.coordinates.length) return;
      const prefix = index == null ? '' : `features[${index}].`;
      g.coordinates.forEach((c, i) => out.push(fixOf(`${prefix}geometry.coordinates[${i}]`, time(times[i]), axis(c, 0), axis(c, 1), crs)));
    }
  };
  if (root?.type === 'FeatureCollection' && Array.isArray(root.features)) root.features.forEach((f, i) => read(f, i));
  else if (root?.type === 'Feature') read(root, null);
  return out;
}

/** The format of a track file: `csv`, `gpx` or `geojson` from its name, else null (the content decides). */
export function trackFormat(fileName) {
  if (/\.gpx$/i.test(fileName)) return 'gpx';
  if (/\.(geo)?json$/i.test(fileName)) return 'geojson';
  if (/\.(csv|txt)$/i.test(fileName)) return 'csv';
  return null;
}

/**
 * The fixes the server reads from a track: `{at, t, c}` with the location (`line 3`,
 * `features[0]`, `geometry.coordinates[5]`, as in the server's problems), the time
 * (unix ms) and the WGS84 position, in file order; records the server rejects are left
 * out. `format` (`csv` | `gpx` | `geojson`), when null, is read from the first
 * character as the server does (`{` GeoJSON, `<` GPX, else CSV); `crs` is `wgs84` or
 * `gcj02`.
 */
export function readFixes(text, { format = null, crs = 'wgs84' } = {}) {
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  const kind = format ?? (first === '{' ? 'geojson' : first === '<' ? 'gpx' : 'csv');
  const read = { csv: csvFixes, gpx: gpxFixes, geojson: geojsonFixes }[kind] ?? csvFixes;
  return read(text, crs).filter(Boolean);
}
