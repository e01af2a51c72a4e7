// Administration: settings, users, groups (groups.js), live sessions, applying limits now, and the
// audit log.

import { api, plural } from './api.js';
import {
  h, timeEl, sessionAgent, sessionAddress, listFrom, limitText, humanize, authMethodText,
} from './format.js';
import { startSignedInPage } from './session.js';
import { effectiveLimitText, loadGroups, setUpGroups, userGroupsCell } from './groups.js';

let me = null;

function setStatus(el, text, kind = 'ok') {
  el.textContent = text;
  el.dataset.kind = kind;
}

/* ------------------------------------------------------------------ tabs */

const TABS = ['settings', 'users', 'groups', 'sessions', 'enforce', 'audit'];
const loaded = new Set();
const loaders = {
  settings: () => loadSettings(),
  users: () => loadUsers(),
  groups: () => loadGroups(),
  sessions: () => loadSessions(),
  enforce: () => {},
  audit: () => loadAudit(true),
};

function selectTab(name, { focus = false, updateHash = true } = {}) {
  if (!TABS.includes(name)) name = 'settings';
  for (const t of TABS) {
    const tab = document.getElementById('tab-' + t);
    const on = t === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById('panel-' + t).hidden = !on;
  }
  if (focus) document.getElementById('tab-' + name).focus();
  if (updateHash && location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  if (!loaded.has(name)) {
    loaded.add(name);
    loaders[name]();
  }
}

function setUpTabs() {
  const list = document.querySelector('[role="tablist"]');
  list.addEventListener('click', (e) => {
    const tab = e.target.closest('[role="tab"]');
    if (tab) selectTab(tab.id.slice(4));
  });
  list.addEventListener('keydown', (e) => {
    const current = TABS.indexOf(document.activeElement.id.slice(4));
    if (current < 0) return;
    let next = null;
    if (e.key === 'ArrowRight') next = (current + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (current - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next === null) return;
    e.preventDefault();
    selectTab(TABS[next], { focus: true });
  });
  window.addEventListener('hashchange', () => selectTab(location.hash.slice(1), { updateHash: false }));
}

/** Replaces the whole page by the 403 sentence: this account may not administer. */
function showForbidden(message) {
  document.getElementById('admin-forbidden-message').textContent = message;
  document.getElementById('admin-forbidden').hidden = false;
  document.getElementById('admin-app').hidden = true;
}

/** Shows an API error in a panel's status line; 401s are shown by session.js. */
function panelError(el, prefix, e) {
  if (e.status === 401) return;
  if (e.status === 403 && e.code === 'forbidden') { showForbidden(e.message); return; }
  setStatus(el, (prefix ? prefix + ': ' : '') + e.message, 'error');
}

/* -------------------------------------------------------------- settings */

const settingsForm = document.getElementById('settings-form');
const settingsFields = document.getElementById('settings-fields');
const settingsStatus = document.getElementById('settings-status');
const settingsErrors = document.getElementById('settings-errors');
const settingsSave = document.getElementById('settings-save');
const settingsReset = document.getElementById('settings-reset');
const settingsDirty = document.getElementById('settings-dirty');
let schema = []; // normalised: {name, type, label, help, range, def, readOnly, source, file, choices}
let saved = {}; // name → value in force

const ACTION_WORDS = {
  DENY_ACCESS: 'Refuse the new login',
  DESTROY_NEXT_EXPIRING: 'Sign out the session that expires next',
  DESTROY_OLDEST_SESSION: 'Sign out the oldest session',
  DESTROY_OLD_SESSIONS: 'Sign out all existing sessions',
};

const SOURCE_WORDS = {
  default: 'the built-in default',
  api: 'this page (stored, shared by all nodes)',
  file: 'a configuration file',
};

function rangeText(range) {
  if (range === undefined || range === null) return '';
  if (Array.isArray(range)) return range.join(', ');
  if (typeof range === 'object') {
    const parts = [];
    if (range.special !== undefined && range.special !== null) parts.push(String(range.special));
    if (range.min !== undefined && range.max !== undefined) parts.push(range.min + '..' + range.max);
    return parts.join(', or ');
  }
  return String(range);
}

function normaliseSchema(data) {
  const src = (data && !Array.isArray(data) && (data.settings || data.schema)) || data || {};
  const list = Array.isArray(src) ? src : Object.entries(src).map(([name, v]) => ({ name, ...v }));
  return list.map((s) => {
    const range = s.valid_range ?? s.valid ?? s.range ?? s.valid_values;
    let choices = s.choices ?? s.options ?? s.values ?? s.actions ?? s.allowed_values;
    if (!Array.isArray(choices) && Array.isArray(range)) choices = range;
    if (!Array.isArray(choices) && typeof range === 'string' && /^one of /i.test(range)) {
      choices = range.replace(/^one of /i, '').split(/,\s*/).filter(Boolean);
    }
    const type = String(s.type || '').toLowerCase();
    return {
      name: s.name || s.key,
      type: Array.isArray(choices) && type !== 'boolean' ? 'choice' : type,
      label: s.label || s.name || s.key,
      help: s.help ?? s.help_text ?? s.description ?? '',
      range: rangeText(range),
      def: s.default ?? s.default_value,
      readOnly: s.read_only === true,
      source: s.source ?? (s.read_only ? 'file' : undefined),
      file: s.file ?? s.source_file ?? s.source_path ?? null,
      choices: Array.isArray(choices) ? choices.map(String) : null,
    };
  }).filter((s) => s.name);
}

function normaliseValues(data) {
  const src = (data && data.settings && typeof data.settings === 'object' && !Array.isArray(data.settings))
    ? data.settings : (data || {});
  const values = {};
  for (const [k, v] of Object.entries(src)) {
    values[k] = (v && typeof v === 'object' && 'value' in v) ? v.value : v;
  }
  return values;
}

function settingInput(s) {
  const id = 'setting-' + s.name;
  const described = [id + '-help', id + '-range', s.readOnly ? id + '-readonly' : null,
    s.name === 'AUTH_BASIC_ENABLED' ? id + '-warning' : null, id + '-error'].filter(Boolean).join(' ');
  const common = {
    id, name: s.name, 'data-test': 'setting-input', 'data-setting': s.name,
    'aria-describedby': described, disabled: s.readOnly, 'aria-readonly': s.readOnly ? 'true' : null,
  };
  if (s.type === 'boolean') return h('input', { ...common, type: 'checkbox', class: 'switch' });
  if (s.type === 'choice') {
    return h('select', common, s.choices.map((c) => h('option', { value: c }, ACTION_WORDS[c] || c)));
  }
  if (s.type === 'integer' || s.type === 'number' || s.type === 'long') {
    return h('input', { ...common, type: 'text', inputmode: 'numeric', pattern: '-?[0-9]*', autocomplete: 'off', class: 'num' });
  }
  return h('input', { ...common, type: 'text', autocomplete: 'off' });
}

function renderSettings() {
  const blocks = schema.map((s) => {
    const id = 'setting-' + s.name;
    const input = settingInput(s);
    const label = h('label', { for: id }, s.label, ' ', h('code', { class: 'setting-name' }, s.name));
    const head = s.type === 'boolean'
      ? h('div', { class: 'setting-head check' }, input, label)
      : h('div', { class: 'setting-head' + (s.type === 'choice' ? ' stack' : '') }, label, input);
    const showRange = s.range && s.type !== 'boolean' && s.type !== 'choice';
    const defText = s.def === undefined ? ''
      : 'Default: ' + (s.type === 'boolean' ? (s.def === true || s.def === 'true' ? 'on' : 'off')
        : s.type === 'choice' && ACTION_WORDS[s.def] ? ACTION_WORDS[s.def].toLowerCase() : String(s.def)) + '.';
    return h('div', {
      class: 'setting' + (s.readOnly ? ' is-read-only' : ''), id: 'field-' + s.name,
      'data-setting': s.name, 'data-test': 'setting', 'data-read-only': String(s.readOnly),
    },
    head,
    h('p', { id: id + '-help', class: 'help' }, s.help),
    h('p', { id: id + '-range', class: 'range small' },
      showRange ? ['Valid: ', h('span', { class: 'mono', 'data-test': 'setting-range' }, s.range), '. '] : '',
      defText, ' ',
      h('span', { id: id + '-source', 'data-test': 'setting-source' })),
    s.readOnly ? h('p', { id: id + '-readonly', class: 'readonly-note', 'data-test': 'read-only-note' },
      h('span', { class: 'badge badge-locked' }, 'Read-only'), ' ',
      'Set in a configuration file' + (s.file ? ' (' + s.file + ')' : '')
        + ', so it cannot be changed here. Change it in that file and restart the server.') : null,
    s.name === 'AUTH_BASIC_ENABLED' ? h('p', { id: id + '-warning', class: 'warning-note', 'data-test': 'auth-basic-warning', role: 'note' },
      h('strong', {}, 'Bypasses session limits: '),
      'requests authenticated with HTTP Basic create no session and fall outside session limits. '
        + 'Leave this off unless a script truly needs it.') : null,
    h('p', { id: id + '-error', class: 'field-error', 'data-test': 'setting-error', hidden: true }));
  });
  settingsFields.replaceChildren(...blocks);
  settingsFields.addEventListener('input', updateDirty);
  settingsFields.addEventListener('change', updateDirty);
}

function fieldOf(name) {
  return document.getElementById('setting-' + name);
}

function showValues() {
  for (const s of schema) {
    const input = fieldOf(s.name);
    const value = saved[s.name];
    if (s.type === 'boolean') input.checked = value === true || value === 'true';
    else if (s.type === 'choice') {
      const text = value === undefined || value === null ? '' : String(value);
      if (text && ![...input.options].some((o) => o.value === text)) input.append(h('option', { value: text }, text));
      input.value = text;
    } else input.value = value === undefined || value === null ? '' : String(value);
    document.getElementById('setting-' + s.name + '-source').textContent =
      s.source ? 'Value from ' + (SOURCE_WORDS[s.source] || s.source) + '.' : '';
  }
  updateDirty();
}

/** {changed: {NAME: value}, problems: {NAME: sentence}} for the fields that differ from saved. */
function readChanges() {
  const changed = {};
  const problems = {};
  for (const s of schema) {
    if (s.readOnly) continue;
    const input = fieldOf(s.name);
    let value;
    if (s.type === 'boolean') value = input.checked;
    else if (s.type === 'integer' || s.type === 'number' || s.type === 'long') {
      const text = input.value.trim();
      if (!/^-?\d+$/.test(text)) {
        if (text !== String(saved[s.name] ?? '')) {
          problems[s.name] = s.label + ' must be a whole number' + (s.range ? ': ' + s.range : '') + '.';
        }
        continue;
      }
      value = Number(text);
    } else value = input.value;
    const before = saved[s.name];
    const same = (s.type === 'boolean') ? (before === true || before === 'true') === value
      : String(before ?? '') === String(value);
    if (!same) changed[s.name] = value;
  }
  return { changed, problems };
}

function updateDirty() {
  const { changed, problems } = readChanges();
  const names = new Set([...Object.keys(changed), ...Object.keys(problems)]);
  for (const s of schema) {
    document.getElementById('field-' + s.name).classList.toggle('is-changed', names.has(s.name));
  }
  settingsDirty.textContent = names.size ? plural(names.size, 'unsaved change') : '';
  settingsReset.disabled = names.size === 0;
}

function clearSettingErrors() {
  settingsErrors.hidden = true;
  settingsErrors.replaceChildren();
  for (const s of schema) {
    const err = document.getElementById('setting-' + s.name + '-error');
    err.hidden = true;
    err.textContent = '';
    fieldOf(s.name).removeAttribute('aria-invalid');
    document.getElementById('field-' + s.name).classList.remove('has-error');
  }
}

function showSettingErrors(fields, message) {
  const items = [];
  let first = null;
  for (const [name, sentence] of Object.entries(fields)) {
    const input = fieldOf(name);
    const s = schema.find((x) => x.name === name);
    if (input) {
      const err = document.getElementById('setting-' + name + '-error');
      err.textContent = sentence;
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      document.getElementById('field-' + name).classList.add('has-error');
      first = first || input;
      items.push(h('li', {}, h('a', { href: '#setting-' + name, onclick: (e) => { e.preventDefault(); input.focus(); } },
        (s ? s.label : name) + ': ' + sentence)));
    } else {
      items.push(h('li', {}, name + ': ' + sentence));
    }
  }
  settingsErrors.replaceChildren(
    h('p', { class: 'strong' }, 'Nothing was saved. ' + (items.length ? 'Fix the following and save again:' : message)),
    items.length ? h('ul', {}, items) : null);
  settingsErrors.hidden = false;
  settingsErrors.focus();
}

async function loadSettings() {
  settingsSave.disabled = true;
  try {
    const [schemaAnswer, valuesAnswer] = await Promise.all([
      api('GET', 'api/v1/settings/schema'),
      api('GET', 'api/v1/settings'),
    ]);
    schema = normaliseSchema(schemaAnswer.data);
    saved = normaliseValues(valuesAnswer.data);
    renderSettings();
    showValues();
    settingsSave.disabled = false;
  } catch (e) {
    settingsFields.replaceChildren();
    panelError(settingsStatus, 'The settings could not be loaded', e);
  }
}

async function saveSettings(event) {
  event.preventDefault();
  clearSettingErrors();
  setStatus(settingsStatus, '');
  const { changed, problems } = readChanges();
  if (Object.keys(problems).length) {
    showSettingErrors(problems);
    return;
  }
  const names = Object.keys(changed);
  if (!names.length) {
    setStatus(settingsStatus, 'There are no changes to save.');
    return;
  }
  settingsSave.disabled = true;
  setStatus(settingsStatus, 'Saving…');
  const before = { ...saved };
  try {
    const { data } = await api('PATCH', 'api/v1/settings', { body: changed });
    saved = data ? normaliseValues(data) : { ...saved, ...changed };
    try {
      schema.forEach((s) => { if (names.includes(s.name)) s.source = 'api'; });
      const fresh = normaliseSchema((await api('GET', 'api/v1/settings/schema')).data);
      for (const s of fresh) {
        const mine = schema.find((x) => x.name === s.name);
        if (mine) mine.source = s.source;
      }
    } catch (e) { /* sources stay as guessed */ }
    showValues();
    const summary = names.map((n) => {
      const s = schema.find((x) => x.name === n);
      return (s ? s.label : n) + ': ' + String(before[n]) + ' → ' + String(saved[n]);
    });
    setStatus(settingsStatus, 'Saved ' + plural(names.length, 'change') + '. ' + summary.join('; ') + '.');
  } catch (e) {
    if (e.status === 400 && Object.keys(e.fields).length) showSettingErrors(e.fields, e.message);
    else if (e.status !== 401) showSettingErrors({}, e.message);
    setStatus(settingsStatus, 'Nothing was saved.', 'error');
  } finally {
    settingsSave.disabled = false;
  }
}

function undoSettings() {
  clearSettingErrors();
  showValues();
  setStatus(settingsStatus, 'Changes undone.');
}

/* ----------------------------------------------------------------- users */

const usersBody = document.getElementById('users-body');
const usersStatus = document.getElementById('users-status');
const createForm = document.getElementById('user-create-form');

function parseLimit(text) {
  const t = String(text).trim();
  if (t === '') return { value: null };
  if (!/^-?\d+$/.test(t)) return { error: 'The session limit must be a whole number: -1, or 1 to 100000; leave it empty for the global value.' };
  return { value: Number(t) };
}

function userRow(u, index) {
  const self = me && me.user && me.user.username === u.username;
  const limitId = 'limit-' + u.username;
  const limitInput = h('input', {
    id: limitId, type: 'text', inputmode: 'numeric', class: 'num narrow', placeholder: 'Global',
    value: u.sessions_limit === null || u.sessions_limit === undefined ? '' : String(u.sessions_limit),
    'data-test': 'user-limit', 'aria-describedby': 'limit-help-' + u.username,
  });
  const saveLimit = h('button', { type: 'button', class: 'secondary small', 'data-test': 'user-limit-save' }, 'Save');
  const setLimit = async () => {
    const parsed = parseLimit(limitInput.value);
    if (parsed.error) { setStatus(usersStatus, parsed.error, 'error'); limitInput.focus(); return; }
    await changeUser(u, { sessions_limit: parsed.value },
      'The session limit of ' + u.username + ' is now ' + limitText(parsed.value) + '.');
  };
  saveLimit.addEventListener('click', setLimit);
  limitInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); setLimit(); } });

  return h('tr', { 'data-test': 'user-row', 'data-username': u.username, class: u.disabled ? 'is-disabled' : '' },
    h('th', { scope: 'row', 'data-label': 'User' },
      h('span', { class: 'mono' }, u.username),
      self ? h('span', { class: 'muted' }, ' (you)') : null,
      u.admin ? h('span', { class: 'badge' }, 'Admin') : null),
    h('td', { 'data-label': 'Status' }, u.disabled
      ? h('span', { class: 'badge badge-off' }, 'Disabled') : h('span', { class: 'badge badge-on' }, 'Active')),
    h('td', { 'data-label': 'Session limit' },
      h('label', { for: limitId, class: 'visually-hidden' }, 'Session limit of ' + u.username),
      h('div', { class: 'inline' }, limitInput, saveLimit),
      h('p', { id: 'limit-help-' + u.username, class: 'help small' },
        u.sessions_limit === null || u.sessions_limit === undefined
          ? 'Uses the highest group limit, else “Sessions per user”.' : 'Own limit: ' + limitText(u.sessions_limit) + '.')),
    h('td', { 'data-label': 'Effective limit', 'data-test': 'user-effective-limit' }, effectiveLimitText(u)),
    userGroupsCell(u, index, async (text) => { setStatus(usersStatus, text); await loadUsers(); },
      (prefix, e) => panelError(usersStatus, prefix, e)),
    h('td', { class: 'cell-actions' },
      h('button', {
        type: 'button', class: 'secondary small', 'data-test': u.disabled ? 'user-enable' : 'user-disable',
        onclick: () => changeUser(u, { disabled: !u.disabled },
          u.disabled ? u.username + ' is enabled and can sign in again.'
            : u.username + ' is disabled and can no longer sign in.'),
      }, u.disabled ? 'Enable' : 'Disable'),
      h('button', {
        type: 'button', class: 'secondary small', 'data-test': 'user-sign-out-all',
        onclick: () => signOutUser(u),
      }, 'Sign out all sessions'),
      h('button', {
        type: 'button', class: 'danger-outline small', 'data-test': 'user-delete',
        onclick: () => deleteUser(u),
      }, 'Delete')));
}

async function loadUsers() {
  try {
    const { data } = await api('GET', 'api/v1/users');
    const users = listFrom(data, 'users', 'items');
    users.sort((a, b) => a.username.localeCompare(b.username));
    usersBody.replaceChildren(...(users.length ? users.map(userRow)
      : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No users.'))]));
  } catch (e) {
    usersBody.replaceChildren();
    panelError(usersStatus, 'The users could not be loaded', e);
  }
}

async function changeUser(u, patch, doneText) {
  try {
    await api('PATCH', 'api/v1/users/' + encodeURIComponent(u.username), { body: patch });
    setStatus(usersStatus, doneText);
    await loadUsers();
  } catch (e) {
    const fieldText = Object.values(e.fields).join(' ');
    panelError(usersStatus, 'Could not change ' + u.username, fieldText ? { status: e.status, message: fieldText } : e);
  }
}

function countFrom(data) {
  if (!data) return null;
  for (const k of ['ended', 'count', 'ended_count']) if (Number.isFinite(data[k])) return data[k];
  const list = listFrom(data, 'ended_sessions', 'sessions', 'ended');
  return Array.isArray(data) || list.length ? list.length : null;
}

async function signOutUser(u) {
  try {
    const { data } = await api('DELETE', 'api/v1/users/' + encodeURIComponent(u.username) + '/sessions');
    const n = countFrom(data);
    setStatus(usersStatus, n === null ? 'Signed out every session of ' + u.username + '.'
      : 'Signed out ' + plural(n, 'session') + ' of ' + u.username + '.');
  } catch (e) {
    panelError(usersStatus, 'Could not sign out ' + u.username, e);
  }
}

async function deleteUser(u) {
  if (!window.confirm('Delete the user ' + u.username + '? Their sessions end and the account cannot be recovered.')) return;
  try {
    await api('DELETE', 'api/v1/users/' + encodeURIComponent(u.username));
    setStatus(usersStatus, 'Deleted ' + u.username + '.');
    await loadUsers();
    document.getElementById('tab-users').focus();
  } catch (e) {
    panelError(usersStatus, 'Could not delete ' + u.username, e);
  }
}

function createFieldError(name, text) {
  const input = createForm.elements[name];
  const id = input ? input.id + '-error' : null;
  const err = id ? document.getElementById(id) : null;
  if (!err) return false;
  err.textContent = text || '';
  err.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  return true;
}

async function createUser(event) {
  event.preventDefault();
  ['username', 'password', 'sessions_limit'].forEach((n) => createFieldError(n, ''));
  const username = createForm.elements.username.value.trim();
  const password = createForm.elements.password.value;
  const limit = parseLimit(createForm.elements.sessions_limit.value);
  if (!username) createFieldError('username', 'Enter a username.');
  if (!password) createFieldError('password', 'Enter a password.');
  if (limit.error) createFieldError('sessions_limit', limit.error);
  if (!username || !password || limit.error) {
    setStatus(usersStatus, 'The user was not created: fix the marked fields.', 'error');
    createForm.querySelector('[aria-invalid="true"]').focus();
    return;
  }
  const body = { username, password, admin: createForm.elements.admin.checked, sessions_limit: limit.value };
  try {
    await api('POST', 'api/v1/users', { body });
    createForm.reset();
    setStatus(usersStatus, 'Created the user ' + username + '.');
    await loadUsers();
    createForm.elements.username.focus();
  } catch (e) {
    const rest = [];
    for (const [name, text] of Object.entries(e.fields)) if (!createFieldError(name, text)) rest.push(text);
    panelError(usersStatus, 'The user was not created', Object.keys(e.fields).length && !rest.length
      ? { status: e.status, message: 'fix the marked fields.' } : e);
    const invalid = createForm.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }
}

/* ------------------------------------------------------------- sessions */

const sessionsBody = document.getElementById('admin-sessions-body');
const sessionsStatus = document.getElementById('admin-sessions-status');
const filterForm = document.getElementById('sessions-filter');

function sessionLine(s) {
  const agent = sessionAgent(s);
  return (s.user ? s.user + ' on ' : '') + (s.device ? '“' + s.device + '” (' + agent + ')' : agent)
    + (sessionAddress(s) ? ' from ' + sessionAddress(s) : '');
}

function adminSessionRow(s) {
  return h('tr', { 'data-test': 'admin-session', 'data-session-id': s.id, 'data-user': s.user, class: s.current ? 'is-current' : '' },
    h('th', { scope: 'row', 'data-label': 'User' }, h('span', { class: 'mono' }, s.user || '')),
    h('td', { 'data-label': 'Device' },
      s.device ? h('strong', { class: 'device-label' }, s.device) : null,
      h('span', { class: 'agent' + (s.device ? ' muted' : '') }, sessionAgent(s)),
      s.current ? h('span', { class: 'badge badge-current' }, 'This session') : null),
    h('td', { 'data-label': 'Address' }, h('span', { class: 'mono' }, sessionAddress(s) || '—')),
    h('td', { 'data-label': 'Signed in with', 'data-test': 'auth-method' }, authMethodText(s.auth_method)),
    h('td', { 'data-label': 'Signed in' }, timeEl(s.created_at)),
    h('td', { 'data-label': 'Last seen' }, timeEl(s.last_seen_at, { withRelative: true })),
    h('td', { 'data-label': 'Expires' }, timeEl(s.expires_at, { withRelative: true })),
    h('td', { class: 'cell-actions' }, h('button', {
      type: 'button', class: 'danger-outline small', 'data-test': 'revoke-session',
      'aria-label': 'Revoke the session of ' + sessionLine(s), onclick: () => revoke(s),
    }, 'Revoke')));
}

async function loadSessions() {
  const user = filterForm.elements.user.value.trim();
  const ip = filterForm.elements.ip.value.trim();
  try {
    const { data } = await api('GET', 'api/v1/sessions', { query: { user, ip } });
    const list = listFrom(data, 'sessions', 'items');
    sessionsBody.replaceChildren(...(list.length ? list.map(adminSessionRow)
      : [h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No active sessions match.'))]));
    const filters = [user && 'user “' + user + '”', ip && 'address ' + ip].filter(Boolean);
    setStatus(sessionsStatus, plural(list.length, 'active session') + (filters.length ? ' for ' + filters.join(' and ') : '') + '.');
  } catch (e) {
    sessionsBody.replaceChildren();
    panelError(sessionsStatus, 'The sessions could not be loaded', e);
  }
}

async function revoke(s) {
  if (s.current && !window.confirm('This is your own session on this browser. Revoke it and be signed out?')) return;
  try {
    await api('DELETE', 'api/v1/sessions/' + encodeURIComponent(s.id));
    setStatus(sessionsStatus, 'Revoked: ' + sessionLine(s) + '. They are told an administrator signed them out.');
  } catch (e) {
    if (e.status === 404) setStatus(sessionsStatus, 'That session had already ended.');
    else { panelError(sessionsStatus, 'Could not revoke the session', e); return; }
  }
  const row = sessionsBody.querySelector('[data-session-id="' + CSS.escape(s.id) + '"]');
  if (row) row.remove();
  document.getElementById('filter-user').focus();
}

/* -------------------------------------------------------------- enforce */

const enforceResult = document.getElementById('enforce-result');
const enforceConfirm = document.getElementById('enforce-confirm');
const enforcePreview = document.getElementById('enforce-preview');

function enforceList(data) {
  return listFrom(data, 'sessions', 'ended_sessions', 'ended', 'would_end', 'items');
}

function enforceItem(s) {
  const why = s.scope === 'ip' ? 'address limit' : s.scope === 'user' ? 'user limit' : null;
  return h('li', { 'data-test': 'enforce-item', 'data-session-id': s.id },
    h('strong', {}, s.user || ''), ' — ',
    (s.device ? '“' + s.device + '” (' + sessionAgent(s) + ')' : sessionAgent(s)),
    sessionAddress(s) ? ' from ' + sessionAddress(s) : '',
    s.created_at ? [', signed in ', timeEl(s.created_at)] : '',
    why ? ' (' + why + (s.limit !== undefined ? ' ' + s.limit : '') + ')' : '');
}

async function previewEnforce() {
  enforcePreview.disabled = true;
  enforceConfirm.hidden = true;
  enforceResult.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
  try {
    const { data } = await api('POST', 'api/v1/sessions/enforce', { body: { dry_run: true } });
    const list = enforceList(data);
    if (!list.length) {
      enforceResult.replaceChildren(h('p', { class: 'notice notice-ok' }, 'Every session is within the current limits. Nobody would be signed out.'));
      return;
    }
    enforceResult.replaceChildren(
      h('p', { class: 'strong' }, plural(list.length, 'session') + ' would be signed out:'),
      h('ul', { id: 'enforce-list', 'data-test': 'enforce-list', class: 'plain-list' }, list.map(enforceItem)));
    enforceConfirm.textContent = 'Sign out ' + plural(list.length, 'session') + ' now';
    enforceConfirm.hidden = false;
    enforceConfirm.focus();
  } catch (e) {
    enforceResult.replaceChildren(h('p', { class: 'notice notice-error' }, e.message));
  } finally {
    enforcePreview.disabled = false;
  }
}

async function applyEnforce() {
  enforceConfirm.disabled = true;
  try {
    const { data } = await api('POST', 'api/v1/sessions/enforce', { body: {} });
    const list = enforceList(data);
    enforceConfirm.hidden = true;
    enforceResult.replaceChildren(
      h('p', { class: 'notice notice-ok', 'data-test': 'enforce-done' },
        list.length ? 'Signed out ' + plural(list.length, 'session') + '. Each person is told why.'
          : 'Nobody needed to be signed out any more.'),
      list.length ? h('ul', { id: 'enforce-list', 'data-test': 'enforce-list', class: 'plain-list' }, list.map(enforceItem)) : null);
    enforcePreview.focus();
  } catch (e) {
    enforceResult.append(h('p', { class: 'notice notice-error' }, e.message));
  } finally {
    enforceConfirm.disabled = false;
  }
}

/* ----------------------------------------------------------------- audit */

const auditBody = document.getElementById('audit-body');
const auditStatus = document.getElementById('audit-status');
const auditMore = document.getElementById('audit-more');
const AUDIT_PAGE = 50;
let auditEvents = [];
let auditBefore = null;

function keyText(k) {
  return k === k.toUpperCase() ? k : humanize(k);
}

function isEmpty(v) {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
}

function detailText(value, key = '') {
  if (isEmpty(value)) return 'none';
  if (Array.isArray(value)) return value.map((v) => detailText(v)).join(', ');
  if (typeof value === 'object') {
    if ('old' in value || 'new' in value) return detailText(value.old) + ' → ' + detailText(value.new);
    return Object.entries(value).map(([k, v]) => keyText(k) + ': ' + detailText(v, k)).join('; ');
  }
  return String(value);
}

/** Audit details as rows; a nested "changes" object gives one row per change. */
function details(event) {
  let d = event.details;
  if (typeof d === 'string') {
    try { d = JSON.parse(d); } catch (e) { return d; }
  }
  if (!d || typeof d !== 'object') return null;
  const rows = [];
  for (const [k, v] of Object.entries(d)) {
    // The server describes each user agent in a browser field beside it; the raw header is not shown.
    if (isEmpty(v) || (/user_agent$/.test(k) && k.replace(/user_agent$/, 'browser') in d)) continue;
    if (k === 'changes' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [name, change] of Object.entries(v)) if (!isEmpty(change)) rows.push([name, detailText(change, name)]);
    } else {
      rows.push([k, detailText(v, k)]);
    }
  }
  if (!rows.length) return null;
  return h('dl', { class: 'details' }, rows.flatMap(([k, text]) => [h('dt', {}, keyText(k)), h('dd', {}, text)]));
}

function auditRow(ev) {
  return h('tr', { 'data-test': 'audit-event', 'data-type': ev.type, 'data-id': ev.id },
    h('td', { 'data-label': 'When' }, timeEl(ev.at || ev.time || ev.created_at)),
    h('td', { 'data-label': 'What' }, humanize(ev.type)),
    h('td', { 'data-label': 'Who' }, ev.actor || h('span', { class: 'muted' }, 'system')),
    h('td', { 'data-label': 'From' }, h('span', { class: 'mono' }, ev.client_ip || '')),
    h('td', { 'data-label': 'Concerning' }, ev.subject || '',
      ev.session_id ? h('div', { class: 'mono small muted' }, 'session ' + ev.session_id) : null),
    h('td', { 'data-label': 'Details' }, details(ev)));
}

async function loadAudit(reset) {
  if (reset) { auditEvents = []; auditBefore = null; }
  auditMore.disabled = true;
  try {
    const query = { limit: AUDIT_PAGE };
    if (!reset && auditBefore !== null) query.before = auditBefore;
    const { data } = await api('GET', 'api/v1/audit', { query });
    const page = listFrom(data, 'events', 'items', 'audit');
    const known = new Set(auditEvents.map((e) => e.id));
    const fresh = page.filter((e) => e.id === undefined || !known.has(e.id));
    auditEvents = auditEvents.concat(fresh);
    const last = auditEvents[auditEvents.length - 1];
    // The API answers next_before (null on the last page); without it, guess from a full page.
    const told = data && !Array.isArray(data) && 'next_before' in data;
    const hasMore = told ? data.next_before !== null : page.length >= AUDIT_PAGE;
    auditBefore = told && data.next_before !== null ? data.next_before
      : (last && last.id !== undefined ? last.id : null);
    auditMore.hidden = !(hasMore && fresh.length && auditBefore !== null);
    auditBody.replaceChildren(...(auditEvents.length ? auditEvents.map(auditRow)
      : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No events yet.'))]));
    setStatus(auditStatus, reset ? plural(auditEvents.length, 'event') + ' shown, newest first.'
      : fresh.length ? 'Loaded ' + plural(fresh.length, 'older event') + '.' : 'No older events.');
  } catch (e) {
    panelError(auditStatus, 'The audit log could not be loaded', e);
  } finally {
    auditMore.disabled = false;
  }
}

/* ----------------------------------------------------------------- start */

async function start() {
  me = await startSignedInPage();
  if (!me) return;
  if (me.user && me.user.admin === false) {
    showForbidden('Only administrators may use this page. You are signed in as ' + me.user.username + '.');
    return;
  }
  document.getElementById('admin-app').hidden = false;
  settingsForm.addEventListener('submit', saveSettings);
  settingsReset.addEventListener('click', undoSettings);
  createForm.addEventListener('submit', createUser);
  setUpGroups({ setStatus, panelError, onChange: () => { if (loaded.has('users')) loadUsers(); } });
  filterForm.addEventListener('submit', (e) => { e.preventDefault(); loadSessions(); });
  document.getElementById('filter-clear').addEventListener('click', () => { filterForm.reset(); loadSessions(); });
  enforcePreview.addEventListener('click', previewEnforce);
  enforceConfirm.addEventListener('click', applyEnforce);
  document.getElementById('audit-refresh').addEventListener('click', () => loadAudit(true));
  auditMore.addEventListener('click', () => loadAudit(false));
  window.addEventListener('beforeunload', (e) => {
    if (!document.body.classList.contains('session-over') && !settingsReset.disabled) e.preventDefault();
  });
  setUpTabs();
  selectTab(location.hash.slice(1) || 'settings', { updateHash: false });
}

start();
