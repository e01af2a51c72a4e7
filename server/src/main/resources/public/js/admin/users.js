// Administration, users: a paged list searched as you type and sorted by name; create a user, set
// her limit and groups, enable or disable, promote or demote, reset her password, sign out all her
// sessions, delete her. Every destructive action names what will happen and asks first.

import { api } from '../api.js';
import { h } from '../format.js';
import { effectiveLimitText, userGroupsCell } from '../groups.js';
import { confirmAction } from './confirm.js';
import { PagedList } from './paged.js';
import { t, setStatus, panelError, isMe, debounce, parseLimit, limitText } from './ui.js';
import { setUpCreateUser } from './user-create.js';

const body = document.getElementById('users-body');
const status = document.getElementById('users-status');
const search = document.getElementById('users-search');

let list = null;

async function sessionCount(u) {
  try {
    const { data } = await api('GET', 'api/v1/sessions', { query: { user: u.username, limit: 1000 }, quiet: true });
    const n = Array.isArray(data && data.sessions) ? data.sessions.length : 0;
    return data && data.next ? t('n_or_more_sessions', { count: n }) : t('n_sessions', { count: n });
  } catch (e) {
    return t('their_sessions');
  }
}

function button(test, text, onclick, kind = 'secondary') {
  return h('button', { type: 'button', class: kind + ' small', 'data-test': test, onclick }, text);
}

function actions(u) {
  const self = isMe(u.username);
  return h('td', { class: 'cell-actions' }, h('div', { class: 'action-list' },
    button(u.disabled ? 'user-enable' : 'user-disable', u.disabled ? t('enable') : t('disable'), () => toggleDisabled(u)),
    self ? null : button(u.admin ? 'user-demote' : 'user-promote', u.admin ? t('demote') : t('promote'), () => toggleAdmin(u)),
    button('user-reset-password', t('reset_password'), () => resetPassword(u)),
    button('user-sign-out-all', t('sign_out_all'), () => signOutUser(u)),
    button('user-delete', t('delete'), () => deleteUser(u), 'danger-outline')));
}

function row(u, index) {
  const limitId = 'limit-' + index;
  const limitInput = h('input', {
    id: limitId, type: 'text', inputmode: 'numeric', class: 'num narrow', placeholder: t('global'),
    value: u.sessions_limit === null || u.sessions_limit === undefined ? '' : String(u.sessions_limit),
    'data-test': 'user-limit', 'aria-describedby': limitId + '-help',
  });
  const setLimit = async () => {
    const parsed = parseLimit(limitInput.value);
    if (parsed.error) { setStatus(status, parsed.error, 'error'); limitInput.focus(); return; }
    await changeUser(u, { sessions_limit: parsed.value },
      t('limit_now', { user: u.username, limit: limitText(parsed.value) }));
  };
  limitInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); setLimit(); } });
  return h('tr', { 'data-test': 'user-row', 'data-username': u.username, class: u.disabled ? 'is-disabled' : '' },
    h('th', { scope: 'row', 'data-label': t('col_user') },
      h('span', { class: 'mono name' }, u.username),
      isMe(u.username) ? h('span', { class: 'muted' }, ' ' + t('you')) : null,
      u.admin ? h('span', { class: 'badge', 'data-test': 'user-admin-badge' }, t('admin_badge')) : null),
    h('td', { 'data-label': t('col_status') }, u.disabled
      ? h('span', { class: 'badge badge-off' }, t('disabled')) : h('span', { class: 'badge badge-on' }, t('active'))),
    h('td', { 'data-label': t('col_limit') },
      h('label', { for: limitId, class: 'visually-hidden' }, t('limit_of', { user: u.username })),
      h('div', { class: 'inline' }, limitInput, button('user-limit-save', t('save'), setLimit)),
      h('p', { id: limitId + '-help', class: 'help small' },
        u.sessions_limit === null || u.sessions_limit === undefined
          ? t('limit_from_groups') : t('own_limit', { limit: limitText(u.sessions_limit) }))),
    h('td', { 'data-label': t('col_effective'), 'data-test': 'user-effective-limit' }, effectiveLimitText(u)),
    userGroupsCell(u, index, async (text) => { setStatus(status, text); await list.refresh(); },
      (prefix, e) => panelError(status, prefix, e)),
    actions(u));
}

async function changeUser(u, patch, doneText) {
  try {
    await api('PATCH', 'api/v1/users/' + encodeURIComponent(u.username), { body: patch });
    setStatus(status, doneText);
    await list.refresh();
    return true;
  } catch (e) {
    const fieldText = Object.values(e.fields).join(' ');
    panelError(status, t('change_failed', { user: u.username }), fieldText ? { status: e.status, message: fieldText } : e);
    return false;
  }
}

async function toggleDisabled(u) {
  if (u.disabled) {
    await changeUser(u, { disabled: false }, t('enabled_done', { user: u.username }));
    return;
  }
  const sessions = await sessionCount(u);
  if (!await confirmAction({ title: t('disable_title'), message: t('disable_confirm', { user: u.username, sessions }), confirm: t('disable') })) return;
  await changeUser(u, { disabled: true }, t('disabled_done', { user: u.username }));
}

async function toggleAdmin(u) {
  if (u.admin) {
    if (!await confirmAction({ title: t('demote_title'), message: t('demote_confirm', { user: u.username }), confirm: t('demote') })) return;
    await changeUser(u, { admin: false }, t('demoted_done', { user: u.username }));
  } else {
    if (!await confirmAction({ title: t('promote_title'), message: t('promote_confirm', { user: u.username }), confirm: t('promote'), danger: false })) return;
    await changeUser(u, { admin: true }, t('promoted_done', { user: u.username }));
  }
}

async function resetPassword(u) {
  const input = h('input', {
    id: 'reset-password-input', 'data-test': 'reset-password-input', type: 'password', autocomplete: 'new-password',
    required: true, 'aria-describedby': 'reset-password-error',
  });
  const error = h('p', { id: 'reset-password-error', class: 'field-error', hidden: true });
  const field = h('div', { class: 'field' }, h('label', { for: 'reset-password-input' }, t('new_password')), input, error);
  const validate = () => {
    const text = input.value ? null : t('enter_password');
    error.textContent = text || '';
    error.hidden = !text;
    if (text) { input.setAttribute('aria-invalid', 'true'); input.focus(); } else input.removeAttribute('aria-invalid');
    return text;
  };
  const sessions = await sessionCount(u);
  if (!await confirmAction({
    title: t('reset_title', { user: u.username }), message: t('reset_confirm', { user: u.username, sessions }),
    confirm: t('reset_password'), extra: field, validate,
  })) return;
  await changeUser(u, { password: input.value }, t('reset_done', { user: u.username }));
}

async function signOutUser(u) {
  const sessions = await sessionCount(u);
  if (!await confirmAction({ title: t('sign_out_all_title'), message: t('sign_out_all_confirm', { user: u.username, sessions }), confirm: t('sign_out_all') })) return;
  try {
    const { data } = await api('DELETE', 'api/v1/users/' + encodeURIComponent(u.username) + '/sessions');
    const n = data && Array.isArray(data.ended_sessions) ? data.ended_sessions.length : 0;
    setStatus(status, t('signed_out_user', { count: n, user: u.username }));
  } catch (e) {
    panelError(status, t('sign_out_failed', { user: u.username }), e);
  }
}

async function deleteUser(u) {
  const sessions = await sessionCount(u);
  if (!await confirmAction({ title: t('delete_title'), message: t('delete_confirm', { user: u.username, sessions }), confirm: t('delete') })) return;
  try {
    await api('DELETE', 'api/v1/users/' + encodeURIComponent(u.username));
    setStatus(status, t('deleted_done', { user: u.username }));
    await list.refresh();
    document.getElementById('tab-users').focus();
  } catch (e) {
    panelError(status, t('delete_failed', { user: u.username }), e);
  }
}

/** Loads the users' first page again (the tab was opened, or a group changed). */
export function loadUsers() {
  return list.reset();
}

/** Asks for the page in view again (the tab was shown again). */
export function refreshUsers() {
  return list.refresh();
}

/** Wires the tab: search as you type, sort by name, paging, and the create form. */
export function setUpUsers() {
  list = new PagedList({
    path: 'api/v1/users', key: 'users', itemKey: 'username', rowKey: 'data-username', id: 'users',
    label: t('tab_users'), filters: () => ({ q: search.value.trim() }), sort: 'username', body, columns: 6,
    render: row, empty: () => t('no_users_match'),
    onError: (e) => panelError(status, t('users_load_failed'), e),
  });
  document.getElementById('users-pager').replaceChildren(list.controls());
  list.sortable(document.getElementById('users-table'));
  search.addEventListener('input', debounce(() => list.reset(), 250));
  document.getElementById('users-filter').addEventListener('submit', (e) => { e.preventDefault(); list.reset(); });
  setUpCreateUser(() => list.refresh());
}
