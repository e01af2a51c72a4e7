// The sign-in page: says why the last session ended (if it did), and signs in.

import { api, uiUrl, retryAfterSeconds, plural } from './api.js';
import { formatTime, limitText, h } from './format.js';
import { safeNext } from './session.js';
import { enrolmentBlock, recoveryBlock } from './mfa.js';

const DEVICE_KEY = 'sessionlimits.device';
const ENDED_KEY = 'sessionlimits.endedOnLogin';

const form = document.getElementById('login-form');
const submit = document.getElementById('login-submit');
const errorBox = document.getElementById('login-error');
const retryLine = document.getElementById('login-retry');
const next = safeNext(new URLSearchParams(location.search).get('next')) || uiUrl('account.html');
let retryTimer = null;

/** Why the identity provider's sign-in was refused, by the code the server sends back. */
const OIDC_ERRORS = {
  session_limit_reached: 'You already have as many sessions as your limit allows. Sign out of one of them first, or ask an administrator.',
  user_disabled: 'This account is disabled. Ask an administrator to enable it.',
  identity_provider_unavailable: 'The identity provider cannot be reached right now. Try again in a moment.',
  store_unavailable: 'The session store cannot be reached right now. Try again in a moment.',
  oidc_account_conflict: 'An account of this name exists here already and is not linked to your identity provider. Ask an administrator.',
  oidc_invalid_username: 'Your identity provider gave a user name that is not valid here. Ask an administrator.',
  oidc_state_mismatch: 'The sign-in could not be matched to this browser. Start it again from this page.',
  oidc_login_expired: 'The sign-in took too long. Start it again from this page.',
  oidc_provider_error: 'The identity provider did not sign you in.',
  oidc_missing_code: 'The identity provider did not sign you in.',
  oidc_token_refused: 'The identity provider refused the sign-in. Start it again from this page.',
  oidc_invalid_token: 'The identity provider\'s answer could not be trusted. Ask an administrator.',
  oidc_nonce_mismatch: 'The identity provider\'s answer did not match this sign-in. Start it again from this page.',
  oidc_missing_username: 'Your identity provider gave no user name. Ask an administrator.',
};

/** Shows the reason a sign-in with the identity provider was refused, from the query. */
function showOidcError() {
  const code = new URLSearchParams(location.search).get('oidc_error');
  if (!code) return;
  const sentence = Object.prototype.hasOwnProperty.call(OIDC_ERRORS, code)
    ? OIDC_ERRORS[code] : 'The sign-in with your identity provider did not succeed.';
  showError(['Signing in with your identity provider failed.', sentence]);
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
  button.textContent = 'Sign in with ' + oidc.name;
  button.href = uiUrl(oidc.start.replace(/^\/+/, '')) + '?return_to=' + encodeURIComponent(returnTo);
  document.getElementById('oidc-signin').hidden = false;
}

function showSignedOut(body) {
  const notice = document.getElementById('signed-out-notice');
  const ownLogout = body.reason === 'logged_out';
  document.getElementById('signed-out-title').textContent = ownLogout ? 'You signed out' : 'You were signed out';
  notice.classList.toggle('notice-warning', !ownLogout);
  notice.classList.toggle('notice-info', ownLogout);
  document.getElementById('signed-out-message').textContent =
    body.message || 'Your session has ended. Sign in again to go on.';
  document.getElementById('signed-out-time').textContent =
    body.ended_at ? 'Ended at ' + formatTime(body.ended_at) + ' (your time).' : '';
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

/** The limit and the count of a 403 session_limit_reached, as a short line under the sentence. */
function limitExplanation(body) {
  const limit = Number(body.limit);
  const active = Number(body.active);
  if (body.limit === undefined || !Number.isFinite(limit)) return null;
  const ip = body.scope === 'ip';
  return (ip ? 'Limit for one address: ' : 'Limit for your account: ') + limitText(limit) + '.'
    + (Number.isFinite(active) ? (ip ? ' Active from your address now: ' : ' Active now: ') + active + '.' : '');
}

function holdOff(seconds) {
  clearInterval(retryTimer);
  let left = seconds;
  submit.disabled = true;
  retryLine.hidden = false;
  const render = () => { retryLine.textContent = 'You can try again in ' + plural(left, 'second') + '.'; };
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

async function signIn(event) {
  event.preventDefault();
  errorBox.hidden = true;
  const username = form.username.value.trim();
  const password = form.password.value;
  const device = form.device.value.trim();
  const missing = [];
  form.username.setAttribute('aria-invalid', String(!username));
  form.password.setAttribute('aria-invalid', String(!password));
  if (!username) missing.push('your username');
  if (!password) missing.push('your password');
  if (missing.length) {
    showError(['Enter ' + missing.join(' and ') + '.']);
    (username ? form.password : form.username).focus();
    return;
  }

  const body = { username, password };
  if (device) body.device = device;
  submit.disabled = true;
  submit.textContent = 'Signing in…';
  try {
    const { data } = await api('POST', 'api/v1/login', { body });
    signedIn(data, device);
    return;
  } catch (e) {
    form.password.value = '';
    if (e.code === 'mfa_required' && e.body && e.body.mfa_ticket) {
      await askForCode(e.body, device);
      return;
    }
    if (e.code === 'session_limit_reached') {
      showError([e.message, limitExplanation(e.body)]);
    } else if (e.status === 429) {
      const wait = retryAfterSeconds(e.headers, e.body);
      showError([e.message]);
      if (wait) holdOff(wait);
    } else {
      showError([e.message]);
    }
    if (e.code === 'invalid_credentials') {
      form.password.setAttribute('aria-invalid', 'true');
    }
    (form.username.value ? form.password : form.username).focus();
  } finally {
    submit.textContent = 'Sign in';
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

const mfaForm = document.getElementById('mfa-form');

/** The second step: the password was right; a code of the app (set up now if need be) finishes. */
async function askForCode(challenge, device) {
  const enrol = document.getElementById('mfa-enrol');
  enrol.replaceChildren();
  if (challenge.enrolment_required) {
    try {
      const { data } = await api('POST', 'api/v1/login/mfa/enrol', { body: { mfa_ticket: challenge.mfa_ticket } });
      enrol.replaceChildren(
        h('p', null, 'Administrators sign in with an authenticator app. Set yours up now.'),
        enrolmentBlock(data));
    } catch (e) {
      showError([e.message]);
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
    const body = { mfa_ticket: challenge.mfa_ticket, code: code.value.trim() };
    if (device) body.device = device;
    try {
      const { data } = await api('POST', 'api/v1/login/mfa', { body });
      signedIn(data, device);
    } catch (e) {
      code.value = '';
      code.setAttribute('aria-invalid', 'true');
      if (e.code === 'invalid_mfa_ticket') {
        mfaForm.hidden = true;
        form.hidden = false;
        form.password.focus();
      } else {
        code.focus();
      }
      showError([e.message, e.code === 'session_limit_reached' ? limitExplanation(e.body) : null]);
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
    else if (e.status !== 401) showError(['The server could not tell whether you are signed in: ' + e.message]);
  }
  form.username.focus();
}

start();
