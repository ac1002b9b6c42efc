import { en } from './en';
import type { MailTemplates } from './mail-templates';

/** Every language mails can be written in: one module each, checked complete by its type. */
export const MAIL_LANGUAGES: Readonly<Record<string, MailTemplates>> = { en };

export const DEFAULT_MAIL_LANGUAGE = 'en';

/** Throws on a language without templates: a row naming one is a bug, not a fallback. */
export function templatesFor(language: string): MailTemplates {
  const templates = MAIL_LANGUAGES[language];
  if (!templates) {
    throw new Error(`No mail templates for language ${language}`);
  }
  return templates;
}
