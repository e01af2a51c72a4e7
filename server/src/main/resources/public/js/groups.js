// Administration, groups: the Groups tab (list, create, change a limit, delete), and in the users
// table each user's effective limit with where it comes from, and the groups assigned to her here.

import { api } from './api.js';
import { h, listFrom } from './format.js';
import { confirmAction } from './admin/confirm.js';
import { t, limitText } from './admin/ui.js';


let ui = null; // { setStatus, panelError, onChange }

const groupsBody = document.getElementById('groups-body');
const groupsStatus = document.getElementById('groups-status');
const groupForm = document.getElementById('group-create-form');

/** Parses a limit field: empty is null (none), else -1 or 1..100000. */
function parseGroupLimit(text) {
  const s = String(text).trim();
  if (s === '') return { value: null };
  if (!/^-?\d+$/.test(s)) return { error: t('group_limit_not_number') };
  return { value: Number(s) };
}

function groupLimitText(limit) {
  return limit === null || limit === undefined ? t('group_no_limit') : limitText(limit);
}

function path(name) {
  return 'api/v1/groups/' + encodeURIComponent(name);
}

function groupRow(g, index) {
  const limitId = 'group-limit-' + index;
  const helpId = limitId + '-help';
  const limitInput = h('input', {
    id: limitId, type: 'text', inputmode: 'numeric', class: 'num narrow', placeholder: t('none_placeholder'),
    value: g.sessions_limit === null || g.sessions_limit === undefined ? '' : String(g.sessions_limit),
    'data-test': 'group-limit', 'aria-describedby': helpId,
  });
  const save = async () => {
    const parsed = parseGroupLimit(limitInput.value);
    if (parsed.error) { ui.setStatus(groupsStatus, parsed.error, 'error'); limitInput.focus(); return; }
    try {
      const { data } = await api('PATCH', path(g.name), { body: { sessions_limit: parsed.value } });
      const over = data && Number.isFinite(data.sessions_over_limit) ? data.sessions_over_limit : 0;
      ui.setStatus(groupsStatus, t('group_limit_now', { group: g.name, limit: groupLimitText(parsed.value) })
        + (over > 0 ? ' ' + t('group_members_over', { count: over }) : ''), over > 0 ? 'warn' : 'ok');
      await loadGroups();
      ui.onChange();
    } catch (e) {
      const fieldText = Object.values(e.fields).join(' ');
      ui.panelError(groupsStatus, t('group_change_failed', { group: g.name }), fieldText ? { status: e.status, message: fieldText } : e);
    }
  };
  limitInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); save(); } });
  return h('tr', { 'data-test': 'group-row', 'data-group': g.name },
    h('th', { scope: 'row', 'data-label': t('col_group') }, h('span', { class: 'mono name' }, g.name)),
    h('td', { 'data-label': t('col_limit') },
      h('label', { for: limitId, class: 'visually-hidden' }, t('group_limit_of', { group: g.name })),
      h('div', { class: 'inline' }, limitInput,
        h('button', { type: 'button', class: 'secondary small', 'data-test': 'group-limit-save', onclick: save }, t('save'))),
      h('p', { id: helpId, class: 'help small' }, t('group_limit_current', { limit: groupLimitText(g.sessions_limit) }))),
    h('td', { 'data-label': t('col_members'), 'data-test': 'group-members' }, t('n_members', { count: g.members || 0 })),
    h('td', { class: 'cell-actions' },
      h('button', {
        type: 'button', class: 'danger-outline small', 'data-test': 'group-delete',
        'aria-label': t('group_delete_label', { group: g.name }), onclick: () => deleteGroup(g),
      }, t('delete'))));
}

/** Loads the groups into the Groups tab. */
export async function loadGroups() {
  try {
    const { data } = await api('GET', 'api/v1/groups');
    const groups = listFrom(data, 'groups');
    groupsBody.replaceChildren(...(groups.length ? groups.map(groupRow)
      : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t('no_groups')))]));
  } catch (e) {
    groupsBody.replaceChildren();
    ui.panelError(groupsStatus, t('groups_load_failed'), e);
  }
}

async function deleteGroup(g) {
  const message = g.members ? t('group_delete_confirm_members', { group: g.name, count: g.members })
    : t('group_delete_confirm', { group: g.name });
  if (!await confirmAction({ title: t('group_delete_title'), message, confirm: t('delete') })) return;
  try {
    await api('DELETE', path(g.name));
    ui.setStatus(groupsStatus, t('group_deleted', { group: g.name }));
    await loadGroups();
    ui.onChange();
    document.getElementById('tab-groups').focus();
  } catch (e) {
    ui.panelError(groupsStatus, t('group_delete_failed', { group: g.name }), e);
  }
}

function fieldError(name, text) {
  const input = groupForm.elements[name];
  const err = document.getElementById(input.id + '-error');
  err.textContent = text || '';
  err.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}

async function createGroup(event) {
  event.preventDefault();
  fieldError('name', '');
  fieldError('sessions_limit', '');
  const name = groupForm.elements.name.value.trim();
  const limit = parseGroupLimit(groupForm.elements.sessions_limit.value);
  if (!name) fieldError('name', t('enter_group_name'));
  if (limit.error) fieldError('sessions_limit', limit.error);
  if (!name || limit.error) {
    ui.setStatus(groupsStatus, t('group_not_created_fix'), 'error');
    groupForm.querySelector('[aria-invalid="true"]').focus();
    return;
  }
  try {
    await api('POST', 'api/v1/groups', { body: { name, sessions_limit: limit.value } });
    groupForm.reset();
    ui.setStatus(groupsStatus, t('group_created', { group: name }));
    await loadGroups();
    ui.onChange();
    groupForm.elements.name.focus();
  } catch (e) {
    const fields = e.fields;
    for (const n of ['name', 'sessions_limit']) if (fields[n]) fieldError(n, fields[n]);
    ui.panelError(groupsStatus, t('group_not_created'), Object.keys(fields).length
      ? { status: e.status, message: t('fix_marked') } : e);
    const invalid = groupForm.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }
}

/** The effective limit of a user and where it comes from, in words. */
export function effectiveLimitText(u) {
  const e = u.effective_limit;
  if (!e) return '';
  const limit = e.limit === null ? t('unlimited_cap') : t('n_sessions', { count: e.limit });
  if (e.source === 'user') return t('effective_own', { limit });
  if (e.source === 'group') return t('effective_group', { limit, group: e.group });
  return t('effective_global', { limit });
}

/**
 * The groups cell of a user's row: her groups from the directory or provider, and a field for the
 * groups assigned here; `onSaved(text)` is told after a change.
 */
export function userGroupsCell(u, index, onSaved, onError) {
  const memberships = Array.isArray(u.groups) ? u.groups : [];
  const local = memberships.filter((m) => m.source === 'local').map((m) => m.name);
  const external = memberships.filter((m) => m.source !== 'local');
  const inputId = 'user-groups-' + index;
  const helpId = inputId + '-help';
  const input = h('input', {
    id: inputId, type: 'text', class: 'narrow', value: local.join(', '), autocomplete: 'off',
    spellcheck: 'false', 'data-test': 'user-groups', 'aria-describedby': helpId,
  });
  const save = async () => {
    const names = input.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    try {
      await api('PUT', 'api/v1/users/' + encodeURIComponent(u.username) + '/groups', { body: { groups: names } });
      await onSaved(names.length ? t('user_groups_now', { user: u.username, groups: names.join(', ') })
        : t('user_groups_none', { user: u.username }));
    } catch (e) {
      const fieldText = Object.values(e.fields).join(' ');
      onError(t('user_groups_failed', { user: u.username }), fieldText ? { status: e.status, message: fieldText } : e);
      input.focus();
    }
  };
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); save(); } });
  return h('td', { 'data-label': t('col_groups') },
    h('label', { for: inputId, class: 'visually-hidden' }, t('user_groups_label', { user: u.username })),
    h('div', { class: 'inline' }, input,
      h('button', { type: 'button', class: 'secondary small', 'data-test': 'user-groups-save', onclick: save }, t('save'))),
    h('p', { id: helpId, class: 'help small' },
      t('user_groups_help'),
      external.length ? ' ' + t('user_groups_also', {
        groups: external.map((m) => m.name + ' (' + t('group_source_' + m.source) + ')').join(', '),
      }) : ''));
}

/**
 * Wires the Groups tab: `setStatus` and `panelError` as the other tabs use them, and `onChange`
 * called after a group changed (the users' effective limits may have).
 */
export function setUpGroups(callbacks) {
  ui = callbacks;
  groupForm.addEventListener('submit', createGroup);
}
