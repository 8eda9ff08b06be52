// DOM helpers shared by every panel: an element builder, a facts list, and the page's
// static text in the current language.

import { isEn, t } from '../lib/i18n.js';

// `el('div', {class: 'x'}, [children])`: a small element builder. Children may be
// nodes, strings, numbers, arrays or null (skipped). Text is never parsed as HTML.
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v != null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  const add = (c) => {
    if (c == null || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else node.append(c instanceof Node ? c : String(c));
  };
  add(children);
  return node;
}

/** A `dl.facts` of `[term, value]` pairs; pairs without a value (null or '') are left out. */
export const facts = (pairs) => el('dl', { class: 'facts' }, pairs.filter(([, v]) => v != null && v !== '')
  .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

/** A colour swatch (`--c`) of class `swatch <shape>` (`box`, `dot`, `outline`, …; none: plain). */
export const swatch = (color, shape = 'box') => el('span', { class: shape ? `swatch ${shape}` : 'swatch', style: `--c:${color}` });

/** Fills every element with `data-i18n="key"` (text) or `data-i18n-label` (aria-label, title). */
export function translatePage() {
  document.documentElement.lang = isEn() ? 'en' : 'zh-CN';
  document.title = `${t('app_title')} · landtrace`;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
    node.title = t(node.dataset.i18nLabel);
  }
}
