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
