// Every sentence a person reads comes from a message bundle, never from the code.
//
// Design note. A page asks for the areas it needs: `const t = await messages('common', 'login')`.
// Each area is one JSON file per language, i18n/<area>.<lang>.json, beside the js/ folder (found
// from this module's own URL, so the UI works under a path prefix). The language is the first of
// the browser's languages that we ship (SUPPORTED), else English. A key missing in that language
// falls back to English, then to the key itself, so a gap shows up as a key on screen and in the
// browser tests, never as an empty line. Bundles are owned by area so that pages change
// independently; machine codes (`error`, `reason`) are never translated, only their sentences.
//
// A value is a string with {name} placeholders, or a plural object {"one": "...", "other": "..."}
// (any CLDR category) chosen by Intl.PluralRules on vars.count.

/** The languages the UI ships bundles for; the first is the fallback. */
export const SUPPORTED = ['en', 'de'];

/** The first of the browser's languages that we ship, else English. */
export function pickLanguage(preferred) {
  for (const tag of preferred || []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (SUPPORTED.includes(base)) return base;
  }
  return SUPPORTED[0];
}

const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];

/** The language of this page's sentences (also set as <html lang>). */
export const lang = pickLanguage(preferred);
document.documentElement.lang = lang;

/**
 * The locale for dates and numbers: the browser's own tag of the chosen language ('de-CH',
 * 'en-GB'), so times read as the person is used to, else the language itself.
 */
export const locale = (() => {
  const own = (preferred || []).find((tag) => String(tag).toLowerCase().split('-')[0] === lang);
  try {
    return own ? Intl.getCanonicalLocales(own)[0] : lang;
  } catch (e) {
    return lang;
  }
})();

const cache = new Map();

async function bundle(area, language) {
  const key = area + '.' + language;
  if (!cache.has(key)) {
    const url = new URL('../i18n/' + key + '.json', import.meta.url);
    cache.set(key, fetch(url, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({})));
  }
  return cache.get(key);
}

function fill(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
}

/**
 * Loads the bundles of these areas and returns t(key, vars): the sentence in the page's language.
 * Later areas win over earlier ones on the same key.
 */
export async function messages(...areas) {
  const english = Object.assign({}, ...(await Promise.all(areas.map((a) => bundle(a, 'en')))));
  const own = lang === 'en' ? english
    : Object.assign({}, ...(await Promise.all(areas.map((a) => bundle(a, lang)))));
  const plurals = new Intl.PluralRules(locale);
  return function t(key, vars) {
    let value = own[key] ?? english[key];
    if (value === undefined) return key;
    if (typeof value === 'object') {
      const count = Number(vars?.count ?? 0);
      value = value[plurals.select(count)] ?? value.other;
    }
    return fill(value, vars);
  };
}

/**
 * Translates the static page: an element with data-i18n="key" gets the sentence as its text;
 * data-i18n-attr="placeholder:key;aria-label:key2" sets attributes.
 */
export function translatePage(t, root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
