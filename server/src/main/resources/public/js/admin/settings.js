// Administration, settings: every setting with its help, valid range, default and source; a
// setting from a configuration file is read-only. Changes are saved together; each field can be
// put back to its built-in default ("Use default", saved with the others).

import { api } from '../api.js';
import { h } from '../format.js';
import { t, setStatus, panelError } from './ui.js';

const settingsForm = document.getElementById('settings-form');
const settingsFields = document.getElementById('settings-fields');
const settingsStatus = document.getElementById('settings-status');
const settingsErrors = document.getElementById('settings-errors');
const settingsSave = document.getElementById('settings-save');
const settingsReset = document.getElementById('settings-reset');
const settingsDirty = document.getElementById('settings-dirty');
let schema = []; // normalised: {name, type, label, help, range, def, readOnly, source, file, choices}
let saved = {}; // name → value in force

/** An exhaustion action in words (its code if the bundle does not know it). */
function actionWords(code) {
  const key = 'action_' + code;
  const text = t(key);
  return text === key ? code : text;
}

function rangeText(range) {
  if (range === undefined || range === null) return '';
  if (Array.isArray(range)) return range.join(', ');
  if (typeof range === 'object') {
    const parts = [];
    if (range.special !== undefined && range.special !== null) parts.push(String(range.special));
    if (range.min !== undefined && range.max !== undefined) parts.push(range.min + '..' + range.max);
    return parts.join(', or ');
  }
  return String(range);
}

function normaliseSchema(data) {
  const src = (data && !Array.isArray(data) && (data.settings || data.schema)) || data || {};
  const list = Array.isArray(src) ? src : Object.entries(src).map(([name, v]) => ({ name, ...v }));
  return list.map((s) => {
    const range = s.valid_range ?? s.valid ?? s.range ?? s.valid_values;
    let choices = s.choices ?? s.options ?? s.values ?? s.actions ?? s.allowed_values;
    if (!Array.isArray(choices) && Array.isArray(range)) choices = range;
    if (!Array.isArray(choices) && typeof range === 'string' && /^one of /i.test(range)) {
      choices = range.replace(/^one of /i, '').split(/,\s*/).filter(Boolean);
    }
    const type = String(s.type || '').toLowerCase();
    return {
      name: s.name || s.key,
      type: Array.isArray(choices) && type !== 'boolean' ? 'choice' : type,
      label: s.label || s.name || s.key,
      help: s.help ?? s.help_text ?? s.description ?? '',
      range: rangeText(range),
      def: s.default ?? s.default_value,
      readOnly: s.read_only === true,
      source: s.source ?? (s.read_only ? 'file' : undefined),
      file: s.file ?? s.source_file ?? s.source_path ?? null,
      choices: Array.isArray(choices) ? choices.map(String) : null,
    };
  }).filter((s) => s.name);
}

function normaliseValues(data) {
  const src = (data && data.settings && typeof data.settings === 'object' && !Array.isArray(data.settings))
    ? data.settings : (data || {});
  const values = {};
  for (const [k, v] of Object.entries(src)) {
    values[k] = (v && typeof v === 'object' && 'value' in v) ? v.value : v;
  }
  return values;
}

function settingInput(s) {
  const id = 'setting-' + s.name;
  const described = [id + '-help', id + '-range', s.readOnly ? id + '-readonly' : null,
    s.name === 'AUTH_BASIC_ENABLED' ? id + '-warning' : null, id + '-error'].filter(Boolean).join(' ');
  const common = {
    id, name: s.name, 'data-test': 'setting-input', 'data-setting': s.name,
    'aria-describedby': described, disabled: s.readOnly, 'aria-readonly': s.readOnly ? 'true' : null,
  };
  if (s.type === 'boolean') return h('input', { ...common, type: 'checkbox', class: 'switch' });
  if (s.type === 'choice') {
    return h('select', common, s.choices.map((c) => h('option', { value: c }, actionWords(c))));
  }
  if (s.type === 'integer' || s.type === 'number' || s.type === 'long') {
    return h('input', { ...common, type: 'text', inputmode: 'numeric', pattern: '-?[0-9]*', autocomplete: 'off', class: 'num' });
  }
  return h('input', { ...common, type: 'text', autocomplete: 'off' });
}

/**
 * Names whose "Use default" was pressed: while the field still shows the default, Save sends null
 * for it, so the server forgets the stored value and the setting follows the built-in default.
 */
const reverted = new Set();

/** Puts the field back to its built-in default; Save sends it back to the default. */
function useDefault(s) {
  reverted.add(s.name);
  const input = fieldOf(s.name);
  if (s.type === 'boolean') input.checked = s.def === true || s.def === 'true';
  else input.value = String(s.def);
  updateDirty();
  setStatus(settingsStatus, t('default_filled', { label: s.label }));
  input.focus();
}

function defaultButton(s) {
  if (s.readOnly || s.def === undefined || s.def === null) return null;
  return h('button', {
    type: 'button', class: 'secondary small setting-default', 'data-test': 'setting-default',
    'aria-describedby': 'setting-' + s.name + '-range', onclick: () => useDefault(s),
  }, t('use_default'));
}

function renderSettings() {
  const blocks = schema.map((s) => {
    const id = 'setting-' + s.name;
    const input = settingInput(s);
    const label = h('label', { for: id }, s.label, ' ', h('code', { class: 'setting-name' }, s.name));
    const head = s.type === 'boolean'
      ? h('div', { class: 'setting-head check' }, input, label)
      : h('div', { class: 'setting-head' + (s.type === 'choice' ? ' stack' : '') }, label, input);
    const showRange = s.range && s.type !== 'boolean' && s.type !== 'choice';
    const defText = s.def === undefined ? ''
      : t('default_is', { value: s.type === 'boolean' ? t(s.def === true || s.def === 'true' ? 'on' : 'off')
        : s.type === 'choice' ? actionWords(s.def) : String(s.def) });
    return h('div', {
      class: 'setting' + (s.readOnly ? ' is-read-only' : ''), id: 'field-' + s.name,
      'data-setting': s.name, 'data-test': 'setting', 'data-read-only': String(s.readOnly),
    },
    head,
    h('p', { id: id + '-help', class: 'help' }, s.help),
    h('p', { id: id + '-range', class: 'range small' },
      showRange ? [t('valid') + ' ', h('span', { class: 'mono', 'data-test': 'setting-range' }, s.range), '. '] : '',
      defText, ' ',
      h('span', { id: id + '-source', 'data-test': 'setting-source' })),
    s.readOnly ? h('p', { id: id + '-readonly', class: 'readonly-note', 'data-test': 'read-only-note' },
      h('span', { class: 'badge badge-locked' }, t('read_only')), ' ',
      s.file ? t('read_only_file', { file: s.file }) : t('read_only_note')) : null,
    s.name === 'AUTH_BASIC_ENABLED' ? h('p', { id: id + '-warning', class: 'warning-note', 'data-test': 'auth-basic-warning', role: 'note' },
      h('strong', {}, t('basic_warning_title') + ' '), t('basic_warning')) : null,
    defaultButton(s),
    h('p', { id: id + '-error', class: 'field-error', 'data-test': 'setting-error', hidden: true }));
  });
  settingsFields.replaceChildren(...blocks);
  settingsFields.addEventListener('input', updateDirty);
  settingsFields.addEventListener('change', updateDirty);
}

function fieldOf(name) {
  return document.getElementById('setting-' + name);
}

function showValues() {
  reverted.clear();
  for (const s of schema) {
    const input = fieldOf(s.name);
    const value = saved[s.name];
    if (s.type === 'boolean') input.checked = value === true || value === 'true';
    else if (s.type === 'choice') {
      const text = value === undefined || value === null ? '' : String(value);
      if (text && ![...input.options].some((o) => o.value === text)) input.append(h('option', { value: text }, text));
      input.value = text;
    } else input.value = value === undefined || value === null ? '' : String(value);
    document.getElementById('setting-' + s.name + '-source').textContent =
      s.source ? t('source_' + s.source) : '';
  }
  updateDirty();
}

/** {changed: {NAME: value}, problems: {NAME: sentence}} for the fields that differ from saved. */
function readChanges() {
  const changed = {};
  const problems = {};
  for (const s of schema) {
    if (s.readOnly) continue;
    const input = fieldOf(s.name);
    let value;
    if (s.type === 'boolean') value = input.checked;
    else if (s.type === 'integer' || s.type === 'number' || s.type === 'long') {
      const text = input.value.trim();
      if (!/^-?\d+$/.test(text)) {
        if (text !== String(saved[s.name] ?? '')) {
          problems[s.name] = s.range ? t('whole_number_range', { label: s.label, range: s.range }) : t('whole_number', { label: s.label });
        }
        continue;
      }
      value = Number(text);
    } else value = input.value;
    if (reverted.has(s.name) && s.source === 'api' && String(value) === String(s.def)) {
      changed[s.name] = null;
      continue;
    }
    const before = saved[s.name];
    const same = (s.type === 'boolean') ? (before === true || before === 'true') === value
      : String(before ?? '') === String(value);
    if (!same) changed[s.name] = value;
  }
  return { changed, problems };
}

function updateDirty() {
  const { changed, problems } = readChanges();
  const names = new Set([...Object.keys(changed), ...Object.keys(problems)]);
  for (const s of schema) {
    document.getElementById('field-' + s.name).classList.toggle('is-changed', names.has(s.name));
  }
  settingsDirty.textContent = names.size ? t('unsaved_changes', { count: names.size }) : '';
  settingsReset.disabled = names.size === 0;
}

function clearSettingErrors() {
  settingsErrors.hidden = true;
  settingsErrors.replaceChildren();
  for (const s of schema) {
    const err = document.getElementById('setting-' + s.name + '-error');
    err.hidden = true;
    err.textContent = '';
    fieldOf(s.name).removeAttribute('aria-invalid');
    document.getElementById('field-' + s.name).classList.remove('has-error');
  }
}

function showSettingErrors(fields, message) {
  const items = [];
  let first = null;
  for (const [name, sentence] of Object.entries(fields)) {
    const input = fieldOf(name);
    const s = schema.find((x) => x.name === name);
    if (input) {
      const err = document.getElementById('setting-' + name + '-error');
      err.textContent = sentence;
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      document.getElementById('field-' + name).classList.add('has-error');
      first = first || input;
      items.push(h('li', {}, h('a', { href: '#setting-' + name, onclick: (e) => { e.preventDefault(); input.focus(); } },
        (s ? s.label : name) + ': ' + sentence)));
    } else {
      items.push(h('li', {}, name + ': ' + sentence));
    }
  }
  settingsErrors.replaceChildren(
    h('p', { class: 'strong' }, t('nothing_saved') + ' ' + (items.length ? t('fix_following') : message)),
    items.length ? h('ul', {}, items) : null);
  settingsErrors.hidden = false;
  settingsErrors.focus();
}

/** Loads the schema and the values in force into the form. */
export async function loadSettings() {
  settingsSave.disabled = true;
  try {
    const [schemaAnswer, valuesAnswer] = await Promise.all([
      api('GET', 'api/v1/settings/schema'),
      api('GET', 'api/v1/settings'),
    ]);
    schema = normaliseSchema(schemaAnswer.data);
    saved = normaliseValues(valuesAnswer.data);
    renderSettings();
    showValues();
    settingsSave.disabled = false;
  } catch (e) {
    settingsFields.replaceChildren();
    panelError(settingsStatus, t('settings_load_failed'), e);
  }
}

async function saveSettings(event) {
  event.preventDefault();
  clearSettingErrors();
  setStatus(settingsStatus, '');
  const { changed, problems } = readChanges();
  if (Object.keys(problems).length) {
    showSettingErrors(problems);
    return;
  }
  const names = Object.keys(changed);
  if (!names.length) {
    setStatus(settingsStatus, t('no_changes'));
    return;
  }
  settingsSave.disabled = true;
  setStatus(settingsStatus, t('saving'));
  const before = { ...saved };
  try {
    const { data } = await api('PATCH', 'api/v1/settings', { body: changed });
    saved = data ? normaliseValues(data) : { ...saved, ...changed };
    try {
      schema.forEach((s) => { if (names.includes(s.name)) s.source = changed[s.name] === null ? 'default' : 'api'; });
      const fresh = normaliseSchema((await api('GET', 'api/v1/settings/schema')).data);
      for (const s of fresh) {
        const mine = schema.find((x) => x.name === s.name);
        if (mine) mine.source = s.source;
      }
    } catch (e) { /* sources stay as guessed */ }
    showValues();
    const summary = names.map((n) => {
      const s = schema.find((x) => x.name === n);
      return (s ? s.label : n) + ': ' + String(before[n]) + ' → ' + String(saved[n]);
    });
    setStatus(settingsStatus, t('saved_changes', { count: names.length, summary: summary.join('; ') }));
  } catch (e) {
    if (e.status === 400 && Object.keys(e.fields).length) showSettingErrors(e.fields, e.message);
    else if (e.status !== 401) showSettingErrors({}, e.message);
    setStatus(settingsStatus, t('nothing_saved'), 'error');
  } finally {
    settingsSave.disabled = false;
  }
}

function undoSettings() {
  clearSettingErrors();
  showValues();
  setStatus(settingsStatus, t('changes_undone'));
}

/** Wires the form: save, undo, and a warning before leaving with unsaved changes. */
export function setUpSettings() {
  settingsForm.addEventListener('submit', saveSettings);
  settingsReset.addEventListener('click', undoSettings);
  window.addEventListener('beforeunload', (e) => {
    if (!document.body.classList.contains('session-over') && !settingsReset.disabled) e.preventDefault();
  });
}
