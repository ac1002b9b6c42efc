import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A key's row as a later request with the same key reads it. */
export interface StoredKey {
  requestHash: Buffer;
  statusCode: number;
  /** Null only while the first request's transaction has not committed. */
  responseSealed: string | null;
}

export interface KeyClaim {
  scope: string;
  keyHash: Buffer;
  requestHash: Buffer;
  statusCode: number;
  ttlSeconds: number;
}

/** PostgreSQL's "lock not available", raised when lock_timeout runs out. */
const LOCK_NOT_AVAILABLE = '55P03';

/** How long a request waits for a concurrent one with the same key to commit or roll back. */
export const CLAIM_WAIT_MS = 10_000;

@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findLive(scope: string, keyHash: Buffer): Promise<StoredKey | undefined> {
    const [row] = await this.dataSource.query<
      Array<{ request_hash: Buffer; status_code: number; response_sealed: string | null }>
    >(
      `SELECT request_hash, status_code, response_sealed FROM idempotency_keys
        WHERE scope = $1 AND key_hash = $2 AND expires_at > now()`,
      [scope, keyHash],
    );
    return row
      ? {
          requestHash: row.request_hash,
          statusCode: row.status_code,
          responseSealed: row.response_sealed,
        }
      : undefined;
  }

  /**
   * Takes the key inside the caller's transaction: false when a live row holds it. A concurrent
   * request's uncommitted row makes this wait until that transaction ends (at most
   * CLAIM_WAIT_MS, then 'busy'); an expired row is taken over.
   */
  async claim(m: EntityManager, c: KeyClaim): Promise<boolean | 'busy'> {
    await m.query(`SET LOCAL lock_timeout = ${CLAIM_WAIT_MS}`);
    try {
      const rows = await m.query<unknown[]>(
        `INSERT INTO idempotency_keys (scope, key_hash, request_hash, status_code, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         ON CONFLICT (scope, key_hash) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, status_code = EXCLUDED.status_code,
                response_sealed = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE idempotency_keys.expires_at <= now()
         RETURNING 1`,
        [c.scope, c.keyHash, c.requestHash, c.statusCode, c.ttlSeconds],
      );
      await m.query('SET LOCAL lock_timeout = DEFAULT');
      return rows.length > 0;
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) {
        return 'busy';
      }
      throw error;
    }
  }

  async complete(
    m: EntityManager,
    scope: string,
    keyHash: Buffer,
    responseSealed: string,
  ): Promise<void> {
    await m.query(
      `UPDATE idempotency_keys SET response_sealed = $3 WHERE scope = $1 AND key_hash = $2`,
      [scope, keyHash, responseSealed],
    );
  }

  /** Deletes expired keys; how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM idempotency_keys WHERE expires_at <= now()',
    );
    return result[1] ?? 0;
  }
}
