import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LegalBasis } from 'src/consent/consent.types';
import type { CollectionSpec, DataStoreType } from 'src/data-stores/data-store.types';

export interface PurposeEntry {
  key: string;
  name: string;
  legalBasis: LegalBasis;
}

export interface StoreEntry {
  name: string;
  type: DataStoreType;
  /** The connection URL without its password. */
  display: string;
  collections: CollectionSpec[];
}

export interface KeyringEntry {
  alias: string;
  /** From the key's registration; null for keyrings under the service's root provider. */
  provider: string | null;
  activeVersion: number;
}

/**
 * The reports' own SQL, reads only; request figures come from the privacy request repository,
 * which also holds the aggregates of purged records.
 */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The latest version of every purpose. */
  purposes(): Promise<PurposeEntry[]> {
    return this.dataSource.query<PurposeEntry[]>(
      `SELECT key, name, legal_basis AS "legalBasis" FROM consent_purposes ORDER BY key`,
    );
  }

  /** Registered stores with their descriptions; connection secrets are not read. */
  stores(): Promise<StoreEntry[]> {
    return this.dataSource.query<StoreEntry[]>(
      `SELECT name, type, connection_display AS display, collections FROM data_stores ORDER BY name`,
    );
  }

  /** Every keyring with its active version and, when registered, its provider. */
  keyrings(): Promise<KeyringEntry[]> {
    return this.dataSource.query<KeyringEntry[]>(
      `SELECT k.alias, r.provider, max(k.version)::int AS "activeVersion"
         FROM keyring_keys k LEFT JOIN key_registrations r ON r.alias = k.alias
        GROUP BY k.alias, r.provider ORDER BY k.alias`,
    );
  }
}
