/**
 * The letters' languages and their texts. Swedish is the original and the decision; the others
 * are translations, each saying so. The texts live in `locales/<lang>.json` so that a municipality
 * can review and correct them without touching code; `meta.reviewed` says whether a person has.
 */
import i18next from 'i18next';
import type { TFunction } from 'i18next';
import ar from '../locales/ar.json' with { type: 'json' };
import en from '../locales/en.json' with { type: 'json' };
import prs from '../locales/prs.json' with { type: 'json' };
import so from '../locales/so.json' with { type: 'json' };
import sv from '../locales/sv.json' with { type: 'json' };
import ti from '../locales/ti.json' with { type: 'json' };
import uk from '../locales/uk.json' with { type: 'json' };

/** Swedish, English, Arabic, Somali, Tigrinya, Dari (ISO 639-3 prs) and Ukrainian. */
export const LETTER_LANGUAGES = ['sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk'] as const;
export type LetterLanguage = (typeof LETTER_LANGUAGES)[number];

/** The shape every translation file has: the Swedish original's. */
export type LocaleFile = typeof sv;

export const LOCALES: Readonly<Record<LetterLanguage, LocaleFile>> = { sv, en, ar, so, ti, prs, uk };

export function isLetterLanguage(value: unknown): value is LetterLanguage {
  return typeof value === 'string' && (LETTER_LANGUAGES as readonly string[]).includes(value);
}

export interface LanguageInfo {
  readonly lang: LetterLanguage;
  /** The language's name in itself. */
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
  /** The BCP 47 tag for dates and numbers (Dari formats as fa-AF). */
  readonly intl: string;
  /** Whether a person has reviewed the translation. */
  readonly reviewed: boolean;
}

export function languageInfo(lang: LetterLanguage): LanguageInfo {
  const m = LOCALES[lang].meta;
  return { lang, name: m.language, dir: m.dir === 'rtl' ? 'rtl' : 'ltr', intl: m.intl, reviewed: m.reviewed };
}

const translators = new Map<LetterLanguage, TFunction>();

/**
 * The language's translate function. Interpolated values are HTML-escaped; a key missing in a
 * translation falls back to Swedish, never to the key itself.
 */
export function translator(lang: LetterLanguage): TFunction {
  let t = translators.get(lang);
  if (!t) {
    const instance = i18next.createInstance();
    void instance.init({
      lng: lang,
      fallbackLng: 'sv',
      resources: Object.fromEntries(LETTER_LANGUAGES.map((l) => [l, { translation: LOCALES[l] }])),
      initAsync: false,
      interpolation: { escapeValue: true },
      returnNull: false,
      returnEmptyString: true,
    });
    t = instance.t.bind(instance) as TFunction;
    translators.set(lang, t);
  }
  return t;
}
