// My account: the caller's active sessions, with "this device" marked, and signing them out;
// changing the password.

import { api } from './api.js';
import { h, timeEl, sessionAgent, sessionAddress, listFrom, limitText } from './format.js';
import { startSignedInPage, signOut } from './session.js';
import { startMfaCard } from './mfa.js';
import { messages, translatePage } from './i18n.js';

const t = await messages('common', 'account');
translatePage(t);

const ENDED_KEY = 'sessionlimits.endedOnLogin';

const body = document.getElementById('my-sessions-body');
const status = document.getElementById('sessions-status');
const summary = document.getElementById('sessions-summary');
const othersButton = document.getElementById('sign-out-others');
let me = null;
let sessions = [];

function say(text, kind = 'ok') {
  status.textContent = text;
  status.dataset.kind = kind;
}

function describe(s) {
  const agent = sessionAgent(s);
  const where = sessionAddress(s);
  const what = s.device ? t('session_named', { device: s.device, agent }) : agent;
  return where ? t('session_from', { what, address: where }) : what;
}

function showLoginEvictions() {
  let ended = [];
  try {
    ended = JSON.parse(sessionStorage.getItem(ENDED_KEY) || '[]');
    sessionStorage.removeItem(ENDED_KEY);
  } catch (e) { ended = []; }
  if (!Array.isArray(ended) || !ended.length) return;
  const box = document.getElementById('login-evictions');
  const mine = me && me.user ? me.user.username : null;
  const items = ended.map((s) => h('li', {},
    describe(s),
    s.user && s.user !== mine ? ' — ' + t('users_session', { user: s.user }) : '',
    s.created_at ? [', ', t('signed_in_at'), ' ', timeEl(s.created_at)] : ''));
  box.replaceChildren(
    h('p', { class: 'strong' }, t('evicted_on_login', { count: ended.length })),
    h('ul', {}, items));
  box.hidden = false;
}

function renderSummary() {
  const limit = me && me.user ? me.user.sessions_limit : undefined;
  let text = t('summary', { count: sessions.length });
  if (typeof limit === 'number') text += ' ' + t('own_limit', { limit: limitText(limit) });
  summary.textContent = text;
}

function row(s) {
  const current = s.current === true;
  const deviceCell = h('td', { 'data-label': t('col_device') },
    s.device ? h('strong', { class: 'device-label' }, s.device) : null,
    h('span', { class: 'agent' + (s.device ? ' muted' : '') }, sessionAgent(s)),
    current ? h('span', { class: 'badge badge-current', 'data-test': 'this-device' }, t('this_device')) : null);
  const button = current
    ? h('button', { type: 'button', class: 'secondary small', 'data-test': 'sign-out-current', onclick: signOut }, t('sign_out'))
    : h('button', {
      type: 'button', class: 'danger-outline small', 'data-test': 'sign-out-session',
      'aria-label': t('sign_out_session', { session: describe(s) }), onclick: () => endOne(s),
    }, t('sign_out'));
  return h('tr', {
    'data-test': 'my-session', 'data-session-id': s.id, 'data-current': String(current), class: current ? 'is-current' : '',
  },
  deviceCell,
  h('td', { 'data-label': t('col_address') }, h('span', { class: 'mono' }, sessionAddress(s) || '—')),
  h('td', { 'data-label': t('col_signed_in') }, timeEl(s.created_at)),
  h('td', { 'data-label': t('col_last_seen') }, timeEl(s.last_seen_at, { withRelative: true })),
  h('td', { 'data-label': t('col_expires') }, timeEl(s.expires_at, { withRelative: true })),
  h('td', { class: 'cell-actions' }, button));
}

function render() {
  sessions.sort((a, b) => (b.current === true) - (a.current === true)
    || String(b.last_seen_at || '').localeCompare(String(a.last_seen_at || '')));
  body.replaceChildren(...(sessions.length
    ? sessions.map(row)
    : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('no_sessions')))]));
  othersButton.disabled = !sessions.some((s) => s.current !== true);
  renderSummary();
}

async function load() {
  try {
    const { data } = await api('GET', 'api/v1/me/sessions');
    sessions = listFrom(data, 'sessions', 'items');
    render();
    return true;
  } catch (e) {
    if (e.status !== 401) say(t('sessions_not_loaded', { message: e.message }), 'error');
    return false;
  }
}

async function endOne(s) {
  say(t('signing_out_session', { session: describe(s) }));
  try {
    await api('DELETE', 'api/v1/me/sessions/' + encodeURIComponent(s.id));
    say(t('signed_out_session', { session: describe(s) }));
  } catch (e) {
    if (e.status === 404) say(t('already_ended'));
    else if (e.status !== 401) {
      say(t('could_not_sign_out', { session: describe(s), message: e.message }), 'error');
      return;
    }
  }
  sessions = sessions.filter((x) => x.id !== s.id);
  render();
  document.getElementById('sessions-title').focus();
}

async function endOthers() {
  const others = sessions.filter((s) => s.current !== true);
  if (!others.length) return;
  othersButton.disabled = true;
  say(t('signing_out_others', { count: others.length }));
  try {
    const { data } = await api('DELETE', 'api/v1/me/sessions');
    const done = data && Array.isArray(data.ended_sessions) ? data.ended_sessions.length : 0;
    say(t('signed_out_others', { count: done }));
  } catch (e) {
    if (e.status === 401) return;
    say(t('others_not_signed_out', { message: e.message }), 'error');
  }
  await load();
}

/* ------------------------------------------------------- change password */

const passwordForm = document.getElementById('password-form');
const passwordStatus = document.getElementById('password-status');
const PASSWORD_FIELDS = ['current_password', 'new_password', 'confirm_password'];

function sayPassword(text, kind = 'ok') {
  passwordStatus.textContent = text;
  passwordStatus.dataset.kind = kind;
}

function passwordFieldError(name, text) {
  const input = passwordForm.elements[name];
  const err = input ? document.getElementById(input.id + '-error') : null;
  if (!err) return false;
  err.textContent = text || '';
  err.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  return true;
}

async function changePassword(event) {
  event.preventDefault();
  PASSWORD_FIELDS.forEach((n) => passwordFieldError(n, ''));
  const current = passwordForm.elements.current_password.value;
  const next = passwordForm.elements.new_password.value;
  const confirm = passwordForm.elements.confirm_password.value;
  if (!current) passwordFieldError('current_password', t('enter_current'));
  if (!next) passwordFieldError('new_password', t('enter_new'));
  else if (confirm !== next) passwordFieldError('confirm_password', t('confirm_mismatch'));
  const invalid = passwordForm.querySelector('[aria-invalid="true"]');
  if (invalid) {
    sayPassword(t('password_fix_fields'), 'error');
    invalid.focus();
    return;
  }
  const button = document.getElementById('password-submit');
  button.disabled = true;
  sayPassword(t('changing_password'));
  try {
    const { data } = await api('POST', 'api/v1/me/password',
      { body: { current_password: current, new_password: next } });
    passwordForm.reset();
    const ended = data && Array.isArray(data.ended_sessions) ? data.ended_sessions.length : 0;
    sayPassword(t('password_changed') + (ended ? ' ' + t('others_signed_out', { count: ended }) : ''));
    await load();
  } catch (e) {
    if (e.status === 401) return;
    if (e.code === 'wrong_password') passwordFieldError('current_password', e.message);
    for (const [name, text] of Object.entries(e.fields)) passwordFieldError(name, text);
    sayPassword(t('password_not_changed', { message: e.message }), 'error');
    const marked = passwordForm.querySelector('[aria-invalid="true"]');
    if (marked) marked.focus();
  } finally {
    button.disabled = false;
  }
}

async function start() {
  me = await startSignedInPage();
  if (!me) return;
  document.getElementById('sessions-title').setAttribute('tabindex', '-1');
  showLoginEvictions();
  othersButton.addEventListener('click', endOthers);
  passwordForm.addEventListener('submit', changePassword);
  document.getElementById('refresh-sessions').addEventListener('click', async () => {
    if (await load()) say(t('updated'));
  });
  startMfaCard();
  await load();
}

start();
