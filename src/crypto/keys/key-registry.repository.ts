import type { KeyringKeyType } from '@libs/crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface KeyVersionRow {
  id: string;
  alias: string;
  version: number;
  root_key_id: string;
  created_at: Date;
  active: boolean;
  key_type: KeyringKeyType;
  disabled_at: Date | null;
}

export interface RegistrationRow {
  alias: string;
  provider: string;
  provider_key_id: string | null;
}

export interface RotationRow {
  id: string;
  alias: string;
  from_version: number;
  to_version: number;
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  processed: number;
  rewrapped: number;
  created_at: Date;
  completed_at: Date | null;
}

/** Key metadata for the administration endpoints and rotation jobs (never key material). */
@Injectable()
export class KeyRegistryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keyring versions ordered by (alias, version), after the cursor position. */
  listVersions(
    limit: number,
    after?: { alias: string; version: number },
  ): Promise<KeyVersionRow[]> {
    return this.db.query<KeyVersionRow[]>(
      `SELECT * FROM (
         SELECT id, alias, version, root_key_id, created_at, key_type, disabled_at,
                version = max(version) OVER (PARTITION BY alias) AS active
         FROM keyring_keys) k
       WHERE ($1::text IS NULL OR (k.alias, k.version) > ($1::text, $2::int))
       ORDER BY k.alias, k.version LIMIT $3`,
      [after?.alias ?? null, after?.version ?? 0, limit],
    );
  }

  versionsOf(alias: string): Promise<KeyVersionRow[]> {
    return this.db.query<KeyVersionRow[]>(
      `SELECT id, alias, version, root_key_id, created_at, key_type, disabled_at,
              version = max(version) OVER () AS active
       FROM keyring_keys WHERE alias = $1 ORDER BY version`,
      [alias],
    );
  }

  async registration(alias: string): Promise<RegistrationRow | undefined> {
    const rows = await this.db.query<RegistrationRow[]>(
      'SELECT alias, provider, provider_key_id FROM key_registrations WHERE alias = $1',
      [alias],
    );
    return rows[0];
  }

  /** False when the alias is registered already. */
  async register(alias: string, provider: string, providerKeyId: string | null): Promise<boolean> {
    const rows = await this.db.query<Array<{ alias: string }>>(
      `INSERT INTO key_registrations (alias, provider, provider_key_id) VALUES ($1, $2, $3)
       ON CONFLICT (alias) DO NOTHING RETURNING alias`,
      [alias, provider, providerKeyId],
    );
    return rows.length === 1;
  }

  /** Aliases with an automatic rotation period whose active version is older than it. */
  async dueForRotation(): Promise<string[]> {
    const rows = await this.db.query<Array<{ alias: string }>>(
      `SELECT s.alias FROM keyring_settings s
       JOIN LATERAL (SELECT created_at FROM keyring_keys k WHERE k.alias = s.alias
                     ORDER BY version DESC LIMIT 1) active ON true
       WHERE s.auto_rotate_period_seconds IS NOT NULL
         AND active.created_at <= now() - make_interval(secs => s.auto_rotate_period_seconds)
       ORDER BY s.alias`,
    );
    return rows.map((row) => row.alias);
  }

  async createRotation(
    alias: string,
    fromVersion: number,
    toVersion: number,
  ): Promise<RotationRow> {
    const rows = await this.db.query<RotationRow[]>(
      `INSERT INTO key_rotations (alias, from_version, to_version, status) VALUES ($1, $2, $3, 'queued')
       RETURNING *`,
      [alias, fromVersion, toVersion],
    );
    return rows[0];
  }

  async rotation(id: string): Promise<RotationRow | undefined> {
    const rows = await this.db.query<RotationRow[]>('SELECT * FROM key_rotations WHERE id = $1', [
      id,
    ]);
    return rows[0];
  }

  async latestRotation(alias: string): Promise<RotationRow | undefined> {
    const rows = await this.db.query<RotationRow[]>(
      'SELECT * FROM key_rotations WHERE alias = $1 ORDER BY to_version DESC LIMIT 1',
      [alias],
    );
    return rows[0];
  }

  /** Active subject keys of `alias` still wrapped under a version below `toVersion`. */
  async countPending(alias: string, toVersion: number): Promise<number> {
    const rows = await this.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM subject_keys
       WHERE status = 'active' AND alias = $1 AND keyring_version < $2`,
      [alias, toVersion],
    );
    return rows[0].n;
  }

  async startRotation(id: string, total: number): Promise<void> {
    await this.db.query(
      `UPDATE key_rotations SET status = 'running', total = $2, processed = 0, rewrapped = 0,
         started_at = now() WHERE id = $1`,
      [id, total],
    );
  }

  async reportRotation(id: string, processed: number, rewrapped: number): Promise<void> {
    await this.db.query('UPDATE key_rotations SET processed = $2, rewrapped = $3 WHERE id = $1', [
      id,
      processed,
      rewrapped,
    ]);
  }

  async finishRotation(id: string, status: 'completed' | 'failed'): Promise<void> {
    await this.db.query(
      'UPDATE key_rotations SET status = $2, completed_at = now() WHERE id = $1',
      [id, status],
    );
  }
}
