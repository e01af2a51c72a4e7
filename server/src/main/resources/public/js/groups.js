// Administration, groups: the Groups tab (list, create, change a limit, delete), and in the users
// table each user's effective limit with where it comes from, and the groups assigned to her here.

import { api, plural } from './api.js';
import { h, listFrom, limitText } from './format.js';

const SOURCE_WORDS = { local: 'assigned here', ldap: 'from the directory', oidc: 'from the identity provider' };

let ui = null; // { setStatus, panelError, onChange }

const groupsBody = document.getElementById('groups-body');
const groupsStatus = document.getElementById('groups-status');
const groupForm = document.getElementById('group-create-form');

/** Parses a limit field: empty is null (none), else -1 or 1..100000. */
function parseGroupLimit(text) {
  const t = String(text).trim();
  if (t === '') return { value: null };
  if (!/^-?\d+$/.test(t)) return { error: 'The session limit must be a whole number: -1, or 1 to 100000; leave it empty for none.' };
  return { value: Number(t) };
}

function groupLimitText(limit) {
  return limit === null || limit === undefined ? 'no limit of its own' : limitText(limit);
}

function path(name) {
  return 'api/v1/groups/' + encodeURIComponent(name);
}

function groupRow(g, index) {
  const limitId = 'group-limit-' + index;
  const helpId = limitId + '-help';
  const limitInput = h('input', {
    id: limitId, type: 'text', inputmode: 'numeric', class: 'num narrow', placeholder: 'None',
    value: g.sessions_limit === null || g.sessions_limit === undefined ? '' : String(g.sessions_limit),
    'data-test': 'group-limit', 'aria-describedby': helpId,
  });
  const save = async () => {
    const parsed = parseGroupLimit(limitInput.value);
    if (parsed.error) { ui.setStatus(groupsStatus, parsed.error, 'error'); limitInput.focus(); return; }
    try {
      const { data } = await api('PATCH', path(g.name), { body: { sessions_limit: parsed.value } });
      const over = data && Number.isFinite(data.sessions_over_limit) ? data.sessions_over_limit : 0;
      ui.setStatus(groupsStatus, 'The session limit of the group ' + g.name + ' is now ' + groupLimitText(parsed.value) + '.'
        + (over > 0 ? ' ' + plural(over, 'session') + ' of its members ' + (over === 1 ? 'is' : 'are')
          + ' over it: use “Apply limits now” to sign ' + (over === 1 ? 'it' : 'them') + ' out.' : ''),
      over > 0 ? 'warn' : 'ok');
      await loadGroups();
      ui.onChange();
    } catch (e) {
      const fieldText = Object.values(e.fields).join(' ');
      ui.panelError(groupsStatus, 'Could not change the group ' + g.name, fieldText ? { status: e.status, message: fieldText } : e);
    }
  };
  limitInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); save(); } });
  return h('tr', { 'data-test': 'group-row', 'data-group': g.name },
    h('th', { scope: 'row', 'data-label': 'Group' }, h('span', { class: 'mono' }, g.name)),
    h('td', { 'data-label': 'Session limit' },
      h('label', { for: limitId, class: 'visually-hidden' }, 'Session limit of the group ' + g.name),
      h('div', { class: 'inline' }, limitInput,
        h('button', { type: 'button', class: 'secondary small', 'data-test': 'group-limit-save', onclick: save }, 'Save')),
      h('p', { id: helpId, class: 'help small' }, 'Now: ' + groupLimitText(g.sessions_limit) + '.')),
    h('td', { 'data-label': 'Members', 'data-test': 'group-members' }, plural(g.members || 0, 'member')),
    h('td', { class: 'cell-actions' },
      h('button', {
        type: 'button', class: 'danger-outline small', 'data-test': 'group-delete',
        'aria-label': 'Delete the group ' + g.name, onclick: () => deleteGroup(g),
      }, 'Delete')));
}

/** Loads the groups into the Groups tab. */
export async function loadGroups() {
  try {
    const { data } = await api('GET', 'api/v1/groups');
    const groups = listFrom(data, 'groups');
    groupsBody.replaceChildren(...(groups.length ? groups.map(groupRow)
      : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No groups yet.'))]));
  } catch (e) {
    groupsBody.replaceChildren();
    ui.panelError(groupsStatus, 'The groups could not be loaded', e);
  }
}

async function deleteGroup(g) {
  const members = g.members ? ' Its ' + plural(g.members, 'member') + ' lose' + (g.members === 1 ? 's' : '') + ' its limit.' : '';
  if (!window.confirm('Delete the group ' + g.name + '?' + members)) return;
  try {
    await api('DELETE', path(g.name));
    ui.setStatus(groupsStatus, 'Deleted the group ' + g.name + '.');
    await loadGroups();
    ui.onChange();
    document.getElementById('tab-groups').focus();
  } catch (e) {
    ui.panelError(groupsStatus, 'Could not delete the group ' + g.name, e);
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
  if (!name) fieldError('name', 'Enter a name.');
  if (limit.error) fieldError('sessions_limit', limit.error);
  if (!name || limit.error) {
    ui.setStatus(groupsStatus, 'The group was not created: fix the marked fields.', 'error');
    groupForm.querySelector('[aria-invalid="true"]').focus();
    return;
  }
  try {
    await api('POST', 'api/v1/groups', { body: { name, sessions_limit: limit.value } });
    groupForm.reset();
    ui.setStatus(groupsStatus, 'Created the group ' + name + '.');
    await loadGroups();
    ui.onChange();
    groupForm.elements.name.focus();
  } catch (e) {
    const fields = e.fields;
    for (const n of ['name', 'sessions_limit']) if (fields[n]) fieldError(n, fields[n]);
    ui.panelError(groupsStatus, 'The group was not created', Object.keys(fields).length
      ? { status: e.status, message: 'fix the marked fields.' } : e);
    const invalid = groupForm.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }
}

/** The effective limit of a user and where it comes from, in words. */
export function effectiveLimitText(u) {
  const e = u.effective_limit;
  if (!e) return '';
  const limit = e.limit === null ? 'Unlimited' : plural(e.limit, 'session');
  if (e.source === 'user') return limit + ', own limit';
  if (e.source === 'group') return limit + ', from the group ' + e.group;
  return limit + ', from “Sessions per user”';
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
      await onSaved(names.length ? u.username + ' is now in ' + names.join(', ') + ' (assigned here).'
        : u.username + ' has no groups assigned here.');
    } catch (e) {
      const fieldText = Object.values(e.fields).join(' ');
      onError('Could not change the groups of ' + u.username, fieldText ? { status: e.status, message: fieldText } : e);
      input.focus();
    }
  };
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); save(); } });
  return h('td', { 'data-label': 'Groups' },
    h('label', { for: inputId, class: 'visually-hidden' }, 'Groups assigned to ' + u.username),
    h('div', { class: 'inline' }, input,
      h('button', { type: 'button', class: 'secondary small', 'data-test': 'user-groups-save', onclick: save }, 'Save')),
    h('p', { id: helpId, class: 'help small' },
      'Group names, separated by commas.',
      external.length ? ' Also ' + external.map((m) => m.name + ' (' + SOURCE_WORDS[m.source] + ')').join(', ') + '.' : ''));
}

/**
 * Wires the Groups tab: `setStatus` and `panelError` as the other tabs use them, and `onChange`
 * called after a group changed (the users' effective limits may have).
 */
export function setUpGroups(callbacks) {
  ui = callbacks;
  groupForm.addEventListener('submit', createGroup);
}
