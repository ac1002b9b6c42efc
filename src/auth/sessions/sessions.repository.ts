import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from 'src/common/access/caller';
import { AuthSessionEntity, SessionMethod } from '../entities/auth-session.entity';
import type { UserAccess } from './session-cache';

export interface NewSession {
  userId: string;
  method: SessionMethod;
  expiresAt: Date;
  userAgent: string | null;
  address: string | null;
  deviceHash: string | null;
  refreshHash: Buffer;
}

/** Every query on sessions, and the slice of users a request checks. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(session: NewSession): Promise<AuthSessionEntity> {
    const repo = this.db.getRepository(AuthSessionEntity);
    return repo.save(repo.create({ ...session, lastSeenAt: new Date(), revokedAt: null }));
  }

  /** Whether the user has had a session from this device before (ended ones count). */
  async knownDevice(userId: string, deviceHash: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `SELECT 1 FROM auth_sessions WHERE user_id = $1 AND device_hash = $2 LIMIT 1`,
      [userId, deviceHash],
    );
    return rows.length > 0;
  }

  async findActive(sessionId: string, idleSeconds: number): Promise<AuthSessionEntity | null> {
    return this.db
      .getRepository(AuthSessionEntity)
      .createQueryBuilder('s')
      .where('s.id = :id', { id: sessionId })
      .andWhere('s.revoked_at IS NULL AND s.expires_at > now()')
      .andWhere('s.last_seen_at > now() - make_interval(secs => :idle)', { idle: idleSeconds })
      .getOne();
  }

  listActive(userId: string, idleSeconds: number): Promise<AuthSessionEntity[]> {
    return this.db
      .getRepository(AuthSessionEntity)
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId })
      .andWhere('s.revoked_at IS NULL AND s.expires_at > now()')
      .andWhere('s.last_seen_at > now() - make_interval(secs => :idle)', { idle: idleSeconds })
      .orderBy('s.last_seen_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .limit(500)
      .getMany();
  }

  async touch(sessionId: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE auth_sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`,
      [sessionId, at],
    );
  }

  /** Swaps the refresh token if the presented one is current; the renewed session, or null. */
  async rotateRefresh(
    sessionId: string,
    presented: Buffer,
    next: Buffer,
    idleSeconds: number,
  ): Promise<AuthSessionEntity | null> {
    const [rows] = await this.db.query<[Array<{ id: string }>, number]>(
      `UPDATE auth_sessions SET refresh_hash = $3, last_seen_at = now()
        WHERE id = $1 AND refresh_hash = $2 AND revoked_at IS NULL AND expires_at > now()
          AND last_seen_at > now() - make_interval(secs => $4)
        RETURNING id`,
      [sessionId, presented, next, idleSeconds],
    );
    return rows.length > 0
      ? this.db.getRepository(AuthSessionEntity).findOneBy({ id: sessionId })
      : null;
  }

  /** Ends the given sessions of the user that are still open; the ids it ended. */
  async revoke(
    userId: string,
    reason: string,
    filter: { only?: string; except?: string },
    manager: EntityManager = this.db.manager,
  ): Promise<string[]> {
    const rows = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
          AND ($3::uuid IS NULL OR id = $3) AND ($4::uuid IS NULL OR id <> $4)
        RETURNING id`,
      [userId, reason, filter.only ?? null, filter.except ?? null],
    );
    return rows[0].map((r) => r.id);
  }

  /** Ids of the user's sessions that are still open, for ending them in the cache first. */
  async openIds(userId: string, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM auth_sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
      [userId],
    );
    return rows.map((r) => r.id);
  }

  async userAccess(
    userId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<UserAccess | undefined> {
    const rows = await manager.query<
      Array<{ roles: Role[]; disabled: boolean; second_factor: boolean }>
    >(
      `SELECT u.roles, u.disabled_at IS NOT NULL AS disabled,
              (u.totp_secret IS NOT NULL
                OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id))
                AS second_factor
         FROM admin_users u WHERE u.id = $1`,
      [userId],
    );
    const row = rows[0];
    return row
      ? { roles: row.roles, disabled: row.disabled, secondFactor: row.second_factor }
      : undefined;
  }
}
