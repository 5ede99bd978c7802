/** The staff workspace's texts (Swedish and English, the languages staff work in), i18next namespaces loaded with its pages. */
import i18next from 'i18next';
import en from './locales/en.json';
import sv from './locales/sv.json';

/**
 * Registers a namespace of staff texts in Swedish and English; the citizen languages show the
 * English texts. Each section of the workspace has its own namespace and locale files.
 */
export function registerStaffTexts(ns: string, texts: { sv: object; en: object }): void {
  for (const lang of ['sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk']) {
    if (!i18next.hasResourceBundle(lang, ns)) i18next.addResourceBundle(lang, ns, lang === 'sv' ? texts.sv : texts.en);
  }
}

export const STAFF_NS = 'staff';
registerStaffTexts(STAFF_NS, { sv, en });
