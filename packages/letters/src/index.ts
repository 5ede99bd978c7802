/** @tillit/letters — letters to the applicant as accessible HTML, in seven languages. Pure; fonts.ts reads files. */
export { LETTER_LANGUAGES, LOCALES, isLetterLanguage, languageInfo, translator } from './languages.ts';
export type { LanguageInfo, LetterLanguage, LocaleFile } from './languages.ts';
export { letterTitle, renderLetterHtml } from './letter.ts';
export type {
  CompletionLetterFacts,
  DecisionLetterFacts,
  KommuniceringLetterFacts,
  LetterFacts,
  LetterKind,
  Outcome,
  RenderOptions,
  SampleCheckLetterFacts,
  Sender,
} from './letter.ts';
