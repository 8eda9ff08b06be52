// Requests to the server, relative to the page, with the signed-in user's token (GETs
// and the traceability writes; the valuation and truck-ban checks are public POSTs).

import { authHeaders } from '../tools/auth/state.js';
import { getLang } from '../lib/i18n.js';

/** The page language as `Accept-Language`: the server words its errors in it. */
export const languageHeaders = () => ({ 'accept-language': getLang() === 'en' ? 'en' : 'zh-CN' });

const url = (path) => new URL(path, document.baseURI);

/** The JSON body of a response (read from a clone), or null when it is not JSON. */
export async function jsonOrNull(res) {
  try {
    return await res.clone().json();
  } catch {
    return null;
  }
}

/** The server's `error` message of a failed response, else `HTTP <status>`. */
export async function errorText(res) {
  return (await jsonOrNull(res))?.error ?? `HTTP ${res.status}`;
}

/** GET `path` (relative to the page) as JSON; throws an Error with the server's message (and `.status`). */
export async function fetchJson(path, { signal } = {}) {
  const res = await fetch(url(path), { headers: { ...languageHeaders(), ...authHeaders() }, signal });
  if (!res.ok) {
    const err = new Error(await errorText(res));
    err.status = res.status;
    throw err;
  }
  return res.json();
}

/** POST `body` (of `contentType`) to `path` (relative to the page); the response, else throws an Error with the server's message. */
export async function post(path, body, contentType) {
  const res = await fetch(url(path), { method: 'POST', headers: { ...languageHeaders(), 'content-type': contentType }, body });
  if (!res.ok) throw new Error(await errorText(res));
  return res;
}

/**
 * A request with the signed-in user's token that does not throw on an error status:
 * `{ok, status, answer, error}` with the JSON answer (null when not JSON) and the
 * server's error message (`HTTP <status>` when it gave none). Throws only when the
 * server cannot be reached.
 */
export async function send(path, { method = 'GET', body, contentType } = {}) {
  const headers = { ...languageHeaders(), ...(contentType ? { 'content-type': contentType } : {}), ...authHeaders() };
  const res = await fetch(url(path), { method, headers, body });
  const answer = await jsonOrNull(res);
  return { ok: res.ok, status: res.status, answer, error: answer?.error ?? `HTTP ${res.status}` };
}
