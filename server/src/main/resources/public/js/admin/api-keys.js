// Administration, API keys: the keys services use for the service routes. Create one (name,
// scopes and lifetime, 90 days unless chosen otherwise; the server asks for the password again if it was entered too long ago), see the key once
// with a copy button, list them (never the key), revoke one after a confirmation.

import { api } from '../api.js';
import { h, listFrom } from '../format.js';
import { confirmAction } from './confirm.js';
import { t, setStatus, panelError, timeEl } from './ui.js';

const SCOPES = ['sessions:open', 'sessions:read', 'sessions:end'];

const body = document.getElementById('api-keys-body');
const status = document.getElementById('api-keys-status');
const form = document.getElementById('api-key-create-form');
const shown = document.getElementById('api-key-created');
const value = document.getElementById('api-key-value');
const copyStatus = document.getElementById('api-key-copy-status');

function scopeText(scope) {
  return t('scope_' + scope.replace(':', '_'));
}

/** A key's state: revoked, expired, live until its expiry, or live. */
function keyState(k, revoked, expired) {
  if (revoked) return [t('api_key_revoked_state') + ' ', timeEl(k.revoked_at)];
  if (expired) return [t('api_key_expired_state') + ' ', timeEl(k.expires_at)];
  if (k.expires_at) return [t('api_key_live_until') + ' ', timeEl(k.expires_at)];
  return t('api_key_live');
}

function keyRow(k) {
  const revoked = Boolean(k.revoked_at);
  const expired = Boolean(k.expires_at) && Date.parse(k.expires_at) <= Date.now();
  const muted = revoked || expired;
  return h('tr', { 'data-test': 'api-key-row', 'data-key-id': k.id, class: muted ? 'muted' : null },
    h('th', { scope: 'row', 'data-label': t('col_key_name') }, h('span', { class: 'name' }, k.name)),
    h('td', { 'data-label': t('col_key_id') }, h('code', {}, k.id)),
    h('td', { 'data-label': t('api_key_scopes') }, (k.scopes || []).map(scopeText).join(', ')),
    h('td', { 'data-label': t('col_key_created') }, timeEl(k.created_at), ' ',
      t('api_key_created_by', { user: k.created_by })),
    h('td', { 'data-label': t('col_key_last_used') },
      k.last_used_at ? timeEl(k.last_used_at) : t('api_key_never_used')),
    h('td', { 'data-label': t('col_status'), 'data-test': 'api-key-status' },
      keyState(k, revoked, expired)),
    h('td', { class: 'cell-actions' }, revoked ? '' : h('button', {
      type: 'button', class: 'danger-outline small', 'data-test': 'api-key-revoke',
      'aria-label': t('api_key_revoke_label', { name: k.name }), onclick: () => revoke(k),
    }, t('api_key_revoke'))));
}

/** Loads the keys into the API keys tab. */
export async function loadApiKeys() {
  try {
    const { data } = await api('GET', 'api/v1/api-keys');
    const keys = listFrom(data, 'api_keys');
    body.replaceChildren(...(keys.length ? keys.map(keyRow)
      : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('no_api_keys')))]));
  } catch (e) {
    body.replaceChildren();
    panelError(status, t('api_keys_load_failed'), e);
  }
}

async function revoke(k) {
  const message = t('api_key_revoke_confirm', { name: k.name, id: k.id });
  if (!await confirmAction({ title: t('api_key_revoke_title'), message, confirm: t('api_key_revoke') })) return;
  try {
    await api('DELETE', 'api/v1/api-keys/' + encodeURIComponent(k.id));
    setStatus(status, t('api_key_revoked', { name: k.name }));
    await loadApiKeys();
    document.getElementById('tab-api-keys').focus();
  } catch (e) {
    panelError(status, t('api_key_revoke_failed', { name: k.name }), e);
  }
}

function fieldError(id, text) {
  const err = document.getElementById(id + '-error');
  err.textContent = text || '';
  err.hidden = !text;
  const target = document.getElementById(id);
  if (text) target.setAttribute('aria-invalid', 'true'); else target.removeAttribute('aria-invalid');
}

/** Shows the key just created, once; hiding it drops it from the page. */
function showKey(key, name) {
  value.value = key;
  document.getElementById('api-key-value-label').textContent = t('api_key_value_label', { name });
  copyStatus.textContent = '';
  shown.hidden = false;
  value.focus();
  value.select();
}

function hideKey() {
  value.value = '';
  copyStatus.textContent = '';
  shown.hidden = true;
  form.elements.name.focus();
}

async function copyKey() {
  try {
    await navigator.clipboard.writeText(value.value);
    copyStatus.textContent = t('api_key_copied');
  } catch (e) {
    value.focus();
    value.select();
    copyStatus.textContent = t('api_key_copy_manually');
  }
}

async function createKey(event) {
  event.preventDefault();
  fieldError('new-api-key-name', '');
  fieldError('new-api-key-scopes', '');
  fieldError('new-api-key-expiry', '');
  const name = form.elements.name.value.trim();
  const scopes = SCOPES.filter((s) => form.querySelector('input[value="' + s + '"]').checked);
  if (!name) fieldError('new-api-key-name', t('enter_api_key_name'));
  if (!scopes.length) fieldError('new-api-key-scopes', t('choose_api_key_scope'));
  if (!name || !scopes.length) {
    setStatus(status, t('api_key_not_created_fix'), 'error');
    focusInvalid();
    return;
  }
  try {
    const days = form.elements.expiry.value;
    const body = { name, scopes, expires_in_days: days ? Number(days) : null };
    const { data } = await api('POST', 'api/v1/api-keys', { body });
    form.reset();
    setStatus(status, t('api_key_created', { name: data.name }));
    showKey(data.key, data.name);
    await loadApiKeys();
  } catch (e) {
    const fields = e.fields || {};
    if (fields.name) fieldError('new-api-key-name', fields.name);
    if (fields.scopes) fieldError('new-api-key-scopes', fields.scopes);
    if (fields.expires_in_days) fieldError('new-api-key-expiry', fields.expires_in_days);
    panelError(status, t('api_key_not_created'), Object.keys(fields).length
      ? { status: e.status, message: t('fix_marked') } : e);
    focusInvalid();
  }
}

/** Focuses the first marked field (the first box of the scopes). */
function focusInvalid() {
  const invalid = form.querySelector('[aria-invalid="true"]');
  if (invalid) (invalid.matches('fieldset') ? invalid.querySelector('input') : invalid).focus();
}

/** Wires the API keys tab. */
export function setUpApiKeys() {
  form.addEventListener('submit', createKey);
  document.getElementById('api-key-copy').addEventListener('click', copyKey);
  document.getElementById('api-key-hide').addEventListener('click', hideKey);
}
