// Administration, one list of many: a page of a keyset-paged API list (sessions, users, audit)
// with Previous/Next, a page size, sortable column headers and filters, refreshed in place.
//
// Design note. The API hands out the next page as a path with an opaque cursor ({"next": ...});
// Previous is a stack of the queries of the pages already seen. A refresh (live update, after an
// action) asks for the page in view again and redraws only if its items changed, keeping focus on
// the same row and control, so a screen reader hears one short sentence, not the whole table.

import { api } from '../api.js';
import { h } from '../format.js';
import { t } from './ui.js';

const SIZES = [25, 50, 100, 200];

function paramsOf(path) {
  const out = {};
  if (typeof path !== 'string') return null;
  new URL(path, 'http://x').searchParams.forEach((v, k) => { out[k] = v; });
  return out;
}

/** A paged list; see the design note above. */
export class PagedList {
  /**
   * path: the API path; key: the list's field in the body; rowKey: the row attribute naming an
   * item (data-session-id); id: the id prefix of its controls; filters(): the current filters;
   * sort: the default sort (or null); render(items): the rows; empty: the sentence for none;
   * body: the tbody; onPage(info): told {count, first, more, changes} after each load.
   */
  constructor(options) {
    Object.assign(this, options);
    this.size = options.size || 50;
    this.stack = [];
    this.query = null;
    this.nextQuery = null;
    this.items = [];
    this.fingerprint = '';
    this.loading = null;
  }

  /** The page controls: Previous, Next, where we are, and the page size. */
  controls() {
    const id = this.id;
    this.prev = h('button', { type: 'button', id: id + '-prev', 'data-test': id + '-prev', class: 'secondary small', disabled: true }, t('previous_page'));
    this.next = h('button', { type: 'button', id: id + '-next', 'data-test': id + '-next', class: 'secondary small', disabled: true }, t('next_page'));
    this.where = h('span', { id: id + '-where', class: 'muted small', 'data-test': id + '-where' });
    const select = h('select', { id: id + '-size', 'data-test': id + '-size', class: 'page-size' },
      SIZES.map((n) => h('option', { value: n, selected: n === this.size }, String(n))));
    this.prev.addEventListener('click', () => this.previous());
    this.next.addEventListener('click', () => this.forward());
    select.addEventListener('change', () => { this.size = Number(select.value); this.reset(); });
    return h('nav', { class: 'pager', 'aria-label': t('pages_of', { list: this.label }) },
      this.prev, this.next, this.where,
      h('span', { class: 'page-size-field' },
        h('label', { for: id + '-size' }, t('per_page')), select));
  }

  /** Makes the headers with data-sort sortable: a button in each, aria-sort on the sorted one. */
  sortable(table) {
    for (const th of table.querySelectorAll('th[data-sort]')) {
      const button = h('button', { type: 'button', class: 'sort', 'data-test': 'sort-' + th.dataset.sort },
        ...th.childNodes);
      th.replaceChildren(button);
      button.addEventListener('click', () => {
        const key = th.dataset.sort;
        this.sort = this.sort === key ? '-' + key : key;
        this.showSort(table);
        this.reset();
      });
    }
    this.showSort(table);
  }

  showSort(table) {
    for (const th of table.querySelectorAll('th[data-sort]')) {
      const key = th.dataset.sort;
      if (this.sort === key) th.setAttribute('aria-sort', 'ascending');
      else if (this.sort === '-' + key) th.setAttribute('aria-sort', 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  baseQuery() {
    const q = { ...this.filters(), limit: this.size };
    if (this.sort) q.sort = this.sort;
    return q;
  }

  /** Back to the first page with the current filters, sort and size. */
  reset() {
    this.stack = [];
    return this.load(this.baseQuery(), false);
  }

  async forward() {
    if (!this.nextQuery) return;
    this.stack.push(this.query);
    if (!await this.load(this.nextQuery, false)) this.stack.pop();
  }

  async previous() {
    if (!this.stack.length) return;
    const back = this.stack.pop();
    if (!await this.load(back, false)) this.stack.push(back);
  }

  /** Asks for the page in view again; redraws only if it changed. */
  refresh() {
    if (this.loading) return this.loading.then(() => true, () => false);
    return this.load(this.query || this.baseQuery(), true);
  }

  /** Loads the page of this query; false (and onError told) when it could not. */
  async load(query, quiet) {
    const run = (async () => {
      const { data } = await api('GET', this.path, { query, quiet });
      const items = (data && Array.isArray(data[this.key])) ? data[this.key] : [];
      const next = paramsOf(data && data.next);
      this.query = query;
      this.nextQuery = next ? { ...this.baseQuery(), ...next }
        : (data && data.next_before !== null && data.next_before !== undefined
          ? { ...query, before: data.next_before } : null);
      this.draw(items, quiet);
    })();
    this.loading = run;
    try {
      await run;
      return true;
    } catch (e) {
      if (this.onError) this.onError(e);
      return false;
    } finally {
      if (this.loading === run) this.loading = null;
    }
  }

  draw(items, quiet) {
    const print = JSON.stringify(items);
    const keyOf = (item) => String(item[this.itemKey]);
    const before = new Set(this.items.map(keyOf));
    const after = new Set(items.map(keyOf));
    const changes = {
      added: items.filter((i) => !before.has(keyOf(i))).length,
      removed: this.items.filter((i) => !after.has(keyOf(i))).length,
    };
    this.prev.disabled = !this.stack.length;
    this.next.disabled = !this.nextQuery;
    const first = this.stack.length * this.size + 1;
    this.where.textContent = items.length
      ? t('showing', { from: first, to: first + items.length - 1 }) : '';
    if (quiet && print === this.fingerprint) return;
    this.fingerprint = print;
    this.items = items;
    const focused = document.activeElement;
    const row = focused && this.body.contains(focused) ? focused.closest('tr') : null;
    const rowId = row ? row.getAttribute(this.rowKey) : null;
    const control = focused ? focused.getAttribute('data-test') : null;
    this.body.replaceChildren(...(items.length ? items.map((item, i) => this.render(item, i))
      : [h('tr', {}, h('td', { colspan: this.columns, class: 'muted' }, this.empty()))]));
    if (rowId) {
      const again = this.body.querySelector('[' + this.rowKey + '="' + CSS.escape(rowId) + '"]');
      const target = again && (again.querySelector('[data-test="' + control + '"]') || again.querySelector('button'));
      if (target) target.focus();
      else this.body.closest('section').focus();
    }
    if (this.onPage) this.onPage({ count: items.length, more: Boolean(this.nextQuery), quiet, changes });
  }

  /**
   * Refreshes the page in view every `ms` while the page is visible and `active()` holds (its tab
   * is shown and no dialog is open). Polling reads the shared store, so it is right on every node.
   */
  live(ms, active) {
    setInterval(() => {
      if (document.visibilityState === 'visible' && active() && !document.querySelector('dialog[open]')) this.refresh();
    }, ms);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && active()) this.refresh();
    });
  }
}
