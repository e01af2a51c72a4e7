// Why a session ended, in words for the person it happened to (the live notice, and the sign-in
// page after it).
//
// The sentence is worded here from the reason code and the body's fields, in the page's language
// and with every time in the reader's own zone (the server knows neither; its message says UTC).
// A reason this page does not know yet falls back to the server's message, which is in the page's
// language as well (Accept-Language).

import { formatTime, agentWords } from './format.js';
import { messages } from './i18n.js';

const t = await messages('common', 'notices');

const SIMPLE_REASONS = [
  'logged_out', 'idle_timeout', 'max_lifetime', 'ended_by_user', 'revoked_by_admin', 'user_disabled',
  'password_changed', 'superseded', 'identity_provider_logout', 'signed_out_at_sign_in',
];

function limitWords(body) {
  return typeof body.limit === 'number' ? t('n_sessions', { count: body.limit }) : '';
}

/** "Phone" (Firefox on Android), or the browser alone: the device of the login that caused it. */
function deviceWords(login) {
  const browser = agentWords(login.browser);
  return login.device ? t('end.named_device', { device: login.device, browser }) : browser;
}

/** The sentence that tells why the session of body (a session_ended body) ended. */
export function endSentence(body) {
  const reason = body && body.reason;
  const at = body && body.ended_at ? formatTime(body.ended_at) : '';
  if (reason === 'signed_out_at_sign_in' && at && body.caused_by) {
    return t('end.signed_out_at_sign_in_on', { time: at, device: deviceWords(body.caused_by), ip: body.caused_by.ip || '?' });
  }
  if (SIMPLE_REASONS.includes(reason) && at) return t('end.' + reason, { time: at });
  if (reason === 'session_limit_reached') {
    const scope = body.scope === 'ip' ? 'ip' : 'user';
    const login = body.caused_by;
    if (!login || !login.at) return t('end.limit_applied_' + scope, { limit: limitWords(body) });
    return t('end.limit_reached_' + scope, {
      device: deviceWords(login),
      ip: login.ip || '?',
      time: formatTime(login.at),
      limit: limitWords(body),
    });
  }
  return (body && body.message) || t('session_over');
}

