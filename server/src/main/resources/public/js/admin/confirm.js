// Administration, confirmations: one modal <dialog> that names what will happen before anything
// destructive is done. Cancel, Escape and the close button change nothing; focus starts on Cancel
// (the safe choice) and returns to the button that asked.

import { h } from '../format.js';
import { t } from './ui.js';

let ui = null;
let settle = null;
let returnFocus = null;

function build() {
  const title = h('h2', { id: 'confirm-title' });
  const message = h('p', { id: 'confirm-message', class: 'lead', 'data-test': 'confirm-message' });
  const extra = h('div', { id: 'confirm-extra' });
  const ok = h('button', { type: 'submit', id: 'confirm-ok', 'data-test': 'confirm-ok', class: 'danger' });
  const cancel = h('button', { type: 'button', id: 'confirm-cancel', 'data-test': 'confirm-cancel', class: 'secondary' });
  const form = h('form', { method: 'dialog', novalidate: true }, extra, h('div', { class: 'actions' }, ok, cancel));
  const dialog = h('dialog', {
    id: 'confirm-dialog', 'data-test': 'confirm-dialog', class: 'modal',
    'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message',
  }, title, message, form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const check = ui.validate ? ui.validate() : null;
    if (check) return;
    finish(true);
  });
  cancel.addEventListener('click', () => finish(false));
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); finish(false); });
  document.body.append(dialog);
  return { dialog, title, message, extra, ok, cancel, validate: null };
}

function finish(answer) {
  if (!settle) return;
  const done = settle;
  settle = null;
  ui.dialog.close();
  if (returnFocus && returnFocus.isConnected) returnFocus.focus();
  done(answer);
}

/**
 * Asks before a destructive action. Options: title, message (what will happen, in a sentence),
 * confirm (the button's words), danger (red button, default true), extra (elements shown above
 * the buttons, such as a field) and validate() (a sentence keeps the dialog open, null lets it
 * close). Resolves to true when confirmed, false otherwise.
 */
export function confirmAction({ title, message, confirm, danger = true, extra = null, validate = null }) {
  if (!ui) ui = build();
  if (settle) finish(false);
  returnFocus = document.activeElement;
  ui.title.textContent = title;
  ui.message.textContent = message;
  ui.extra.replaceChildren(...(extra ? [].concat(extra) : []));
  ui.ok.textContent = confirm;
  ui.ok.className = danger ? 'danger' : 'primary';
  ui.cancel.textContent = t('cancel');
  ui.validate = validate;
  ui.dialog.showModal();
  const first = ui.extra.querySelector('input, select');
  (first || ui.cancel).focus();
  return new Promise((resolve) => { settle = resolve; });
}
