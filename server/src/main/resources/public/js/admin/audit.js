// Administration, the audit log: newest first, paged, filtered by user, type and time, and
// exported as CSV or JSON lines with the same filters.

import { uiUrl } from '../api.js';
import { h } from '../format.js';
import { AUDIT_TYPES, auditDetails, auditTitle } from './audit-text.js';
import { PagedList } from './paged.js';
import { t, setStatus, panelError, timeEl, debounce } from './ui.js';

const body = document.getElementById('audit-body');
const status = document.getElementById('audit-status');
const form = document.getElementById('audit-filter');

let list = null;

function row(ev) {
  return h('tr', { 'data-test': 'audit-event', 'data-type': ev.type, 'data-id': ev.id },
    h('td', { 'data-label': t('col_when') }, timeEl(ev.at || ev.time || ev.created_at)),
    h('td', { 'data-label': t('col_what'), 'data-test': 'audit-title' }, auditTitle(ev)),
    h('td', { 'data-label': t('col_who') }, ev.actor ? h('span', { class: 'name' }, ev.actor) : h('span', { class: 'muted' }, t('system'))),
    h('td', { 'data-label': t('col_from') }, h('span', { class: 'mono' }, ev.client_ip || '')),
    h('td', { 'data-label': t('col_concerning') }, h('span', { class: 'name' }, ev.subject || ''),
      ev.session_id ? h('div', { class: 'mono small muted name' }, t('session_id', { id: ev.session_id })) : null),
    h('td', { 'data-label': t('col_details') }, auditDetails(ev)));
}

/** A datetime-local value as ISO-8601 in UTC (the browser's zone applied), or ''. */
function iso(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function filters() {
  const f = form.elements;
  return { user: f.user.value.trim(), type: f.type.value, since: iso(f.since.value), until: iso(f.until.value) };
}

function exportHref(format) {
  const params = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(filters())) if (v) params.set(k, v);
  return uiUrl('api/v1/audit/export?' + params);
}

function updateExports() {
  document.getElementById('audit-export-csv').href = exportHref('csv');
  document.getElementById('audit-export-jsonl').href = exportHref('jsonl');
}

/** Loads the newest events (the tab was opened, or Refresh). */
export function loadAudit() {
  updateExports();
  return list.reset();
}

/** Asks for the page in view again (the tab was shown again). */
export function refreshAudit() {
  return list.refresh();
}

/** Wires the filters, the export links and the pages. */
export function setUpAudit() {
  const type = form.elements.type;
  type.append(...AUDIT_TYPES.map((code) => h('option', { value: code }, auditTitle({ type: code }))));
  list = new PagedList({
    path: 'api/v1/audit', key: 'events', itemKey: 'id', rowKey: 'data-id', id: 'audit', label: t('tab_audit'),
    filters, sort: null, body, columns: 6, render: row, empty: () => t('no_events'),
    onError: (e) => panelError(status, t('audit_load_failed'), e),
    onPage: ({ count, quiet }) => { if (!quiet) setStatus(status, t('events_shown', { count })); },
  });
  document.getElementById('audit-pager').replaceChildren(list.controls());
  const changed = debounce(() => loadAudit(), 250);
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', (e) => { e.preventDefault(); loadAudit(); });
  document.getElementById('audit-refresh').addEventListener('click', () => loadAudit());
}
