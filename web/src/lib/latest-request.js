// The latest-request rule of a panel: only the answer to the last question is shown.
// Pure (no DOM): the panel gives its state object and how to draw it.

/**
 * `run(work, …)` sets `state.status` to 'loading' (with the fields `loading`), awaits
 * `work()` (the fields of the answer) and applies it with `apply` unless a later `run`
 * or a `cancel()` came in between; a failure sets status 'error' with the fields
 * `failed` and `message: fail(err)`. `refresh()` draws each step; then `then(ok)` runs
 * and `onChange()`.
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
