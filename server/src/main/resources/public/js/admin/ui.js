// Administration, shared: the signed-in administrator, the page's messages (t), status lines,
// errors, and times in the viewer's own time zone, named ("14:02 CET"), everywhere in the console.

import { h } from '../format.js';
import { lang } from '../i18n.js';

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

/* Times: always the viewer's local time with its zone, so one dialog never mixes two clocks. */

const dateTimeZone = new Intl.DateTimeFormat(lang, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
});
const timeZone = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const full = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:02 CET" today, "3 Mar 2026, 14:02 CET" otherwise; '' for no time. */
export function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return (sameDay(d, new Date()) ? timeZone : dateTimeZone).format(d);
}

/** "in 28 minutes", "1 minute ago": Intl's own plural rules, never "1 minutes". */
export function relativeTime(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const seconds = Math.round((d.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(abs < 5 ? 0 : seconds, 'second');
  if (abs < 2700) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400 * 1.5) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

/** A <time> element: the local time with its zone, the full date in its title. */
export function timeEl(iso, { withRelative = false } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  const text = localTime(iso) + (withRelative ? ' (' + relativeTime(iso) + ')' : '');
  return h('time', { datetime: iso, title: Number.isNaN(d.getTime()) ? '' : full.format(d) }, text);
}

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
