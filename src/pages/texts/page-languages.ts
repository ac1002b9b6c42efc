import { en } from './en';
import type { PageTexts } from './page-texts';

/** A translation is one more module like `en.ts`, registered here. */
const LANGUAGES: Record<string, PageTexts> = { en };
const FALLBACK = en;

/** The first language of `Accept-Language` that has texts, else English. */
export function pageTextsFor(acceptLanguage: string | undefined): PageTexts {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase().split('-')[0];
    const texts = LANGUAGES[tag];
    if (texts) {
      return texts;
    }
  }
  return FALLBACK;
}
