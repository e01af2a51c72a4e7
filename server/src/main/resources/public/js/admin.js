// Administration: the tabs and the start. Each tab lives in js/admin/ (settings, users, sessions,
// enforce, audit, api-keys) or groups.js; shared pieces are admin/ui.js (messages, status lines, times),
// admin/confirm.js (the confirmation dialog) and admin/paged.js (a paged, sorted, live list).

import { messages, translatePage } from './i18n.js';
import { loadGroups, setUpGroups } from './groups.js';
import { startSignedInPage } from './session.js';
import { loadApiKeys, setUpApiKeys } from './admin/api-keys.js';
import { loadAudit, refreshAudit, setUpAudit } from './admin/audit.js';
import { setUpEnforce } from './admin/enforce.js';
import { loadSessions, refreshSessions, setUpSessions } from './admin/sessions.js';
import { loadSettings, setUpSettings } from './admin/settings.js';
import { ctx, t, setStatus, panelError, showForbidden } from './admin/ui.js';
import { loadUsers, refreshUsers, setUpUsers } from './admin/users.js';

const TABS = ['settings', 'users', 'groups', 'sessions', 'enforce', 'audit', 'api-keys'];
const loaded = new Set();
const loaders = {
  settings: () => loadSettings(),
  users: () => loadUsers(),
  groups: () => loadGroups(),
  sessions: () => loadSessions(),
  enforce: () => {},
  audit: () => loadAudit(),
  'api-keys': () => loadApiKeys(),
};
// A list shown again is asked for again, so it never shows a page that has gone stale.
const refreshers = {
  users: refreshUsers, sessions: refreshSessions, audit: refreshAudit, 'api-keys': loadApiKeys,
};
let shown = null;

function selectTab(name, { focus = false, updateHash = true } = {}) {
  if (!TABS.includes(name)) name = 'settings';
  const previous = shown;
  shown = name;
  for (const tab of TABS) {
    const button = document.getElementById('tab-' + tab);
    const on = tab === name;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    document.getElementById('panel-' + tab).hidden = !on;
  }
  if (focus) document.getElementById('tab-' + name).focus();
  if (updateHash && location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  if (!loaded.has(name)) {
    loaded.add(name);
    loaders[name]();
  } else if (refreshers[name] && name !== previous) {
    refreshers[name]();
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

async function start() {
  ctx.t = await messages('common', 'admin');
  translatePage(ctx.t);
  const me = await startSignedInPage();
  if (!me) return;
  ctx.me = me;
  if (me.user && me.user.admin === false) {
    showForbidden(t('forbidden', { user: me.user.username }));
    return;
  }
  document.getElementById('admin-app').hidden = false;
  setUpSettings();
  setUpUsers();
  setUpGroups({ setStatus, panelError, onChange: () => { if (loaded.has('users')) loadUsers(); } });
  setUpSessions(() => shown === 'sessions');
  setUpEnforce();
  setUpAudit();
  setUpApiKeys();
  setUpTabs();
  selectTab(location.hash.slice(1) || 'settings', { updateHash: false });
}

start();
