// The sign-in page: says why the last session ended (if it did), and signs in. Refused by her own
// limit, the user sees her sessions and may sign one out to go on; a sign-in that would sign out
// another of her devices first says which (the server's preview), so nobody is surprised there.
// Every sentence comes from the `login` message bundle (js/i18n.js).

import { api, uiUrl, retryAfterSeconds } from './api.js';
import { h, formatTime as localTime } from './format.js';
import { safeNext } from './session.js';
import { enrolmentBlock, recoveryBlock } from './mfa.js';
import { messages, translatePage, lang } from './i18n.js';

const DEVICE_KEY = 'sessionlimits.device';
const ENDED_KEY = 'sessionlimits.endedOnLogin';

const t = await messages('common', 'login');
translatePage(t);

const form = document.getElementById('login-form');
const submit = document.getElementById('login-submit');
const errorBox = document.getElementById('login-error');
const retryLine = document.getElementById('login-retry');
const choice = document.getElementById('resolve-choice');
const preview = document.getElementById('resolve-preview');
const mfaForm = document.getElementById('mfa-form');
const next = safeNext(new URLSearchParams(location.search).get('next')) || uiUrl('account.html');
let retryTimer = null;

/** The sentence of key, or null if the bundle has none (t answers the key itself then). */
function known(key, vars) {
  const text = t(key, vars);
  return text === key ? null : text;
}

/** "1 session", "3 Sitzungen", "unlimited". */
function limitWords(limit) {
  return Number(limit) === -1 ? t('unlimited') : t('n_sessions', { count: Number(limit) });
}

/** Shows the reason a sign-in with the identity provider was refused, from the query. */
function showOidcError() {
  const code = new URLSearchParams(location.search).get('oidc_error');
  if (!code) return;
  const sentence = (/^[a-z_]+$/.test(code) && known('oidc_error.' + code)) || t('oidc_error.default');
  showError([t('oidc_failed'), sentence]);
  errorBox.dataset.reason = code;
}

/** Offers the identity provider's sign-in when the server has one. */
async function showOidcOption() {
  let options;
  try {
    ({ data: options } = await api('GET', 'api/v1/login/options', { quiet: true }));
  } catch (e) {
    return;
  }
  const oidc = options && options.oidc;
  if (!oidc || typeof oidc.start !== 'string') return;
  const target = new URL(next);
  const returnTo = target.origin === location.origin ? target.pathname + target.search + target.hash : '/';
  const button = document.getElementById('oidc-button');
  button.textContent = t('oidc_button', { name: oidc.name });
  button.href = uiUrl(oidc.start.replace(/^\/+/, '')) + '?return_to=' + encodeURIComponent(returnTo);
  document.getElementById('oidc-signin').hidden = false;
}

function showSignedOut(body) {
  const notice = document.getElementById('signed-out-notice');
  const ownLogout = body.reason === 'logged_out';
  document.getElementById('signed-out-title').textContent = t(ownLogout ? 'signed_out_own_title' : 'signed_out_title');
  notice.classList.toggle('notice-warning', !ownLogout);
  notice.classList.toggle('notice-info', ownLogout);
  // The server's sentence is English and names the details; other languages say it in general.
  const translated = lang === 'en' ? null : known('ended.' + body.reason);
  document.getElementById('signed-out-message').textContent =
    translated || body.message || t('signed_out_default');
  document.getElementById('signed-out-time').textContent =
    body.ended_at ? t('ended_at', { time: localTime(body.ended_at) }) : '';
  notice.dataset.reason = body.reason || '';
  notice.hidden = false;
}

function showError(lines) {
  errorBox.replaceChildren(...lines.filter(Boolean).map((line, i) => {
    const p = document.createElement('p');
    if (i === 0) p.className = 'strong';
    p.textContent = line;
    return p;
  }));
  errorBox.hidden = false;
}

/** The sentence for an API error: the bundle's for its code, else the server's. */
function errorText(e) {
  if (e.status === 0) return t('error.network');
  return (e.code && known('error.' + e.code)) || e.message;
}

/** The lines of a 403 session_limit_reached: what was refused, and what she can do. */
function refusalLines(body, offered) {
  const count = Number(body.active);
  const limit = limitWords(body.limit);
  if (body.scope === 'ip') {
    const ip = body.client_ip || '';
    return [
      known('refused.ip', { count, limit, ip: ip || '—' }) || body.message,
      t('refused.ip_explained', { ip: ip || '—' }),
    ];
  }
  return [t('refused.user', { count, limit }), offered ? null : t('refused.user_no_choice')];
}

function holdOff(seconds) {
  clearInterval(retryTimer);
  let left = seconds;
  submit.disabled = true;
  retryLine.hidden = false;
  const render = () => { retryLine.textContent = t('retry_in', { count: left }); };
  render();
  retryTimer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(retryTimer);
      submit.disabled = false;
      retryLine.hidden = true;
      return;
    }
    render();
  }, 1000);
}

function hidePanels() {
  choice.hidden = true;
  preview.hidden = true;
}

/** One session as the server lists it: its device, browser, address and times. */
function sessionFacts(s) {
  const fact = (key, value) => h('div', { class: 'resolve-fact' },
    h('dt', null, t(key)), h('dd', null, value));
  return h('dl', { class: 'resolve-facts' },
    fact('session.browser', s.browser || '—'),
    fact('session.address', s.client_ip || '—'),
    fact('session.created', h('time', { datetime: s.created_at }, localTime(s.created_at))),
    fact('session.last_seen', h('time', { datetime: s.last_seen_at }, localTime(s.last_seen_at))),
    fact('session.expires', h('time', { datetime: s.expires_at }, localTime(s.expires_at))));
}

function deviceName(s) {
  return s.device || t('session.unnamed');
}

/** Logs in with a resolve token (and the session to sign out, if any); shows why if it cannot. */
async function resolve(token, endSession, device, button, recoveryCodes) {
  errorBox.hidden = true;
  if (button) button.disabled = true;
  const body = { resolve_token: token };
  if (endSession) body.end_session = endSession;
  try {
    const { data } = await api('POST', 'api/v1/login/resolve', { body });
    // Recovery codes of a factor set up during this sign-in came with the preview: show them still.
    signedIn(recoveryCodes ? { ...data, recovery_codes: recoveryCodes } : data, device);
  } catch (e) {
    hidePanels();
    if (e.code === 'session_limit_reached' && e.body) {
      refused(e.body, device);
      return;
    }
    showError([errorText(e)]);
    form.hidden = false;
    submit.focus();
  }
}

/** The refusal by her own limit, with her sessions to choose from (when the server offers them). */
function refused(body, device) {
  const offered = body.scope !== 'ip' && Array.isArray(body.sessions) && body.sessions.length > 0
    && typeof body.resolve_token === 'string';
  showError(refusalLines(body, offered));
  errorBox.dataset.scope = body.scope || '';
  if (!offered) return false;
  const list = document.getElementById('resolve-sessions');
  list.replaceChildren(...body.sessions.map((s) => {
    const name = deviceName(s);
    const button = h('button', {
      type: 'button', class: 'primary', 'data-test': 'resolve-session-end',
      'aria-label': t('choice_button_label', { device: name + ' (' + (s.browser || '') + ')' }),
    }, t('choice_button'));
    button.addEventListener('click', () => resolve(body.resolve_token, s.id, device, button));
    return h('li', { class: 'resolve-session', 'data-test': 'resolve-session', 'data-session-id': s.id },
      h('p', { class: 'strong' }, name), sessionFacts(s), button);
  }));
  document.getElementById('resolve-until').textContent =
    body.resolve_expires ? t('choice_until', { time: localTime(body.resolve_expires) }) : '';
  choice.hidden = false;
  const first = list.querySelector('button');
  if (first) first.focus();
  return true;
}

/** The server's preview: this sign-in would sign out these sessions of hers. Continue or cancel. */
function confirmEviction(data, device) {
  form.hidden = true;
  mfaForm.hidden = true;
  document.getElementById('preview-sessions').replaceChildren(...data.would_end.map((s) =>
    h('li', { class: 'resolve-session', 'data-test': 'preview-session', 'data-session-id': s.id },
      h('p', { class: 'strong' }, deviceName(s)), sessionFacts(s))));
  preview.hidden = false;
  const go = document.getElementById('preview-continue');
  const cancel = document.getElementById('preview-cancel');
  go.disabled = false;
  go.onclick = () => resolve(data.resolve_token, null, device, go, data.recovery_codes);
  cancel.onclick = () => {
    hidePanels();
    form.hidden = false;
    showError([t('preview_cancelled')]);
    form.password.focus();
  };
  go.focus();
}

/** What a sign-in step answered: signed in, a preview to confirm, or (thrown) a refusal. */
function answered(data, device) {
  if (data && Array.isArray(data.would_end) && typeof data.resolve_token === 'string') {
    confirmEviction(data, device);
  } else {
    signedIn(data, device);
  }
}

async function signIn(event) {
  event.preventDefault();
  errorBox.hidden = true;
  hidePanels();
  const username = form.username.value.trim();
  const password = form.password.value;
  const device = form.device.value.trim();
  form.username.setAttribute('aria-invalid', String(!username));
  form.password.setAttribute('aria-invalid', String(!password));
  if (!username || !password) {
    showError([t(!username && !password ? 'missing_both' : !username ? 'missing_username' : 'missing_password')]);
    (username ? form.password : form.username).focus();
    return;
  }

  const body = { username, password, preview: true };
  if (device) body.device = device;
  submit.disabled = true;
  submit.textContent = t('submitting');
  try {
    const { data } = await api('POST', 'api/v1/login', { body });
    answered(data, device);
    return;
  } catch (e) {
    if (e.code === 'mfa_required' && e.body && e.body.mfa_ticket) {
      form.password.value = '';
      await askForCode(e.body, device);
      return;
    }
    if (e.code === 'session_limit_reached' && e.body) {
      // The password stays: she may sign in again once a session of hers has ended.
      if (refused(e.body, device)) return;
    } else if (e.status === 429) {
      const wait = retryAfterSeconds(e.headers, e.body);
      showError([errorText(e)]);
      if (wait) holdOff(wait);
    } else {
      showError([errorText(e)]);
    }
    if (e.code === 'invalid_credentials') {
      form.password.setAttribute('aria-invalid', 'true');
    }
    (form.username.value ? form.password : form.username).focus();
  } finally {
    submit.textContent = t('submit');
    if (!retryTimer || retryLine.hidden) submit.disabled = false;
  }
}

/** Remembers what the next page shows, then goes there (or first shows new recovery codes). */
function signedIn(data, device) {
  try {
    if (device) localStorage.setItem(DEVICE_KEY, device); else localStorage.removeItem(DEVICE_KEY);
    const endedSessions = (data && Array.isArray(data.ended_sessions)) ? data.ended_sessions : [];
    if (endedSessions.length) sessionStorage.setItem(ENDED_KEY, JSON.stringify(endedSessions));
  } catch (e) { /* storage may be off; nothing essential is kept there */ }
  if (data && Array.isArray(data.recovery_codes) && data.recovery_codes.length) {
    mfaForm.hidden = true;
    preview.hidden = true;
    document.getElementById('mfa-recovery').replaceChildren(recoveryBlock(data.recovery_codes));
    const done = document.getElementById('mfa-done');
    done.hidden = false;
    const go = document.getElementById('mfa-continue');
    go.addEventListener('click', () => location.assign(next), { once: true });
    go.focus();
    return;
  }
  location.assign(next);
}

/** The second step: the password was right; a code of the app (set up now if need be) finishes. */
async function askForCode(challenge, device) {
  const enrol = document.getElementById('mfa-enrol');
  enrol.replaceChildren();
  if (challenge.enrolment_required) {
    try {
      const { data } = await api('POST', 'api/v1/login/mfa/enrol', { body: { mfa_ticket: challenge.mfa_ticket } });
      enrol.replaceChildren(h('p', null, t('mfa_enrol_intro')), enrolmentBlock(data));
    } catch (e) {
      showError([errorText(e)]);
      return;
    }
  }
  form.hidden = true;
  mfaForm.hidden = false;
  const code = mfaForm.code;
  code.value = '';
  code.focus();
  mfaForm.onsubmit = async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    const body = { mfa_ticket: challenge.mfa_ticket, code: code.value.trim(), preview: true };
    if (device) body.device = device;
    try {
      const { data } = await api('POST', 'api/v1/login/mfa', { body });
      answered(data, device);
    } catch (e) {
      code.value = '';
      if (e.code === 'session_limit_reached' && e.body) {
        mfaForm.hidden = true;
        form.hidden = false;
        if (refused(e.body, device)) return;
        form.password.focus();
        return;
      }
      code.setAttribute('aria-invalid', 'true');
      if (e.code === 'invalid_mfa_ticket') {
        mfaForm.hidden = true;
        form.hidden = false;
        form.password.focus();
      } else {
        code.focus();
      }
      showError([errorText(e)]);
    }
  };
}

async function start() {
  try {
    const saved = localStorage.getItem(DEVICE_KEY);
    if (saved) form.device.value = saved;
  } catch (e) { /* no storage */ }
  form.addEventListener('submit', signIn);
  showOidcError();
  showOidcOption();

  try {
    await api('GET', 'api/v1/me', { quiet: true });
    location.replace(next);
    return;
  } catch (e) {
    if (e.status === 401 && e.code === 'session_ended') showSignedOut(e.body);
    else if (e.status !== 401) showError([t('not_sure_signed_in', { message: errorText(e) })]);
  }
  form.username.focus();
}

start();
