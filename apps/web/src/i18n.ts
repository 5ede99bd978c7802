/**
 * Languages of the citizen web: Swedish first, then English, Arabic, Somali, Tigrinya, Dari and
 * Ukrainian (the same as the letters). Each language's texts are a JSON file loaded when chosen;
 * the choice persists in the browser (localStorage and a cookie) and is sent as Accept-Language,
 * so the server stores it with the application and the letters follow it.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = [
  { code: 'sv', name: 'Svenska', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'so', name: 'Soomaali', dir: 'ltr' },
  { code: 'ti', name: 'ትግርኛ', dir: 'ltr' },
  { code: 'prs', name: 'دری', dir: 'rtl' },
  { code: 'uk', name: 'Українська', dir: 'ltr' },
] as const;
export type LangCode = (typeof LANGUAGES)[number]['code'];

const loaders = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*.json');
const STORAGE_KEY = 'tillit.lang';

export function isLang(value: unknown): value is LangCode {
  return LANGUAGES.some((l) => l.code === value);
}

/** The language to start in: the URL (?lang=), then the stored choice, then Swedish. */
export function initialLanguage(): LangCode {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLang(fromUrl)) return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage may be off (private mode): Swedish it is.
  }
  return 'sv';
}

async function load(lang: LangCode): Promise<void> {
  if (i18next.hasResourceBundle(lang, 'translation')) return;
  const loader = loaders[`./locales/${lang}.json`];
  if (!loader) throw new Error(`no texts for ${lang}`);
  const { default: texts } = await loader();
  i18next.addResourceBundle(lang, 'translation', texts);
}

function applyToDocument(lang: LangCode): void {
  const dir = LANGUAGES.find((l) => l.code === lang)!.dir;
  document.documentElement.lang = lang === 'prs' ? 'fa-AF' : lang;
  document.documentElement.dir = dir;
}

export async function setLanguage(lang: LangCode): Promise<void> {
  // English is the fallback for texts a translation lacks, so load it too.
  await Promise.all([load(lang), lang === 'sv' || lang === 'en' ? Promise.resolve() : load('en')]);
  await i18next.changeLanguage(lang);
  applyToDocument(lang);
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not stored: the choice lasts this visit.
  }
  document.cookie = `tillit_lang=${lang}; path=/; max-age=31536000; samesite=lax`;
}

export async function initI18n(): Promise<void> {
  const lang = initialLanguage();
  await i18next.use(initReactI18next).init({
    lng: lang,
    fallbackLng: lang === 'sv' ? 'sv' : ['en', 'sv'],
    resources: {},
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  await setLanguage(lang);
}

/** The current language as the server should hear it (Accept-Language). */
export function currentLanguage(): LangCode {
  const lang = i18next.language;
  return isLang(lang) ? lang : 'sv';
}
