import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LegalBasis } from 'src/consent/consent.types';
import type { CollectionSpec, DataStoreType } from 'src/data-stores/data-store.types';
import type { RequestType } from 'src/privacy-requests/deadlines/deadline-rules';

/** One request type's figures for a year; days are fractional, null when none was answered. */
export interface CcpaTypeFigures {
  type: RequestType;
  received: number;
  complied: number;
  denied: number;
  medianDays: number | null;
  meanDays: number | null;
}

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

/** The calendar year in which CCPA requests are counted is California's. */
const CCPA_ZONE = 'America/Los_Angeles';

/** All SQL of the reports: reads only. */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** CCPA requests received in the calendar year, per type: outcomes and days to respond. */
  async ccpaFigures(year: number): Promise<CcpaTypeFigures[]> {
    const rows = await this.dataSource.query<
      Array<{
        type: RequestType;
        received: number;
        complied: number;
        denied: number;
        median: number | null;
        mean: string | null;
      }>
    >(
      `WITH bounds AS (
         SELECT make_timestamptz($1, 1, 1, 0, 0, 0, $2) AS start,
                make_timestamptz($1 + 1, 1, 1, 0, 0, 0, $2) AS stop
       )
       SELECT r.type,
              count(*)::int AS received,
              count(*) FILTER (WHERE r.status = 'completed')::int AS complied,
              count(*) FILTER (WHERE r.status = 'rejected')::int AS denied,
              percentile_cont(0.5) WITHIN GROUP
                (ORDER BY extract(epoch FROM r.responded_at - r.received_at) / 86400)
                FILTER (WHERE r.responded_at IS NOT NULL) AS median,
              avg(extract(epoch FROM r.responded_at - r.received_at) / 86400)
                FILTER (WHERE r.responded_at IS NOT NULL) AS mean
         FROM privacy_requests r, bounds b
        WHERE r.jurisdiction = 'CCPA' AND r.received_at >= b.start AND r.received_at < b.stop
        GROUP BY r.type`,
      [year, CCPA_ZONE],
    );
    return rows.map((r) => ({
      type: r.type,
      received: r.received,
      complied: r.complied,
      denied: r.denied,
      medianDays: r.median === null ? null : Number(r.median),
      meanDays: r.mean === null ? null : Number(r.mean),
    }));
  }

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
