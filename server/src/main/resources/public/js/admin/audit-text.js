// Administration, audit events in words: one title per event (auditTitle, used by the list, the
// type filter and anywhere else), and its details as a definition list.

import { h, humanize } from '../format.js';
import { t } from './ui.js';

/** Every audit type the server records (docs/api.md), in the order the type filter lists them. */
export const AUDIT_TYPES = [
  'login', 'login_failed', 'login_refused', 'logout', 'session_evicted', 'session_superseded',
  'session_ended_by_user', 'sessions_ended_by_user', 'session_revoked', 'sessions_revoked',
  'all_sessions_revoked', 'session_ended_by_provider', 'logout_token_replayed', 'sessions_enforced',
  'enforcement_previewed', 'settings_changed', 'user_created', 'user_updated', 'user_deleted',
  'user_groups_changed',
  'group_created', 'group_updated', 'group_deleted', 'reauthenticated', 'reauthentication_failed',
  'password_change_failed', 'mfa_asked', 'mfa_failed', 'mfa_enabled', 'mfa_disabled',
  'mfa_recovery_codes_replaced', 'admin_password_reset', 'login_resolved', 'api_key_created',
  'api_key_revoked',
];

function detailsOf(event) {
  let d = event.details;
  if (typeof d === 'string') {
    try { d = JSON.parse(d); } catch (e) { return {}; }
  }
  return d && typeof d === 'object' ? d : {};
}

/**
 * The one title of an audit event (or of a type, given {type}). A dry run recorded before
 * `enforcement_previewed` existed (sessions_enforced with dry_run) is titled as the preview it was.
 */
export function auditTitle(event) {
  const type = event.type === 'sessions_enforced' && detailsOf(event).dry_run === true
    ? 'enforcement_previewed' : event.type;
  const key = 'audit_' + type;
  const text = t(key);
  return text === key ? humanize(type) : text;
}

function keyText(k) {
  return k === k.toUpperCase() ? k : humanize(k);
}

function isEmpty(v) {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
}

function detailText(value) {
  if (isEmpty(value)) return t('none');
  if (Array.isArray(value)) return value.map((v) => detailText(v)).join(', ');
  if (typeof value === 'object') {
    if ('old' in value || 'new' in value) return detailText(value.old) + ' → ' + detailText(value.new);
    return Object.entries(value).map(([k, v]) => keyText(k) + ': ' + detailText(v)).join('; ');
  }
  return String(value);
}

/** Audit details as rows; a nested "changes" object gives one row per change. */
export function auditDetails(event) {
  if (typeof event.details === 'string' && !Object.keys(detailsOf(event)).length) return event.details;
  const d = detailsOf(event);
  const rows = [];
  for (const [k, v] of Object.entries(d)) {
    // The server describes each user agent in a browser field beside it; the raw header is not shown.
    if (isEmpty(v) || (/user_agent$/.test(k) && k.replace(/user_agent$/, 'browser') in d)) continue;
    if (k === 'changes' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [name, change] of Object.entries(v)) if (!isEmpty(change)) rows.push([name, detailText(change)]);
    } else {
      rows.push([k, detailText(v)]);
    }
  }
  if (!rows.length) return null;
  return h('dl', { class: 'details' }, rows.flatMap(([k, text]) => [h('dt', {}, keyText(k)), h('dd', {}, text)]));
}
