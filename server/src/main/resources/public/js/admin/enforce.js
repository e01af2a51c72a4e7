// Administration, applying limits now: a preview of who would be signed out (recorded in the
// audit log as enforcement_previewed), then signing them out, each told why.

import { api } from '../api.js';
import { h, sessionAgent, sessionAddress, listFrom } from '../format.js';
import { t, timeEl } from './ui.js';

const result = document.getElementById('enforce-result');
const confirmButton = document.getElementById('enforce-confirm');
const preview = document.getElementById('enforce-preview');

function enforceList(data) {
  return listFrom(data, 'sessions', 'ended_sessions', 'ended', 'would_end', 'items');
}

function item(s) {
  const why = s.scope === 'ip' ? t('why_ip', { limit: s.limit }) : s.scope === 'user' ? t('why_user', { limit: s.limit }) : null;
  return h('li', { 'data-test': 'enforce-item', 'data-session-id': s.id },
    h('strong', { class: 'name' }, s.user || ''), ' — ',
    h('span', { class: 'name' }, s.device ? '“' + s.device + '” (' + sessionAgent(s) + ')' : sessionAgent(s)),
    sessionAddress(s) ? ' ' + t('from_address', { address: sessionAddress(s) }) : '',
    s.created_at ? [', ' + t('signed_in_at') + ' ', timeEl(s.created_at)] : '',
    why ? ' (' + why + ')' : '');
}

async function previewEnforce() {
  preview.disabled = true;
  confirmButton.hidden = true;
  result.replaceChildren(h('p', { class: 'muted' }, t('checking')));
  try {
    const { data } = await api('POST', 'api/v1/sessions/enforce', { body: { dry_run: true } });
    const list = enforceList(data);
    if (!list.length) {
      result.replaceChildren(h('p', { class: 'notice notice-ok' }, t('enforce_nobody')));
      return;
    }
    result.replaceChildren(
      h('p', { class: 'strong' }, t('enforce_would', { count: list.length })),
      h('ul', { id: 'enforce-list', 'data-test': 'enforce-list', class: 'plain-list' }, list.map(item)));
    confirmButton.textContent = t('enforce_now', { count: list.length });
    confirmButton.hidden = false;
    confirmButton.focus();
  } catch (e) {
    result.replaceChildren(h('p', { class: 'notice notice-error' }, e.message));
  } finally {
    preview.disabled = false;
  }
}

async function applyEnforce() {
  confirmButton.disabled = true;
  try {
    const { data } = await api('POST', 'api/v1/sessions/enforce', { body: {} });
    const list = enforceList(data);
    confirmButton.hidden = true;
    result.replaceChildren(
      h('p', { class: 'notice notice-ok', 'data-test': 'enforce-done' },
        list.length ? t('enforce_done', { count: list.length }) : t('enforce_none_left')),
      list.length ? h('ul', { id: 'enforce-list', 'data-test': 'enforce-list', class: 'plain-list' }, list.map(item)) : null);
    preview.focus();
  } catch (e) {
    result.append(h('p', { class: 'notice notice-error' }, e.message));
  } finally {
    confirmButton.disabled = false;
  }
}

/** Wires the preview and the apply buttons. */
export function setUpEnforce() {
  preview.addEventListener('click', previewEnforce);
  confirmButton.addEventListener('click', applyEnforce);
}
