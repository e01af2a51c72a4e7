// Small helpers shared by the pages: building elements, times in the browser's locale, and a
// user agent described in words ("Firefox on Linux"), as the server describes it.

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

/** Words for a User-Agent header, e.g. "Chrome on Windows" or "curl". */
export function describeUserAgent(ua) {
  if (!ua || !ua.trim()) return 'an unknown browser';
  ua = ua.trim();
  const tool = /^(curl|Wget|HTTPie|python-requests|python-httpx|Python-urllib|okhttp|Go-http-client|Java-http-client|Java|PostmanRuntime|node-fetch|axios|Apache-HttpClient|libwww-perl|Ruby|Dart|insomnia)(\/|$| )/i.exec(ua);
  if (tool) {
    const t = tool[1].toLowerCase();
    const names = {
      curl: 'curl', wget: 'Wget', httpie: 'HTTPie', 'python-requests': 'a Python script',
      'python-httpx': 'a Python script', 'python-urllib': 'a Python script', okhttp: 'an OkHttp client',
      'go-http-client': 'a Go program', 'java-http-client': 'a Java program', java: 'a Java program',
      'apache-httpclient': 'a Java program', postmanruntime: 'Postman', 'node-fetch': 'a Node.js program',
      axios: 'a Node.js program', insomnia: 'Insomnia',
    };
    return names[t] || 'a script (' + tool[1] + ')';
  }
  const has = (s) => ua.includes(s);
  let browser = null;
  if (has('Edg/') || has('EdgA/') || has('EdgiOS/') || has('Edge/')) browser = 'Edge';
  else if (has('OPR/') || has('Opera')) browser = 'Opera';
  else if (has('SamsungBrowser/')) browser = 'Samsung Internet';
  else if (has('Vivaldi/')) browser = 'Vivaldi';
  else if (has('Firefox/') || has('FxiOS/')) browser = 'Firefox';
  else if (has('Chrome/') || has('CriOS/') || has('Chromium/')) browser = 'Chrome';
  else if (has('Safari/') && (has('Version/') || has('Mobile/'))) browser = 'Safari';
  else if (has('Trident/') || has('MSIE ')) browser = 'Internet Explorer';
  let system = null;
  if (has('iPhone')) system = 'iPhone';
  else if (has('iPad')) system = 'iPad';
  else if (has('Android')) system = 'Android';
  else if (has('CrOS')) system = 'ChromeOS';
  else if (has('Windows')) system = 'Windows';
  else if (has('Mac OS X') || has('Macintosh')) system = 'macOS';
  else if (has('Linux') || has('X11')) system = 'Linux';
  if (!browser && !system) return 'an unknown browser';
  if (!browser) return 'a browser on ' + system;
  return system ? browser + ' on ' + system : browser;
}

/** Capitalised browser/system words for a session, preferring the server's own description. */
export function sessionAgent(s) {
  const text = s.browser || describeUserAgent(s.user_agent);
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
