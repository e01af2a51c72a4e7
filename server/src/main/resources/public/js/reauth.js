// Re-authentication before a sensitive change. When the server answers 403
// reauthentication_required (the password was last entered too long ago), a dialog asks for the
// password, posts it to /api/v1/me/reauthenticate, and api.js then makes the call once more.
// Cancel, Escape or closing the dialog leave the change undone; focus returns where it was.

import { api } from './api.js';
import { h } from './format.js';
import { messages } from './i18n.js';

const t = await messages('notices');

let ui = null;
let settle = null; // resolves the pending question, while the dialog is open
let pending = null;
let returnFocus = null;

function build() {
  const message = h('p', { id: 'reauth-message', class: 'lead' });
  const input = h('input', {
    id: 'reauth-password', name: 'password', type: 'password', required: true,
    autocomplete: 'current-password', 'aria-describedby': 'reauth-error',
  });
  const error = h('p', { id: 'reauth-error', 'data-test': 'reauth-error', class: 'field-error', hidden: true });
  const submit = h('button', { type: 'submit', id: 'reauth-submit', 'data-test': 'reauth-submit', class: 'primary' }, t('reauth.confirm'));
  const cancel = h('button', { type: 'button', id: 'reauth-cancel', 'data-test': 'reauth-cancel', class: 'secondary' }, t('reauth.cancel'));
  const form = h('form', { id: 'reauth-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'reauth-password' }, t('reauth.password')), input, error),
    h('div', { class: 'actions' }, submit, cancel));
  const dialog = h('dialog', {
    id: 'reauth-dialog', 'data-test': 'reauth-dialog', class: 'modal',
    'aria-labelledby': 'reauth-title', 'aria-describedby': 'reauth-message',
  }, h('h2', { id: 'reauth-title' }, t('reauth.title')), message, form);

  form.addEventListener('submit', confirm);
  cancel.addEventListener('click', () => finish(false));
  // Escape: the browser fires cancel, then closes the dialog.
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); finish(false); });
  document.body.append(dialog);
  return { dialog, message, input, error, submit };
}

function showError(text) {
  ui.error.textContent = text || '';
  ui.error.hidden = !text;
  if (text) ui.input.setAttribute('aria-invalid', 'true'); else ui.input.removeAttribute('aria-invalid');
}

async function confirm(event) {
  event.preventDefault();
  const password = ui.input.value;
  if (!password) {
    showError(t('reauth.enter_password'));
    ui.input.focus();
    return;
  }
  ui.submit.disabled = true;
  try {
    await api('POST', 'api/v1/me/reauthenticate', { body: { password } });
    finish(true);
  } catch (e) {
    if (e.status === 401) { finish(false); return; }
    showError(e.message);
    ui.input.select();
    ui.input.focus();
  } finally {
    ui.submit.disabled = false;
  }
}

function finish(confirmed) {
  if (!settle) return;
  const done = settle;
  settle = null;
  pending = null;
  ui.input.value = '';
  showError('');
  if (ui.dialog.open) ui.dialog.close();
  if (returnFocus && typeof returnFocus.focus === 'function' && document.contains(returnFocus)) {
    returnFocus.focus();
  }
  returnFocus = null;
  done(confirmed);
}

/**
 * Asks for the password; resolves to true once it was entered and accepted, false if the person
 * cancelled. Calls made while the dialog is open share its answer.
 */
export function askForPassword(body) {
  if (pending) return pending;
  if (!ui) ui = build();
  returnFocus = document.activeElement;
  ui.message.textContent = (body && body.message) || t('reauth.message');
  showError('');
  pending = new Promise((resolve) => { settle = resolve; });
  ui.dialog.showModal();
  ui.input.focus();
  return pending;
}
