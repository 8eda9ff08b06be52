// A tool of the top bar whose code is loaded when it is first opened (issue 16: first
// paint on a phone). main.js wires every tool as
//
//     valuation = lazyTool(document.getElementById('valuation-toggle'), () => import('./tools/valuation/view.js')
//       .then((m) => m.valuationTool(toolOptions('valuation', () => valuation))));
//
// Until the first click the tool's module is not even fetched (Vite makes it a chunk of
// its own); the stand-in answers like a closed tool. The first click loads the module,
// makes the tool (which then listens to its button itself, ui/panel.js toolPanel) and
// opens it; clicks while it loads are ignored (the button is `aria-busy`). `load()`
// makes the tool without opening it, for what needs it before it is opened (e.g. the
// record cards' 编辑 / 删除 buttons of the trace tool for a signed-in editor).

/**
 * `loader()` resolves to the tool: an object with `isOpen()`, `close()`, `render()` and
 * `showsIllustrative()` (the interface every tool view returns). `onError(err)` runs
 * when loading fails (the next click tries again).
 */
export function lazyTool(button, loader, { onError } = {}) {
  let tool = null;
  let loading = null;

  function load() {
    loading ??= loader().then((made) => {
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
    /** The tool once it is made (null before). */
    get loaded() { return tool; },
  };
}
