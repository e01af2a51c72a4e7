// My account: the caller's active sessions, with "this device" marked, and signing them out;
// changing the password.

import { api, plural } from './api.js';
import { h, timeEl, sessionAgent, sessionAddress, listFrom, limitText } from './format.js';
import { startSignedInPage, signOut } from './session.js';
import { startMfaCard } from './mfa.js';

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
  return (s.device ? '“' + s.device + '” (' + agent + ')' : agent) + (where ? ' from ' + where : '');
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
    s.user && s.user !== mine ? ' — ' + s.user + '’s session' : '',
    s.created_at ? [', signed in ', timeEl(s.created_at)] : ''));
  box.replaceChildren(
    h('p', { class: 'strong' }, 'Signing in here signed out ' + plural(ended.length, 'other session')
      + ' to stay within the session limit:'),
    h('ul', {}, items));
  box.hidden = false;
}

function renderSummary() {
  const limit = me && me.user ? me.user.sessions_limit : undefined;
  let text = 'You have ' + plural(sessions.length, 'active session') + '.';
  if (typeof limit === 'number') text += ' Your own limit is ' + limitText(limit) + '.';
  summary.textContent = text;
}

function row(s) {
  const current = s.current === true;
  const deviceCell = h('td', { 'data-label': 'Device' },
    s.device ? h('strong', { class: 'device-label' }, s.device) : null,
    h('span', { class: 'agent' + (s.device ? ' muted' : '') }, sessionAgent(s)),
    current ? h('span', { class: 'badge badge-current', 'data-test': 'this-device' }, 'This device') : null);
  const button = current
    ? h('button', { type: 'button', class: 'secondary small', 'data-test': 'sign-out-current', onclick: signOut }, 'Sign out')
    : h('button', {
      type: 'button', class: 'danger-outline small', 'data-test': 'sign-out-session',
      'aria-label': 'Sign out ' + describe(s), onclick: () => endOne(s),
    }, 'Sign out');
  return h('tr', {
    'data-test': 'my-session', 'data-session-id': s.id, 'data-current': String(current), class: current ? 'is-current' : '',
  },
  deviceCell,
  h('td', { 'data-label': 'Address' }, h('span', { class: 'mono' }, sessionAddress(s) || '—')),
  h('td', { 'data-label': 'Signed in' }, timeEl(s.created_at)),
  h('td', { 'data-label': 'Last seen' }, timeEl(s.last_seen_at, { withRelative: true })),
  h('td', { 'data-label': 'Expires' }, timeEl(s.expires_at, { withRelative: true })),
  h('td', { class: 'cell-actions' }, button));
}

function render() {
  sessions.sort((a, b) => (b.current === true) - (a.current === true)
    || String(b.last_seen_at || '').localeCompare(String(a.last_seen_at || '')));
  body.replaceChildren(...(sessions.length
    ? sessions.map(row)
    : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No active sessions.'))]));
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
    if (e.status !== 401) say('Your sessions could not be loaded: ' + e.message, 'error');
    return false;
  }
}

async function endOne(s) {
  say('Signing out ' + describe(s) + '…');
  try {
    await api('DELETE', 'api/v1/me/sessions/' + encodeURIComponent(s.id));
    say('Signed out ' + describe(s) + '.');
  } catch (e) {
    if (e.status === 404) say('That session had already ended.');
    else if (e.status !== 401) { say('Could not sign out ' + describe(s) + ': ' + e.message, 'error'); return; }
  }
  sessions = sessions.filter((x) => x.id !== s.id);
  render();
  document.getElementById('sessions-title').focus();
}

async function endOthers() {
  const others = sessions.filter((s) => s.current !== true);
  if (!others.length) return;
  othersButton.disabled = true;
  say('Signing out ' + plural(others.length, 'other session') + '…');
  try {
    const { data } = await api('DELETE', 'api/v1/me/sessions');
    const done = data && Array.isArray(data.ended_sessions) ? data.ended_sessions.length : 0;
    say('Signed out ' + plural(done, 'other session') + '. Only this device is signed in now.');
  } catch (e) {
    if (e.status === 401) return;
    say('Your other sessions were not signed out: ' + e.message, 'error');
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
  if (!current) passwordFieldError('current_password', 'Enter your current password.');
  if (!next) passwordFieldError('new_password', 'Enter a new password.');
  else if (confirm !== next) passwordFieldError('confirm_password', 'This does not match the new password.');
  const invalid = passwordForm.querySelector('[aria-invalid="true"]');
  if (invalid) {
    sayPassword('Your password was not changed: fix the marked fields.', 'error');
    invalid.focus();
    return;
  }
  const button = document.getElementById('password-submit');
  button.disabled = true;
  sayPassword('Changing your password…');
  try {
    const { data } = await api('POST', 'api/v1/me/password',
      { body: { current_password: current, new_password: next } });
    passwordForm.reset();
    const ended = data && Array.isArray(data.ended_sessions) ? data.ended_sessions.length : 0;
    sayPassword('Your password is changed.' + (ended
      ? ' ' + plural(ended, 'other session') + (ended === 1 ? ' was' : ' were') + ' signed out.' : ''));
    await load();
  } catch (e) {
    if (e.status === 401) return;
    if (e.code === 'wrong_password') passwordFieldError('current_password', e.message);
    for (const [name, text] of Object.entries(e.fields)) passwordFieldError(name, text);
    sayPassword('Your password was not changed: ' + e.message, 'error');
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
    if (await load()) say('Updated.');
  });
  startMfaCard();
  await load();
}

start();
