// The second factor in the web UI: the QR code and secret of a new app, recovery codes, and the
// "Two-step sign-in" card of the account page.

import { api } from './api.js';
import { h } from './format.js';
import { messages } from './i18n.js';

const t = await messages('mfa');

/** The server's QR code (an SVG document) as an element; parsed, never set as HTML. */
export function qrElement(svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (!svg || svg.nodeName !== 'svg') return h('p', { class: 'muted' }, t('qr_failed'));
  const node = document.importNode(svg, true);
  node.setAttribute('class', 'qr');
  return node;
}

/** What to scan or type into the app. */
export function enrolmentBlock(enrolment) {
  return h('div', { class: 'mfa-enrolment', 'data-test': 'mfa-enrolment' },
    h('p', null, t('scan')),
    qrElement(enrolment.qr_svg),
    h('p', null, t('or_type_key'), ' ',
      h('code', { 'data-test': 'mfa-secret', class: 'mfa-secret' }, enrolment.secret)));
}

/** The recovery codes, shown once. */
export function recoveryBlock(codes) {
  return h('div', { class: 'notice notice-info', 'data-test': 'recovery-codes' },
    h('p', { class: 'strong' }, t('recovery_title')),
    h('p', null, t('recovery_help')),
    h('ul', { class: 'recovery-codes' }, ...codes.map((c) => h('li', null, h('code', null, c)))));
}

function card() { return document.getElementById('mfa-card'); }

function status(text, kind) {
  const el = document.getElementById('mfa-status');
  el.textContent = text || '';
  if (kind) el.dataset.kind = kind; else delete el.dataset.kind;
}

async function render(extra) {
  const body = document.getElementById('mfa-body');
  let state;
  try {
    ({ data: state } = await api('GET', 'api/v1/me/mfa'));
  } catch (e) {
    status(e.message, 'error');
    return;
  }
  if (!state.available) {
    body.replaceChildren(h('p', { class: 'muted' }, t('not_available')));
    return;
  }
  const children = [];
  if (state.totp === 'on') {
    children.push(
      h('p', { 'data-test': 'mfa-state' }, t('state_on'), ' ',
        t('recovery_codes_left', { count: state.recovery_codes_left })),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'secondary', 'data-test': 'mfa-new-codes', onclick: newCodes }, t('new_codes')),
        h('button', { type: 'button', class: 'danger-outline', 'data-test': 'mfa-off', onclick: turnOff }, t('turn_off'))));
  } else {
    children.push(
      h('p', { 'data-test': 'mfa-state' }, t('state_off')),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'primary', 'data-test': 'mfa-set-up', onclick: setUp }, t('set_up'))));
  }
  if (extra) children.push(extra);
  body.replaceChildren(...children);
}

async function setUp() {
  status('');
  let enrolment;
  try {
    ({ data: enrolment } = await api('POST', 'api/v1/me/mfa/totp'));
  } catch (e) {
    status(e.message, 'error');
    return;
  }
  const input = h('input', { id: 'mfa-confirm-code', 'data-test': 'mfa-confirm-code', type: 'text', inputmode: 'numeric',
    autocomplete: 'one-time-code', maxlength: '6', required: true });
  const form = h('form', { novalidate: true, 'data-test': 'mfa-confirm-form' },
    enrolmentBlock(enrolment),
    h('div', { class: 'field' }, h('label', { for: 'mfa-confirm-code' }, t('code_label')), input),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-test': 'mfa-confirm' }, t('turn_on'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const { data } = await api('POST', 'api/v1/me/mfa/totp/confirm', { body: { code: input.value.trim() } });
      status(t('is_on'), 'ok');
      await render(recoveryBlock(data.recovery_codes));
    } catch (e) {
      status(e.message, 'error');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  document.getElementById('mfa-body').replaceChildren(form);
  input.focus();
}

async function newCodes() {
  try {
    const { data } = await api('POST', 'api/v1/me/mfa/recovery-codes');
    status(t('codes_renewed'), 'ok');
    await render(recoveryBlock(data.recovery_codes));
  } catch (e) {
    status(e.message, 'error');
  }
}

async function turnOff() {
  if (!window.confirm(t('confirm_off'))) return;
  try {
    await api('DELETE', 'api/v1/me/mfa/totp');
    status(t('is_off'), 'ok');
    await render();
  } catch (e) {
    status(e.message, 'error');
  }
}

/** Fills the account page's card, if it has one. */
export function startMfaCard() {
  if (card()) render();
}
