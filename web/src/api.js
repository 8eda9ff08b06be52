// Requests to the server, relative to the page, with the signed-in user's token.

import { authHeaders } from './auth.js';

/** The server's `error` message of a failed response, else `HTTP <status>`. */
export async function errorText(res) {
  try {
    return (await res.json()).error ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** GET `path` (relative to the page) as JSON; throws an Error with the server's message (and `.status`). */
export async function fetchJson(path, { signal } = {}) {
  const res = await fetch(new URL(path, document.baseURI), { headers: authHeaders(), signal });
  if (!res.ok) {
    const err = new Error(await errorText(res));
    err.status = res.status;
    throw err;
  }
  return res.json();
}

/** POST `body` (of `contentType`) to `path` (relative to the page); the response, else throws an Error with the server's message. */
export async function post(path, body, contentType) {
  const res = await fetch(new URL(path, document.baseURI), { method: 'POST', headers: { 'content-type': contentType }, body });
  if (!res.ok) throw new Error(await errorText(res));
  return res;
}
