// Administration, live sessions: a paged, sortable list searched as you type (user, device or
// browser; an address, its prefix or a CIDR block), refreshed live, with revoke and "sign out
// everyone" behind a confirmation.

import { api } from '../api.js';
import { h, sessionAgent, sessionAddress, authMethodText } from '../format.js';
import { confirmAction } from './confirm.js';
import { PagedList } from './paged.js';
import { t, setStatus, panelError, timeEl, debounce } from './ui.js';

const LIVE_MS = 5000;

const body = document.getElementById('admin-sessions-body');
const status = document.getElementById('admin-sessions-status');
const changes = document.getElementById('admin-sessions-live');
const form = document.getElementById('sessions-filter');

let list = null;

function device(s) {
  return s.device ? '“' + s.device + '” (' + sessionAgent(s) + ')' : sessionAgent(s);
}

function row(s) {
  return h('tr', { 'data-test': 'admin-session', 'data-session-id': s.id, 'data-user': s.user, class: s.current ? 'is-current' : '' },
    h('th', { scope: 'row', 'data-label': t('col_user') }, h('span', { class: 'mono name' }, s.user || '')),
    h('td', { 'data-label': t('col_device') },
      s.device ? h('strong', { class: 'device-label name' }, s.device) : null,
      h('span', { class: 'agent' + (s.device ? ' muted' : '') }, sessionAgent(s)),
      s.current ? h('span', { class: 'badge badge-current' }, t('this_session')) : null),
    h('td', { 'data-label': t('col_address') }, h('span', { class: 'mono' }, sessionAddress(s) || '—')),
    h('td', { 'data-label': t('col_auth'), 'data-test': 'auth-method' }, authText(s.auth_method)),
    h('td', { 'data-label': t('col_created') }, timeEl(s.created_at)),
    h('td', { 'data-label': t('col_last_seen') }, timeEl(s.last_seen_at, { withRelative: true })),
    h('td', { 'data-label': t('col_expires') }, timeEl(s.expires_at, { withRelative: true })),
    h('td', { class: 'cell-actions' }, h('button', {
      type: 'button', class: 'danger-outline small', 'data-test': 'revoke-session',
      'aria-label': t('revoke_label', { user: s.user || '', device: device(s) }), onclick: () => revoke(s),
    }, t('revoke'))));
}

function authText(method) {
  const text = t('auth_' + method);
  return text === 'auth_' + method ? authMethodText(method) : text;
}

function filters() {
  const q = form.elements.q.value.trim();
  const ip = form.elements.ip.value.trim();
  return { q, ip };
}

async function revoke(s) {
  const message = s.current ? t('revoke_own_confirm')
    : t('revoke_confirm', { user: s.user || '', device: device(s) });
  if (!await confirmAction({ title: t('revoke_title'), message, confirm: t('revoke') })) return;
  try {
    await api('DELETE', 'api/v1/sessions/' + encodeURIComponent(s.id));
    setStatus(status, t('revoked', { user: s.user || '', device: device(s) }));
  } catch (e) {
    if (e.status === 404) setStatus(status, t('already_ended'));
    else { panelError(status, t('revoke_failed'), e); return; }
  }
  await list.refresh();
}

async function signOutEveryone() {
  const known = list.nextQuery === null && list.stack.length === 0 && !filters().q && !filters().ip;
  const others = list.items.filter((s) => !s.current);
  const users = new Set(others.map((s) => s.user));
  const message = known
    ? t('everyone_confirm_counted', { count: others.length, users: t('n_users', { count: users.size }) })
    : t('everyone_confirm');
  if (!await confirmAction({ title: t('everyone_title'), message, confirm: t('everyone_button') })) return;
  try {
    const { data } = await api('DELETE', 'api/v1/sessions');
    setStatus(status, t('everyone_done', { count: data && Number.isFinite(data.ended) ? data.ended : 0 }));
    await list.refresh();
  } catch (e) {
    panelError(status, t('everyone_failed'), e);
  }
}

/** Loads the first page (the tab was opened). */
export function loadSessions() {
  return list.reset();
}

/** Asks for the page in view again (the tab was shown again). */
export function refreshSessions() {
  return list.refresh();
}

/** Wires the tab: search as you type, sort, paging, live refresh. */
export function setUpSessions(isShown) {
  list = new PagedList({
    path: 'api/v1/sessions', key: 'sessions', itemKey: 'id', rowKey: 'data-session-id', id: 'sessions',
    label: t('tab_sessions'), filters, sort: '-created', body, columns: 8, render: row,
    empty: () => t('no_sessions_match'),
    onError: (e) => {
      // An address still being typed is not an error: say what the search accepts.
      if (e.status === 400 && e.fields.ip) setStatus(status, t('ip_incomplete'), 'ok');
      else panelError(status, t('sessions_load_failed'), e);
    },
    onPage: ({ count, more, quiet, changes: c }) => {
      if (!quiet) setStatus(status, t(more ? 'sessions_shown_more' : 'sessions_shown', { count }));
      else if (c.added || c.removed) {
        changes.textContent = [c.added ? t('sessions_opened', { count: c.added }) : '',
          c.removed ? t('sessions_ended', { count: c.removed }) : ''].filter(Boolean).join(' ');
      }
    },
  });
  document.getElementById('sessions-pager').replaceChildren(list.controls());
  list.sortable(document.getElementById('admin-sessions'));
  const search = debounce(() => list.reset(), 250);
  form.addEventListener('input', search);
  form.addEventListener('submit', (e) => { e.preventDefault(); list.reset(); });
  document.getElementById('filter-clear').addEventListener('click', () => { form.reset(); list.reset(); });
  document.getElementById('sessions-everyone').addEventListener('click', signOutEveryone);
  list.live(LIVE_MS, isShown);
}
