// Small helpers shared by the pages: building elements, times in the browser's locale, and a
// session's browser in words ("Firefox on Linux") as the server describes it (its browser field).

/** Creates an element: h('a', {href: 'x', class: 'y'}, 'text', child). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:02" today, "3 Mar 2025, 14:02" otherwise; '' for no time. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return sameDay(d, new Date()) ? timeOnly.format(d) : dateTime.format(d);
}

/** "in 28 minutes", "5 minutes ago". */
export function formatRelative(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const seconds = Math.round((d.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(abs < 5 ? 0 : seconds, 'second');
  if (abs < 2700) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400 * 1.5) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

/** A <time> element showing the local time, with the full date in its title. */
export function timeEl(iso, { withRelative = false } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  const text = formatTime(iso) + (withRelative ? ' (' + formatRelative(iso) + ')' : '');
  return h('time', { datetime: iso, title: Number.isNaN(d.getTime()) ? '' : full.format(d) }, text);
}

/** "1 min 05 s" style countdown text. */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, '0');
  return m > 0 ? m + ':' + rest + ' minutes' : s + (s === 1 ? ' second' : ' seconds');
}

/** Capitalised browser/system words for a session, as the server describes them (its browser field). */
export function sessionAgent(s) {
  const text = s.browser || 'an unknown browser';
  return /^an? /.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** The client address of a session. */
export function sessionAddress(s) {
  return s.client_ip || s.ip || s.address || '';
}

/** "3 sessions", "unlimited" for -1, "the global limit" for null. */
export function limitText(limit) {
  if (limit === null || limit === undefined) return 'the global limit';
  if (Number(limit) === -1) return 'unlimited';
  return limit + (Number(limit) === 1 ? ' session' : ' sessions');
}

/** An array from an answer that is either a list or an object holding one under `key`. */
export function listFrom(data, ...keys) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const k of keys) if (Array.isArray(data[k])) return data[k];
  }
  return [];
}

/** "settings_changed" → "Settings changed". */
export function humanize(code) {
  if (!code) return '';
  const s = String(code).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const AUTH_METHODS = {
  password: 'Password',
  ldap: 'Directory password',
  oidc: 'Identity provider',
  'password+totp': 'Password and app code',
  'password+recovery_code': 'Password and recovery code',
  'ldap+totp': 'Directory password and app code',
};

/** How a session's user proved who she is, in words (the API's auth_method as is if unknown). */
export function authMethodText(method) {
  return AUTH_METHODS[method] || method || '—';
}
