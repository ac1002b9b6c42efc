import { LegalBasis, OptOutCategory, PurposeSnapshot } from '../consent.types';

/** A purpose's latest version as stored in consent_purposes. */
export interface PurposeRow extends PurposeSnapshot {
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PurposeRecord {
  key: string;
  version: number;
  name: string;
  description: string;
  legal_basis: LegalBasis;
  opt_out_category: OptOutCategory | null;
  created_at: Date;
  updated_at: Date;
}

export function toPurposeRow(r: PurposeRecord): PurposeRow {
  return {
    key: r.key,
    version: r.version,
    name: r.name,
    description: r.description,
    legalBasis: r.legal_basis,
    optOutCategory: r.opt_out_category,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toSnapshot(p: PurposeSnapshot): PurposeSnapshot {
  return {
    key: p.key,
    version: p.version,
    legalBasis: p.legalBasis,
    optOutCategory: p.optOutCategory,
  };
}
