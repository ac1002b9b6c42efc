import type { CustomRecognizer } from './custom/custom-recognizer';

/** Entity types the scanner knows; the names are part of the public HTTP contract. */
export const ENTITY_TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
  'URL',
  'DATE_OF_BIRTH',
  'UK_NHS',
  'UK_NINO',
  'US_PASSPORT',
  'CRYPTO_WALLET',
  'MAC_ADDRESS',
  'SECRET',
  'PERSON',
  'DE_TAX_ID',
  'FR_INSEE',
  'ES_NIF',
  'ES_NIE',
  'IT_FISCAL_CODE',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

/** A built-in entity type or a custom recognizer's label. */
// `string & {}` keeps the built-in names offered by editors while any label type-checks.
export type EntityLabel = EntityType | (string & {});

/** One detected span; offsets are UTF-16 code units, `end` exclusive. */
export interface Finding {
  entity: EntityLabel;
  start: number;
  end: number;
  score: number;
}

export interface JsonFinding extends Finding {
  /** JSONPath of the string (or number) holding the finding, e.g. `$.user.email`. */
  path: string;
}

/** Leniency levels of libphonenumber's matcher, in increasing strictness. */
export type PhoneLeniency = 'POSSIBLE' | 'VALID' | 'STRICT_GROUPING' | 'EXACT_GROUPING';

export interface PhoneOptions {
  /** ISO 3166 regions whose national formats are recognised (international `+` numbers always are). */
  regions?: readonly string[];
  leniency?: PhoneLeniency;
}

export interface ScanOptions {
  /** Restrict the scan to these entities, custom labels included (default: all). */
  entities?: readonly EntityLabel[];
  /** Drop findings scoring below this (default {@link DEFAULT_MIN_SCORE}). */
  minScore?: number;
  /** Extra context words that apply to the whole text, e.g. the JSON key or column name. */
  context?: readonly string[];
  /** Input limit in UTF-16 code units (default {@link DEFAULT_MAX_LENGTH}). */
  maxLength?: number;
  phone?: PhoneOptions;
  /** Custom recognizers, run besides the built-in ones (see `compileCustomRecognizer`). */
  custom?: readonly CustomRecognizer[];
  /** Time each custom recognizer may spend on one text (default {@link DEFAULT_CUSTOM_BUDGET_MS}). */
  customBudgetMs?: number;
  /** Findings whose text equals one of these (case and surrounding space aside) are dropped. */
  allowList?: readonly string[];
}

/** Weak matches (a bare 9-digit number as a passport, say) stay below this unless context lifts them. */
export const DEFAULT_MIN_SCORE = 0.3;
/** Generous for RE2's linear matching over {@link DEFAULT_MAX_LENGTH}, even on a loaded machine. */
export const DEFAULT_CUSTOM_BUDGET_MS = 1000;
/** 1 MiB of UTF-16 text per call keeps one scan well under a second. */
export const DEFAULT_MAX_LENGTH = 1_048_576;
