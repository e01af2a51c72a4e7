// Administration, shared: the signed-in administrator, the page's messages (t), status lines,
// errors, and times in the viewer's own time zone, named ("14:02 CET"), everywhere in the console.

import { h } from '../format.js';

/** What every admin module shares: the GET /api/v1/me body and t(key, vars). */
export const ctx = { me: null, t: (key) => key };

/** The sentence for key in the page's language. */
export function t(key, vars) {
  return ctx.t(key, vars);
}

/** Sets a status line's text and kind (ok, warn, error). */
export function setStatus(el, text, kind = 'ok') {
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Replaces the whole console by the 403 sentence: this account may not administer. */
export function showForbidden(message) {
  document.getElementById('admin-forbidden-message').textContent = message;
  document.getElementById('admin-forbidden').hidden = false;
  document.getElementById('admin-app').hidden = true;
}

/** Shows an API error in a panel's status line; 401s are shown by session.js. */
export function panelError(el, prefix, e) {
  if (e.status === 401) return;
  if (e.status === 403 && e.code === 'forbidden') { showForbidden(e.message); return; }
  setStatus(el, (prefix ? prefix + ': ' : '') + e.message, 'error');
}

/** True when the signed-in administrator is this user. */
export function isMe(username) {
  return Boolean(ctx.me && ctx.me.user && ctx.me.user.username === username);
}

/* Times: always the viewer's local time with its zone (format.js), so one dialog never mixes two
   clocks. */
export { timeEl } from '../format.js';

/** Calls fn after ms of quiet: search as you type asks once the typing pauses. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Parses a limit field: empty is null (the global value), else a whole number. */
export function parseLimit(text) {
  const s = String(text).trim();
  if (s === '') return { value: null };
  if (!/^-?\d+$/.test(s)) return { error: t('limit_not_number') };
  return { value: Number(s) };
}

/** "3 sessions", "unlimited" for -1, "the global limit" for none, in the page's language. */
export function limitText(limit) {
  if (limit === null || limit === undefined) return t('the_global_limit');
  if (Number(limit) === -1) return t('unlimited');
  return t('n_sessions', { count: Number(limit) });
}
