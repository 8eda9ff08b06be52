// Pieces shared by the tool panels (parcel valuation, truck ban, traceability) and the
// other panels: opening and closing a panel, the latest-request rule, fitting the map
// above the phone's bottom sheet, CSV files, dates in Asia/Shanghai, the illustrative
// badge.

import { toCsv } from './csv-cells.js';
import { el } from './dom.js';
import { t } from './i18n.js';

// ----- dates in Asia/Shanghai ----------------------------------------------------------
const shanghaiParts = () => Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
}).formatToParts(new Date()).map((p) => [p.type, p.value]));

/** Today in Asia/Shanghai as `YYYY-MM-DD`. */
export function todayShanghai() {
  const p = shanghaiParts();
  return `${p.year}-${p.month}-${p.day}`;
}

/** Now in Asia/Shanghai as `YYYY-MM-DDTHH:MM` (for datetime-local). */
export function nowShanghai() {
  const p = shanghaiParts();
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// ----- labels ----------------------------------------------------------------------------
/** A table cell's content in two lines: `main` and, when given, the smaller `sub` under it. */
export const twoLines = (main, sub) => [el('span', { class: 'num-main' }, main), sub != null ? el('span', { class: 'num-sub' }, sub) : null];

/** The 示意数据 / illustrative-data badge, or null when `show` is false. */
export const illustrativeBadge = (show = true) => (show ? el('span', { class: 'badge illustrative' }, t('badge_illustrative')) : null);

// ----- a tool panel ------------------------------------------------------------------------
/**
 * Opening and closing a tool panel `root`: its toggle `button` and its `.close` button
 * call the returned `setOpen(open)`, which sets `state.open`, shows or hides `root`
 * (class `open`, `layoutClass` on `#layout`, `aria-expanded` on the button), runs
 * `onOpen()` when it opens, then `toggled(open)` (the tool's own part, which redraws
 * the panel), resizes the map and runs `onChange()`.
 */
export function toolPanel({ map, root, button, layoutClass, state, onOpen, onChange, toggled }) {
  function setOpen(open) {
    state.open = open;
    root.hidden = !open;
    root.classList.toggle('open', open);
    document.getElementById('layout').classList.toggle(layoutClass, open);
    button.setAttribute('aria-expanded', String(open));
    if (open) onOpen?.();
    toggled(open);
    requestAnimationFrame(() => map.resize());
    onChange?.();
  }
  button.addEventListener('click', () => setOpen(!state.open));
  root.querySelector('.close').addEventListener('click', () => setOpen(false));
  return setOpen;
}

/** Scrolls the panel `body` to `result` (on a phone: the controls stay above it). */
export function scrollToResult(body, result) {
  const top = result.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop;
  body.scrollTop = top - 6;
}

/** Fits the map to `box` ([w, s, e, n]) above the panel `root` when it is the phone's bottom sheet. */
export function fitAboveSheet(map, box, { phone, root, maxZoom }) {
  const sheet = phone.matches ? root.getBoundingClientRect().height : 0;
  map.fitBounds(box, { padding: { top: 40, left: 40, right: 40, bottom: 40 + sheet }, maxZoom, duration: 300 });
}

/**
 * A hidden file input and the button-like label that opens it: `[input, label]`.
 * `onFile(file)` gets the chosen file; the input is cleared so that the same file can be
 * chosen again.
 */
export function fileButton({ id, accept, label, onFile }) {
  const input = el('input', { type: 'file', id, class: 'visually-hidden', accept });
  input.addEventListener('change', () => {
    onFile(input.files[0]);
    input.value = '';
  });
  return [input, el('label', { for: id, class: 'v-button v-file-button' }, `${label}…`)];
}

/**
 * The latest-request rule of a panel: `run(work, …)` sets `state.status` to 'loading'
 * (with the fields `loading`), awaits `work()` (the fields of the answer) and applies
 * it with `apply` unless a later `run` or a `cancel()` came in between; a failure sets
 * status 'error' with the fields `failed` and `message: fail(err)`. `refresh()` draws
 * each step; then `then(ok)` runs and `onChange()`.
 */
export function latestRequest({ state, refresh, onChange }) {
  let latest = 0;
  return {
    cancel() {
      latest += 1;
    },
    async run(work, { loading = {}, failed = {}, fail = (err) => err.message, apply = (answer) => Object.assign(state, answer), then } = {}) {
      const mine = ++latest;
      Object.assign(state, { status: 'loading', ...loading });
      refresh();
      let ok = true;
      try {
        const answer = await work();
        if (mine !== latest) return;
        apply(answer);
      } catch (err) {
        if (mine !== latest) return;
        ok = false;
        Object.assign(state, { status: 'error', ...failed, message: fail(err) });
      }
      refresh();
      then?.(ok);
      onChange?.();
    },
  };
}

// ----- CSV files -----------------------------------------------------------------------------
// The text of a CSV file (BOM, CRLF, no formula cells) comes from csv-cells.js.
export { toCsv };

/** Saves `blob` as the file `name` (a download started from the page). */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves `rows` as the CSV file `name`. */
export const downloadCsv = (name, rows) => download(name, new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
