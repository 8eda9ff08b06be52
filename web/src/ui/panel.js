// DOM pieces shared by the tool panels (parcel valuation, truck ban, traceability) and
// the other panels: opening and closing a panel, fitting the map above the phone's
// bottom sheet, file buttons and downloads, two-line cells, the illustrative badge.

import { toCsv } from '../lib/csv.js';
import { t } from '../lib/i18n.js';
import { el } from './dom.js';

// ----- labels ----------------------------------------------------------------------------
/** A table cell's content in two lines: `main` and, when given, the smaller `sub` under it. */
export const twoLines = (main, sub) => [el('span', { class: 'num-main' }, main), sub != null ? el('span', { class: 'num-sub' }, sub) : null];

/** The 示例数据 / illustrative-data badge, or null when `show` is false. */
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

// ----- downloads -----------------------------------------------------------------------------
/** Saves `blob` as the file `name` (a download started from the page). */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves `rows` as the CSV file `name` (BOM, CRLF, no formula cells: lib/csv.js). */
export const downloadCsv = (name, rows) => download(name, new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
