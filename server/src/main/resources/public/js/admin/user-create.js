// Administration, creating a user: the form's fields are checked here first, then by the server,
// whose sentences go under the fields they concern.

import { api } from '../api.js';
import { t, setStatus, panelError, parseLimit } from './ui.js';

const form = document.getElementById('user-create-form');
const status = document.getElementById('users-status');

function fieldError(name, text) {
  const input = form.elements[name];
  const err = input ? document.getElementById(input.id + '-error') : null;
  if (!err) return false;
  err.textContent = text || '';
  err.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  return true;
}

async function createUser(event, created) {
  event.preventDefault();
  ['username', 'password', 'sessions_limit'].forEach((n) => fieldError(n, ''));
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  const limit = parseLimit(form.elements.sessions_limit.value);
  if (!username) fieldError('username', t('enter_username'));
  if (!password) fieldError('password', t('enter_password'));
  if (limit.error) fieldError('sessions_limit', limit.error);
  if (!username || !password || limit.error) {
    setStatus(status, t('user_not_created_fix'), 'error');
    form.querySelector('[aria-invalid="true"]').focus();
    return;
  }
  const body = { username, password, admin: form.elements.admin.checked, sessions_limit: limit.value };
  try {
    await api('POST', 'api/v1/users', { body });
    form.reset();
    setStatus(status, t('user_created', { user: username }));
    await created();
    form.elements.username.focus();
  } catch (e) {
    const rest = [];
    for (const [name, text] of Object.entries(e.fields)) if (!fieldError(name, text)) rest.push(text);
    panelError(status, t('user_not_created'), Object.keys(e.fields).length && !rest.length
      ? { status: e.status, message: t('fix_marked') } : e);
    const invalid = form.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }
}

/** Wires the create form; created() is awaited after a user was created. */
export function setUpCreateUser(created) {
  form.addEventListener('submit', (e) => createUser(e, created));
}
