// Small helpers shared by the pages: building elements, times in the reader's language and time
// zone (always with the zone's name, so no time on a page reads as another zone's), and a session's
// browser in words ("Firefox on Linux") as the server describes it (its browser field).

import { messages, locale } from './i18n.js';

const t = await messages('common');

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

const ZONE = { timeZoneName: 'short' };
const timeOnly = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', ...ZONE });
const dateTime = new Intl.DateTimeFormat(locale, {
  year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', ...ZONE,
});
const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:02 CET" today, "3 Mar 2025, 14:02 CET" otherwise: local time with its zone; '' for none. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return sameDay(d, new Date()) ? timeOnly.format(d) : dateTime.format(d);
}

/** "in 28 minutes", "5 minutes ago", in the page's language. */
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
  const text = withRelative
    ? t('time_with_relative', { time: formatTime(iso), relative: formatRelative(iso) })
    : formatTime(iso);
  return h('time', { datetime: iso, title: Number.isNaN(d.getTime()) ? '' : full.format(d) }, text);
}

/** "1:05 minutes", "45 seconds", "1 second": countdown text with the language's plural rules. */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, '0');
  return m > 0 ? t('countdown_minutes', { time: m + ':' + rest }) : t('n_seconds', { count: s });
}

/** "about 1 minute", "about 3 minutes": whole minutes, rounded up, with plural rules. */
export function aboutMinutes(seconds) {
  return t('about_n_minutes', { count: Math.max(1, Math.ceil(seconds / 60)) });
}

/** n and the plural form of a bundle entry {one, other} of common ('n_sessions', 'n_other_sessions'). */
export function counted(key, n) {
  return t(key, { count: n });
}

/**
 * A session's browser and system in the page's language, from the server's words in its browser
 * field ("Firefox on Linux", "a browser on Windows", "an unknown browser"); other words as they are.
 */
export function agentWords(browser) {
  const text = String(browser || 'an unknown browser');
  if (text === 'an unknown browser') return t('agent_unknown');
  let m = /^a browser on (.+)$/.exec(text);
  if (m) return t('agent_browser_on', { system: m[1] });
  m = /^([^ ].*?) on (.+)$/.exec(text);
  if (m && !/^an? /.test(m[1])) return t('agent_on', { browser: m[1], system: m[2] });
  return text;
}

/** Capitalised browser/system words for a session, as the server describes them (its browser field). */
export function sessionAgent(s) {
  const text = agentWords(s.browser);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The client address of a session. */
export function sessionAddress(s) {
  return s.client_ip || s.ip || s.address || '';
}

/** "3 sessions", "unlimited" for -1, "the global limit" for null. */
export function limitText(limit) {
  if (limit === null || limit === undefined) return t('the_global_limit');
  if (Number(limit) === -1) return t('unlimited');
  return t('n_sessions', { count: Number(limit) });
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

const AUTH_METHODS = ['password', 'ldap', 'oidc', 'password+totp', 'password+recovery_code', 'ldap+totp', 'ldap+recovery_code', 'service'];

/** How a session's user proved who she is, in words (the API's auth_method as is if unknown). */
export function authMethodText(method) {
  return AUTH_METHODS.includes(method) ? t('auth_method.' + method) : (method || '—');
}
