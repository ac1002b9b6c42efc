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

/** One detected span; offsets are UTF-16 code units, `end` exclusive. */
export interface Finding {
  entity: EntityType;
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
  /** Restrict the scan to these entities (default: all). */
  entities?: readonly EntityType[];
  /** Drop findings scoring below this (default {@link DEFAULT_MIN_SCORE}). */
  minScore?: number;
  /** Extra context words that apply to the whole text, e.g. the JSON key or column name. */
  context?: readonly string[];
  /** Input limit in UTF-16 code units (default {@link DEFAULT_MAX_LENGTH}). */
  maxLength?: number;
  phone?: PhoneOptions;
}

/** Weak matches (a bare 9-digit number as a passport, say) stay below this unless context lifts them. */
export const DEFAULT_MIN_SCORE = 0.3;
/** 1 MiB of UTF-16 text per call keeps one scan well under a second. */
export const DEFAULT_MAX_LENGTH = 1_048_576;
