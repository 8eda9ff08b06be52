// A tool of the top bar whose code is loaded when it is first opened (issue 16: first
// paint on a phone). main.js wires every tool as
//
//     valuation = lazyTool(document.getElementById('valuation-toggle'), () => import('./tools/valuation/view.js'),
//       (m) => m.valuationTool(toolOptions('valuation', () => valuation)));
//
// The tool's module is a chunk of its own (Vite), not part of what the page needs for
// its first paint or its map. Until the tool is made the stand-in answers like a closed
// tool. The first click fetches the module (`importer()`), makes the tool (`make(module)`;
// the tool then listens to its button itself, ui/panel.js toolPanel) and opens it; clicks
// meanwhile are ignored (the button is `aria-busy`). `prefetch()` only fetches the
// module: main.js does it for every tool once the map has been drawn, in idle time
// (`prefetchTools`), so that a first tap opens at once, as when the tools were part of
// main.js, while the tool itself (its map layers, its DOM) is made only when it is first
// used. `load()` makes the tool without opening it, for what needs a tool before it is
// opened (the record cards' 编辑 / 删除 buttons of the trace tool for an editor).

/**
 * `importer()` resolves to the tool's module, `make(module)` makes the tool: an object
 * with `isOpen()`, `close()`, `render()` and `showsIllustrative()` (the interface every
 * tool view returns). `onError(err)` runs when loading fails (the next click tries again).
 */
export function lazyTool(button, importer, make, { onError } = {}) {
  let tool = null;
  let module = null;
  let loading = null;

  function prefetch() {
    module ??= importer().catch((err) => {
      module = null;
      throw err;
    });
    return module;
  }

  function load() {
    loading ??= prefetch().then(make).then((made) => {
      tool = made;
      button.removeEventListener('click', firstClick);
      return made;
    }, (err) => {
      loading = null;
      throw err;
    });
    return loading;
  }

  async function firstClick() {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      await load();
      button.removeAttribute('aria-busy');
      button.click(); // now the tool's own listener: opens it
    } catch (err) {
      button.removeAttribute('aria-busy');
      onError?.(err);
    }
  }
  button.addEventListener('click', firstClick);

  return {
    isOpen: () => tool?.isOpen() ?? false,
    close: () => tool?.close(),
    render: () => tool?.render(),
    showsIllustrative: () => tool?.showsIllustrative() ?? false,
    load,
    prefetch,
    /** The tool once it is made (null before). */
    get loaded() { return tool; },
  };
}

/**
 * Fetches the module of every tool of `tools` (not making them) when the browser is
 * idle: resolves when all have settled (a failed one is tried again on its first click).
 */
export function prefetchTools(tools) {
  const idle = globalThis.requestIdleCallback ?? ((fn) => setTimeout(fn, 1));
  return new Promise((resolve) => {
    idle(() => Promise.allSettled(tools.map((tool) => tool.prefetch())).then(() => resolve()));
  });
}

// ----- the map's 'load', for tools made after it -----------------------------------------
const loadedMaps = new WeakSet();

/** Remembers when `map` fires 'load' (call right after making it), for `whenMapLoaded`. */
export const trackMapLoad = (map) => map.once('load', () => loadedMaps.add(map));

/**
 * Runs `fn` once `map` has loaded: at once when it already has (a tool made after 'load',
 * as lazyTool makes them; `map.loaded()` alone is false while tiles load), else on 'load'.
 */
export function whenMapLoaded(map, fn) {
  if (loadedMaps.has(map) || map.loaded()) fn();
  else map.once('load', fn);
}
