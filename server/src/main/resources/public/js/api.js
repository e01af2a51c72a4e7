// The one way the pages talk to the server: a fetch wrapper that sends JSON, keeps the session
// cookie same-origin (it is HttpOnly: scripts never read it), and turns every error body into a
// sentence a person can read. Listeners hear of the Session-Timeout header and of ended sessions.
// Every call asks for the page's language (Accept-Language), so the server's sentences match the
// page's; codes (`error`, `reason`) are the same in every language.

import { messages, lang } from './i18n.js';

const t = await messages('common');

/** An answer other than success, carrying the API's sentence and its body fields. */
export class ApiError extends Error {
  constructor(status, body, headers) {
    super(sentenceFor(status, body, headers));
    this.name = 'ApiError';
    this.status = status;
    this.body = body || {};
    this.code = this.body.error || (status === 0 ? 'network' : 'http_' + status);
    this.headers = headers || new Headers();
  }

  /** Per-field sentences ({NAME: sentence}) of a 400, or an empty object. */
  get fields() {
    const f = this.body.fields;
    return f && typeof f === 'object' ? f : {};
  }
}

/**
 * The UI's own base URL: the folder of index.html, one up from this script. Every URL the pages
 * build starts here, so the UI works at `/` and under any prefix a proxy strips (`/sessionlimits/`).
 */
export const BASE = new URL('..', import.meta.url);

/**
 * The absolute URL of a path inside the UI ('account.html', 'api/v1/me'). A path starting with '/'
 * would escape the base, so it is a programming error.
 */
export function uiUrl(path) {
  if (/^(\/|[a-z][a-z0-9+.-]*:)/i.test(path)) {
    throw new Error('A UI path must be relative to the UI base: ' + path);
  }
  return new URL(path, BASE).href;
}

const listeners = { timeout: new Set(), ended: new Set(), unauthenticated: new Set() };

/** Calls fn(secondsLeft) whenever a response carries Session-Timeout. */
export function onSessionTimeout(fn) { listeners.timeout.add(fn); }
/** Calls fn(body) whenever a call answers 401 session_ended. */
export function onSessionEnded(fn) { listeners.ended.add(fn); }
/** Calls fn(body) whenever a call answers 401 not_authenticated. */
export function onNotAuthenticated(fn) { listeners.unauthenticated.add(fn); }

let reauthenticate = null;
/**
 * Has fn(body) asked whenever a call answers 403 reauthentication_required; fn resolves to true
 * once the password was entered again, and the call is then made once more, else it fails.
 */
export function onReauthenticationRequired(fn) { reauthenticate = fn; }

/**
 * Calls the API at path, relative to the UI base ('api/v1/me'). Options: body (sent as JSON),
 * quiet (adds X-Session-Quiet: 1 so the call does not extend the session), query (object of
 * parameters; empty ones are left out).
 * Resolves to {data, status, headers}; rejects with ApiError.
 */
export async function api(method, path, { body, quiet = false, query, retried = false } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': lang };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    if (body !== undefined) init.body = JSON.stringify(body);
  }
  if (quiet) headers['X-Session-Quiet'] = '1';
  let url = uiUrl(path);
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && String(v).trim() !== '') params.set(k, String(v).trim());
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, null, null);
  }

  const left = response.headers.get('Session-Timeout');
  if (left !== null && left.trim() !== '' && !Number.isNaN(Number(left))) {
    listeners.timeout.forEach((fn) => fn(Number(left)));
  }

  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (response.status !== 204 && type.includes('json')) {
    try { data = await response.json(); } catch (e) { data = null; }
  }

  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers);
    if (response.status === 403 && error.code === 'reauthentication_required' && reauthenticate
        && !retried && await reauthenticate(error.body)) {
      return api(method, path, { body, quiet, query, retried: true });
    }
    if (response.status === 401 && error.code === 'session_ended') {
      listeners.ended.forEach((fn) => fn(error.body));
    } else if (response.status === 401 && error.code === 'not_authenticated') {
      listeners.unauthenticated.forEach((fn) => fn(error.body));
    }
    throw error;
  }
  return { data, status: response.status, headers: response.headers };
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), or null. */
export function retryAfterSeconds(headers, body) {
  const raw = headers && headers.get ? headers.get('Retry-After') : null;
  if (raw) {
    if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
    const when = Date.parse(raw);
    if (!Number.isNaN(when)) return Math.max(1, Math.ceil((when - Date.now()) / 1000));
  }
  if (body && Number.isFinite(body.retry_after)) return body.retry_after;
  return null;
}

/** n and an English noun, singular or plural: "1 session", "2 sessions" (English pages only). */
function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many || one + 's');
}

/** A whole sentence for an error: the API's own message when there is one. */
function sentenceFor(status, body, headers) {
  const message = body && typeof body.message === 'string' && body.message.trim();
  if (status === 0) return t('api.unreachable');
  if (status === 429 && !message) {
    const wait = retryAfterSeconds(headers, body);
    return wait ? t('api.too_many_attempts_wait', { count: wait }) : t('api.too_many_attempts');
  }
  if (message) return message;
  const known = [400, 401, 403, 404, 413, 503];
  return known.includes(status) ? t('api.status_' + status) : t('api.status_other', { status });
}

export { plural };
