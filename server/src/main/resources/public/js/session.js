// What every signed-in page shares: the header, signing out, the live "you were signed out" notice
// (server-sent events, and any 401 session_ended), and the warning before idle logout.
//
// The countdown follows the Session-Timeout header of every API answer. Background checks carry
// X-Session-Quiet: 1 so that polling never keeps an idle person signed in; only "Stay signed in"
// (or a real action on the page) extends the session.

import {
  api, uiUrl, onSessionEnded, onNotAuthenticated, onSessionTimeout, onReauthenticationRequired,
} from './api.js';
import { h, formatTime, formatCountdown, aboutMinutes } from './format.js';
import { askForPassword } from './reauth.js';
import { messages } from './i18n.js';
import { endSentence } from './endings.js';

const t = await messages('common', 'notices');

/** Warn this many seconds before the session ends (less when the idle timeout itself is short). */
const WARN_SECONDS = 120;
const POLL_MS = 30_000;
const POLL_WARNING_MS = 10_000;

let ended = false;
let leaving = false;
let deadline = null; // ms since epoch when the session ends unless used
let longestLeft = 0; // the largest Session-Timeout seen: about the idle timeout
let absoluteEnd = null; // ms since epoch of the maximum lifetime, when known
let events = null;
let eventsRetryMs = 2_000;
let pollTimer = null;
let lastCheck = 0;
let warned = false;
let ui = null;

const UI_PAGE = /^(account|admin)\.html(#[a-z-]+)?$/;
const MAX_TARGET_LENGTH = 2048;

/* Return targets
 * `next` names where the sign-in page sends the browser afterwards: a page of this UI by name, or a
 * path of the same origin outside it (the page a proxy's sign-in redirect was asked for). The rule
 * for a path is the server's (ReturnTargets): exactly one leading "/", no "\" anywhere and no
 * control character, as sent and after percent-decoding once and twice, so an encoded "//" or "\"
 * cannot turn into another origin later; white space only in its encoded form (%20), and a malformed
 * escape makes the path unsafe. Whatever fails goes nowhere but the account page.
 */

function isPlainPath(value, asSent) {
  return value.length <= MAX_TARGET_LENGTH && value[0] === '/' && value[1] !== '/'
    && !value.includes('\\') && !/[\u0000-\u001f\u007f-\u009f]/.test(value)
    && !(asSent && /[\s\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/.test(value));
}

function percentDecoded(value) {
  try { return decodeURIComponent(value); } catch (e) { return null; }
}

function sameOriginPath(value) {
  const once = percentDecoded(value);
  const twice = once === null ? null : percentDecoded(once);
  if (!isPlainPath(value, true) || ![once, twice].every((v) => v !== null && isPlainPath(v, false))) {
    return null;
  }
  try {
    const url = new URL(value, location.origin);
    return url.origin === location.origin ? url.href : null;
  } catch (e) {
    return null;
  }
}

/** Where a sign-in may return to (an absolute URL of this origin), or null if value is not safe. */
export function safeNext(value) {
  if (typeof value !== 'string') return null;
  return UI_PAGE.test(value) ? uiUrl(value) : sameOriginPath(value);
}

function currentPage() {
  const file = location.pathname.split('/').pop() || 'account.html';
  const page = [file + location.hash, file].find((name) => UI_PAGE.test(name));
  return page || 'account.html';
}

function signInHref() {
  return uiUrl('index.html?next=' + encodeURIComponent(currentPage()));
}

/** Says something to screen readers (and shows nothing). */
export function announce(text) {
  const live = document.getElementById('live-notice');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

function buildUi() {
  const live = h('div', { id: 'live-notice', class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });

  const warningText = h('p', { id: 'idle-warning-text' });
  const countdown = h('strong', { id: 'idle-countdown', 'data-test': 'idle-countdown' });
  const stay = h('button', { type: 'button', id: 'stay-signed-in', 'data-test': 'stay-signed-in', class: 'primary' }, t('stay_signed_in'));
  const warning = h('section', {
    id: 'idle-warning', 'data-test': 'idle-warning', class: 'banner banner-warning', hidden: true,
    'aria-labelledby': 'idle-warning-title',
  },
  h('div', { class: 'banner-body' },
    h('h2', { id: 'idle-warning-title', class: 'banner-title' }, t('idle_warning_title')),
    warningText,
    h('p', { class: 'countdown' }, t('time_left'), ' ', countdown)),
  h('div', { class: 'banner-actions' }, stay));
  stay.addEventListener('click', staySignedIn);

  const endedBanner = h('section', {
    id: 'session-ended-banner', 'data-test': 'session-ended-banner', class: 'banner banner-danger', hidden: true,
    'aria-labelledby': 'session-ended-banner-title',
  },
  h('div', { class: 'banner-body' },
    h('h2', { id: 'session-ended-banner-title', class: 'banner-title' }, t('signed_out_banner_title')),
    h('p', { id: 'session-ended-banner-message' })),
  h('div', { class: 'banner-actions' }, h('a', { class: 'button primary', href: signInHref() }, t('sign_in_again'))));

  const dialog = h('dialog', {
    id: 'session-ended', 'data-test': 'session-ended-notice', class: 'modal',
    'aria-labelledby': 'session-ended-title', 'aria-describedby': 'session-ended-message',
  },
  h('h2', { id: 'session-ended-title' }, t('signed_out_title')),
  h('p', { id: 'session-ended-message', 'data-test': 'session-ended-message', class: 'lead' }),
  h('p', { id: 'session-ended-time', class: 'muted' }),
  h('div', { class: 'actions' },
    h('a', { id: 'session-ended-signin', 'data-test': 'session-ended-signin', class: 'button primary', href: signInHref() }, t('sign_in_again')),
    h('button', { type: 'button', id: 'session-ended-close', class: 'secondary' }, t('stay_on_this_page'))));
  dialog.querySelector('#session-ended-close').addEventListener('click', () => closeDialog(dialog));
  dialog.addEventListener('cancel', () => { endedBanner.hidden = false; });

  const header = document.querySelector('header.topbar');
  (header || document.body.firstChild).after(warning, endedBanner);
  document.body.append(live, dialog);
  return { live, warning, warningText, countdown, stay, endedBanner, dialog };
}

function closeDialog(dialog) {
  if (typeof dialog.close === 'function' && dialog.open) dialog.close();
  else dialog.removeAttribute('open');
  ui.endedBanner.hidden = false;
  const main = document.getElementById('main');
  if (main) main.focus();
}

/**
 * Shows that this session has ended, and why, without a reload. body is the 401 session_ended body
 * or the session_ended event's data ({reason, message, ended_at, ...}).
 */
export function showSessionEnded(body) {
  if (ended || leaving) return;
  ended = true;
  stopWatching();
  if (!ui) ui = buildUi();
  const message = endSentence(body);
  const reason = body && body.reason;
  document.body.classList.add('session-over');
  const who = document.getElementById('signed-in-as');
  if (who) who.textContent = t('signed_out');
  const signOutButton = document.getElementById('sign-out');
  if (signOutButton) signOutButton.hidden = true;
  ui.warning.hidden = true;
  document.getElementById('session-ended-title').textContent =
    reason === 'logged_out' ? t('this_session_signed_out_title') : t('signed_out_title');
  document.getElementById('session-ended-message').textContent = message;
  document.getElementById('session-ended-banner-message').textContent = message;
  document.getElementById('session-ended-time').textContent =
    body && body.ended_at ? t('ended_at', { time: formatTime(body.ended_at) }) : '';
  const dialog = ui.dialog;
  if (typeof dialog.showModal === 'function') {
    if (!dialog.open) dialog.showModal();
  } else {
    dialog.setAttribute('open', '');
  }
  document.getElementById('session-ended-signin').focus();
  announce(message);
}

function stopWatching() {
  if (events) { events.close(); events = null; }
  if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
}

function connectEvents() {
  if (ended || leaving || !('EventSource' in window)) return;
  const source = new EventSource(uiUrl('api/v1/me/events'));
  events = source;
  source.addEventListener('open', () => { eventsRetryMs = 2_000; });
  source.addEventListener('session_ended', (e) => {
    let data = {};
    try { data = JSON.parse(e.data); } catch (err) { data = { message: e.data }; }
    showSessionEnded(data);
  });
  source.addEventListener('error', () => {
    if (ended || leaving || source.readyState !== EventSource.CLOSED) return;
    // The server refused the stream (for instance 401): ask quietly why, then try again later.
    events = null;
    checkQuietly().finally(() => {
      if (!ended && !leaving) {
        setTimeout(connectEvents, eventsRetryMs);
        eventsRetryMs = Math.min(eventsRetryMs * 2, 60_000);
      }
    });
  });
}

/** GET /api/v1/me without extending the session; its answer updates the countdown or ends it. */
async function checkQuietly() {
  if (ended || leaving) return;
  lastCheck = Date.now();
  try {
    await api('GET', 'api/v1/me', { quiet: true });
  } catch (e) {
    // 401s are handled by the listeners; other failures wait for the next poll.
  }
}

function schedulePoll() {
  if (ended || leaving) return;
  if (pollTimer) clearTimeout(pollTimer);
  const warning = ui && !ui.warning.hidden;
  pollTimer = setTimeout(async () => {
    await checkQuietly();
    schedulePoll();
  }, warning ? POLL_WARNING_MS : POLL_MS);
}

function warnSeconds() {
  return Math.min(WARN_SECONDS, Math.max(15, Math.floor(longestLeft / 2)));
}

function secondsLeft() {
  return deadline === null ? null : (deadline - Date.now()) / 1000;
}

function atMaximumLifetime() {
  return absoluteEnd !== null && deadline !== null && Math.abs(absoluteEnd - deadline) < 2_000;
}

function tick() {
  if (ended || leaving || deadline === null) return;
  const left = secondsLeft();
  if (left <= 0) {
    ui.countdown.textContent = formatCountdown(0);
    if (Date.now() - lastCheck > 2_000) checkQuietly();
    return;
  }
  if (left <= warnSeconds()) {
    const lifetime = atMaximumLifetime();
    ui.warningText.textContent = lifetime
      ? t('lifetime_warning', { time: formatTime(new Date(deadline).toISOString()) })
      : t('idle_warning');
    ui.stay.hidden = lifetime;
    ui.countdown.textContent = formatCountdown(left);
    if (ui.warning.hidden) {
      ui.warning.hidden = false;
      schedulePoll();
    }
    if (!warned) {
      warned = true;
      announce(t(lifetime ? 'lifetime_announcement' : 'idle_announcement', { minutes: aboutMinutes(left) }));
    }
  } else if (!ui.warning.hidden) {
    ui.warning.hidden = true;
    warned = false;
    schedulePoll();
  }
}

async function staySignedIn() {
  ui.stay.disabled = true;
  const before = deadline;
  try {
    await api('GET', 'api/v1/me');
    if (before !== null && deadline !== null && deadline - before < 2_000) {
      absoluteEnd = deadline; // it did not move: this is the maximum lifetime
      tick();
    } else {
      announce(t('still_signed_in'));
    }
  } catch (e) {
    if (e.status !== 401) announce(e.message);
  } finally {
    ui.stay.disabled = false;
  }
}

/** Signs this session out (POST /api/v1/logout) and goes to the sign-in page. */
export async function signOut() {
  leaving = true;
  stopWatching();
  let providerLogout = null;
  try {
    const { data } = await api('POST', 'api/v1/logout');
    // A session opened through the identity provider: sign out there too (its page comes back here).
    if (data && typeof data.provider_logout === 'string' && /^https?:\/\//i.test(data.provider_logout)) {
      providerLogout = data.provider_logout;
    }
  } catch (e) {
    if (e.status !== 401) {
      leaving = false;
      announce(t('sign_out_failed', { message: e.message }));
      alertInPage(t('sign_out_failed', { message: e.message }));
      connectEvents();
      schedulePoll();
      return;
    }
  }
  location.assign(providerLogout || uiUrl('index.html'));
}

function alertInPage(text) {
  const box = document.getElementById('page-error');
  if (box) { box.textContent = text; box.hidden = false; }
}

/**
 * Starts a signed-in page: checks the session (sending the visitor to sign in if there is none),
 * fills the header, and starts the live notice and the idle countdown. Resolves to the
 * GET /api/v1/me body ({user, session}), or null when the visitor is being sent away.
 */
export async function startSignedInPage() {
  ui = buildUi();
  const signOutButton = document.getElementById('sign-out');
  if (signOutButton) signOutButton.addEventListener('click', signOut);

  onSessionTimeout((seconds) => {
    deadline = Date.now() + seconds * 1000;
    longestLeft = Math.max(longestLeft, seconds);
    tick();
  });

  let me;
  try {
    me = (await api('GET', 'api/v1/me')).data || {};
  } catch (e) {
    if (e.status === 401) {
      location.replace(signInHref());
      return null;
    }
    alertInPage(t('account_not_loaded', { message: e.message }));
    return null;
  }

  onSessionEnded((body) => showSessionEnded(body));
  onReauthenticationRequired(askForPassword);
  onNotAuthenticated(() => showSessionEnded({ message: t('no_longer_signed_in') }));

  const user = me.user || {};
  const session = me.session || {};
  if (session.absolute_expires_at) absoluteEnd = new Date(session.absolute_expires_at).getTime();
  if (deadline === null && session.expires_at) deadline = new Date(session.expires_at).getTime();

  const who = document.getElementById('signed-in-as');
  if (who) who.replaceChildren(t('signed_in_as'), ' ', h('strong', {}, user.username || ''));
  document.querySelectorAll('[data-admin-only]').forEach((el) => { el.hidden = !user.admin; });

  connectEvents();
  schedulePoll();
  setInterval(tick, 1000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - lastCheck > 5_000) checkQuietly();
  });
  return me;
}
