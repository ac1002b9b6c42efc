import {
  DEFAULT_KEYRING_SETTINGS,
  SubjectKeyStatus,
  type KeyringKeyType,
  type KeyringSettings,
  type KeyStore,
  type KeyringKeyRecord,
  type SubjectKeyEntry,
  type SubjectKeyRecord,
  type SubjectKeyWrapRecord,
} from '@libs/crypto';
import type { DataSource } from 'typeorm';

interface KeyringRow {
  alias: string;
  version: number;
  root_key_id: string;
  wrapped_key: Buffer;
  created_at: Date;
  key_type: KeyringKeyType;
  public_key: Buffer | null;
  disabled_at: Date | null;
}

interface SubjectRow {
  subject_ref: string;
  status: SubjectKeyStatus;
  key_id: string | null;
  alias: string | null;
  keyring_version: number | null;
  wrapped_key: Buffer | null;
  created_at: Date | null;
  destroyed_at: Date | null;
}

const KEYRING_COLUMNS =
  'alias, version, root_key_id, wrapped_key, created_at, key_type, public_key, disabled_at';
const SUBJECT_COLUMNS =
  'subject_ref, status, key_id, alias, keyring_version, wrapped_key, created_at, destroyed_at';

/**
 * `destroySubjectKey` for each of `subjectRefs`, as a CTE run after an audited change
 * (AuditedChange.then), for the refs whose `row` (uuid) the change returned as `id`: the keys
 * are destroyed in the change's own commit. `first` numbers its parameters.
 */
export function destroySubjectKeysAfterChange(
  subjectRefs: Array<{ row: string; ref: string }>,
  destroyedAt: Date,
  first: number,
): { then: Array<{ name: string; sql: string }>; params: unknown[] } {
  return {
    then: [
      {
        name: 'shredded',
        // DISTINCT: one subject's key under two rows is shredded once.
        sql: `INSERT INTO subject_keys (subject_ref, status, destroyed_at)
              SELECT DISTINCT k.ref, 'shredded', $${first + 2}::timestamptz
                FROM unnest($${first}::text[], $${first + 1}::uuid[]) AS k(ref, row_id)
                JOIN change c ON c.id = k.row_id
              ON CONFLICT (subject_ref) DO UPDATE
                 SET status = 'shredded', wrapped_key = NULL, destroyed_at = EXCLUDED.destroyed_at
               WHERE subject_keys.status = 'active'
              RETURNING subject_ref`,
      },
    ],
    params: [subjectRefs.map((s) => s.ref), subjectRefs.map((s) => s.row), destroyedAt],
  };
}

/**
 * The libs/crypto KeyStore on PostgreSQL with raw SQL: the port is about compare-and-set and
 * insert-if-absent semantics, which single statements express exactly (ON CONFLICT, WHERE on the
 * expected value) without transactions or entity tracking.
 */
export class PostgresKeyStore implements KeyStore {
  constructor(private readonly db: DataSource) {}

  async getKeyringKey(alias: string, version: number): Promise<KeyringKeyRecord | undefined> {
    const rows = await this.db.query<KeyringRow[]>(
      `SELECT ${KEYRING_COLUMNS} FROM keyring_keys WHERE alias = $1 AND version = $2`,
      [alias, version],
    );
    return rows[0] && PostgresKeyStore.keyring(rows[0]);
  }

  async getActiveKeyringKey(alias: string): Promise<KeyringKeyRecord | undefined> {
    const rows = await this.db.query<KeyringRow[]>(
      `SELECT ${KEYRING_COLUMNS} FROM keyring_keys WHERE alias = $1 ORDER BY version DESC LIMIT 1`,
      [alias],
    );
    return rows[0] && PostgresKeyStore.keyring(rows[0]);
  }

  async listKeyringKeys(): Promise<KeyringKeyRecord[]> {
    const rows = await this.db.query<KeyringRow[]>(
      `SELECT ${KEYRING_COLUMNS} FROM keyring_keys ORDER BY alias, version`,
    );
    return rows.map((row) => PostgresKeyStore.keyring(row));
  }

  async putKeyringKeyIfAbsent(record: KeyringKeyRecord): Promise<KeyringKeyRecord> {
    await this.db.query(
      `INSERT INTO keyring_keys (alias, version, root_key_id, wrapped_key, created_at, key_type, public_key)
       VALUES ($1, $2, $3, $4, $5, coalesce($6, 'aes256-gcm'), $7)
       ON CONFLICT (alias, version) DO NOTHING`,
      [
        record.alias,
        record.version,
        record.rootKeyId,
        record.wrappedKey,
        record.createdAt,
        record.type ?? null,
        record.publicKey ?? null,
      ],
    );
    const stored = await this.getKeyringKey(record.alias, record.version);
    if (stored === undefined) {
      throw new Error('keyring key vanished after insert');
    }
    return stored;
  }

  async updateKeyringKeyWrap(
    alias: string,
    version: number,
    expectedRootKeyId: string,
    next: { rootKeyId: string; wrappedKey: Buffer },
  ): Promise<boolean> {
    const rows = await this.db.query<Array<{ alias: string }>>(
      `UPDATE keyring_keys SET root_key_id = $4, wrapped_key = $5
       WHERE alias = $1 AND version = $2 AND root_key_id = $3 RETURNING alias`,
      [alias, version, expectedRootKeyId, next.rootKeyId, next.wrappedKey],
    );
    return PostgresKeyStore.rowsOf(rows).length === 1;
  }

  async setKeyringKeyDisabled(
    alias: string,
    version: number,
    disabledAt: Date | null,
  ): Promise<boolean> {
    const rows = await this.db.query<Array<{ alias: string }>>(
      `UPDATE keyring_keys SET disabled_at = $3 WHERE alias = $1 AND version = $2 RETURNING alias`,
      [alias, version, disabledAt],
    );
    return PostgresKeyStore.rowsOf(rows).length === 1;
  }

  async getKeyringSettings(alias: string): Promise<KeyringSettings> {
    const rows = await this.db.query<
      Array<{ min_decryption_version: number; auto_rotate_period_seconds: number | null }>
    >(
      `SELECT min_decryption_version, auto_rotate_period_seconds FROM keyring_settings
       WHERE alias = $1`,
      [alias],
    );
    return rows[0] === undefined
      ? DEFAULT_KEYRING_SETTINGS
      : {
          minDecryptionVersion: rows[0].min_decryption_version,
          autoRotatePeriodSeconds: rows[0].auto_rotate_period_seconds,
        };
  }

  async putKeyringSettings(alias: string, settings: KeyringSettings): Promise<void> {
    await this.db.query(
      `INSERT INTO keyring_settings (alias, min_decryption_version, auto_rotate_period_seconds)
       VALUES ($1, $2, $3)
       ON CONFLICT (alias) DO UPDATE SET min_decryption_version = EXCLUDED.min_decryption_version,
         auto_rotate_period_seconds = EXCLUDED.auto_rotate_period_seconds, updated_at = now()`,
      [alias, settings.minDecryptionVersion, settings.autoRotatePeriodSeconds],
    );
  }

  async getSubjectKey(subjectRef: string): Promise<SubjectKeyEntry | undefined> {
    const rows = await this.db.query<SubjectRow[]>(
      `SELECT ${SUBJECT_COLUMNS} FROM subject_keys WHERE subject_ref = $1`,
      [subjectRef],
    );
    return rows[0] && PostgresKeyStore.subject(rows[0]);
  }

  async getSubjectKeyById(keyId: string): Promise<SubjectKeyEntry | undefined> {
    const rows = await this.db.query<SubjectRow[]>(
      `SELECT ${SUBJECT_COLUMNS} FROM subject_keys WHERE key_id = $1`,
      [keyId],
    );
    return rows[0] && PostgresKeyStore.subject(rows[0]);
  }

  async putSubjectKeyIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyEntry> {
    // Only a subject_ref conflict is absorbed; a key_id clash with another subject still throws.
    await this.db.query(
      `INSERT INTO subject_keys (subject_ref, status, key_id, alias, keyring_version, wrapped_key, created_at)
       VALUES ($1, 'active', $2, $3, $4, $5, $6) ON CONFLICT (subject_ref) DO NOTHING`,
      [
        record.subjectRef,
        record.keyId,
        record.alias,
        record.keyringVersion,
        record.wrappedKey,
        record.createdAt,
      ],
    );
    const stored = await this.getSubjectKey(record.subjectRef);
    if (stored === undefined) {
      throw new Error('subject key vanished after insert');
    }
    return stored;
  }

  async destroySubjectKey(subjectRef: string, destroyedAt: Date): Promise<boolean> {
    // One statement: a tombstone where there was nothing, an active key killed in place, an
    // existing tombstone left as it is (no row returned). Active keys always have a key_id.
    const rows = PostgresKeyStore.rowsOf(
      await this.db.query<Array<{ destroyed: boolean }>>(
        `INSERT INTO subject_keys (subject_ref, status, destroyed_at) VALUES ($1, 'shredded', $2)
         ON CONFLICT (subject_ref) DO UPDATE
            SET status = 'shredded', wrapped_key = NULL, destroyed_at = EXCLUDED.destroyed_at
          WHERE subject_keys.status = 'active'
         RETURNING key_id IS NOT NULL AS destroyed`,
        [subjectRef, destroyedAt],
      ),
    );
    return rows[0]?.destroyed === true;
  }

  async listSubjectKeysByKeyringVersion(
    alias: string,
    version: number,
    limit: number,
    after?: string,
  ): Promise<SubjectKeyWrapRecord[]> {
    // Only what a re-wrap needs: the dates cost a parse per row and are never read here.
    const rows = await this.db.query<
      Array<{ subject_ref: string; key_id: string; wrapped_key: Buffer }>
    >(
      `SELECT subject_ref, key_id, wrapped_key FROM subject_keys
       WHERE status = 'active' AND alias = $1 AND keyring_version = $2 AND subject_ref > $3
       ORDER BY subject_ref LIMIT $4`,
      [alias, version, after ?? '', limit],
    );
    return rows.map((row) => ({
      subjectRef: row.subject_ref,
      keyId: row.key_id,
      alias,
      keyringVersion: version,
      wrappedKey: row.wrapped_key,
    }));
  }

  async updateSubjectKeyWraps(
    expectedKeyringVersion: number,
    keyringVersion: number,
    wraps: ReadonlyArray<{ subjectRef: string; wrappedKey: Buffer }>,
  ): Promise<number> {
    if (wraps.length === 0) {
      return 0;
    }
    // One statement per batch (a round trip per key capped a rotation at a few thousand keys/s),
    // and the wrapped keys, all of one length, as one binary parameter cut in slices: a bytea[]
    // would travel as hex text, encoded here and decoded by the server.
    const width = wraps[0].wrappedKey.length;
    const packed = Buffer.allocUnsafe(width * wraps.length);
    const refs = new Array<string>(wraps.length);
    for (let i = 0; i < wraps.length; i += 1) {
      if (wraps[i].wrappedKey.length !== width) {
        throw new Error('Wrapped subject keys of one batch must all have the same length');
      }
      packed.set(wraps[i].wrappedKey, i * width);
      refs[i] = wraps[i].subjectRef;
    }
    const [{ moved }] = await this.db.query<Array<{ moved: number }>>(
      `WITH moved AS (
         UPDATE subject_keys AS s
            SET keyring_version = $2,
                wrapped_key = substring($4::bytea FROM ((v.n - 1) * $5::int + 1)::int FOR $5::int)
           FROM unnest($3::text[]) WITH ORDINALITY AS v(subject_ref, n)
          WHERE s.subject_ref = v.subject_ref AND s.status = 'active' AND s.keyring_version = $1
         RETURNING 1)
       SELECT count(*)::int AS moved FROM moved`,
      [expectedKeyringVersion, keyringVersion, refs, packed, width],
    );
    return moved;
  }

  /** TypeORM's pg driver returns [rows, affected] for UPDATE ... RETURNING. */
  private static rowsOf<T>(result: T[] | [T[], number]): T[] {
    return Array.isArray(result[0]) ? result[0] : (result as T[]);
  }

  private static keyring(row: KeyringRow): KeyringKeyRecord {
    return {
      alias: row.alias,
      version: row.version,
      rootKeyId: row.root_key_id,
      wrappedKey: row.wrapped_key,
      createdAt: row.created_at,
      type: row.key_type,
      ...(row.public_key === null ? {} : { publicKey: row.public_key }),
      disabledAt: row.disabled_at,
    };
  }

  private static subject(row: SubjectRow): SubjectKeyEntry {
    if (row.status === SubjectKeyStatus.Shredded) {
      return {
        status: SubjectKeyStatus.Shredded,
        subjectRef: row.subject_ref,
        keyId: row.key_id,
        destroyedAt: row.destroyed_at as Date,
      };
    }
    return {
      status: SubjectKeyStatus.Active,
      subjectRef: row.subject_ref,
      keyId: row.key_id as string,
      alias: row.alias as string,
      keyringVersion: row.keyring_version as number,
      wrappedKey: row.wrapped_key as Buffer,
      createdAt: row.created_at as Date,
    };
  }
}
