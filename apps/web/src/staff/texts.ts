/** The staff workspace's texts (Swedish and English, the languages staff work in), an i18next namespace loaded with its pages. */
import i18next from 'i18next';
import en from './locales/en.json';
import sv from './locales/sv.json';

export const STAFF_NS = 'staff';
if (!i18next.hasResourceBundle('sv', STAFF_NS)) i18next.addResourceBundle('sv', STAFF_NS, sv);
if (!i18next.hasResourceBundle('en', STAFF_NS)) i18next.addResourceBundle('en', STAFF_NS, en);
// Other languages show the English texts.
for (const lang of ['ar', 'so', 'ti', 'prs', 'uk'])
  if (!i18next.hasResourceBundle(lang, STAFF_NS)) i18next.addResourceBundle(lang, STAFF_NS, en);
