export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const OPT_OUT_CATEGORIES = ['sale', 'sharing', 'targeted_advertising'] as const;
export type OptOutCategory = (typeof OPT_OUT_CATEGORIES)[number];

/** Where a consent event came from; `gpc`, `opt_out` and `erasure` are written by the service. */
export const CONSENT_SOURCES = [
  'api',
  'web',
  'mobile',
  'email',
  'paper',
  'import',
  'gpc',
  'opt_out',
  'erasure',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const CALLER_SOURCES = CONSENT_SOURCES.filter(
  (s) => s !== 'gpc' && s !== 'opt_out' && s !== 'erasure',
);

/** The latest version of a purpose, as checks need it. */
export interface PurposeSnapshot {
  key: string;
  version: number;
  legalBasis: LegalBasis;
  optOutCategory: OptOutCategory | null;
}

/** A subject's current decision for one purpose: the state after the highest ledger sequence. */
export interface ConsentStateSnapshot {
  seq: number;
  granted: boolean;
  purposeVersion: number;
  source: string;
  expiresAt: string | null;
  recordedAt: string;
  receiptId: string;
}

/** The last Global Privacy Control signal seen on the subject's writes. */
export interface SubjectSignalSnapshot {
  seq: number;
  gpc: boolean;
}

export const MAX_SUBJECT_ID_LENGTH = 256;
