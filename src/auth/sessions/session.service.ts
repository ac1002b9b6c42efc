import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Role } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AuthSessionEntity, SessionMethod } from '../entities/auth-session.entity';
import { AccessTokenService } from '../tokens/access-token.service';
import { coarseAddress } from './coarse-address';
import { SessionCache, SessionSnapshot, UserAccess } from './session-cache';
import { SessionEvents } from './session-events';
import { SessionsRepository } from './sessions.repository';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  /** Trades for a new access token (and a new refresh token) at POST /v1/auth/refresh. */
  refreshToken: string;
}

/** What the access guard learns of an admin user's request. */
export interface ActiveSession {
  roles: Role[];
  method: SessionMethod;
  secondFactor: boolean;
}

export type RevokeReason =
  'logout' | 'user' | 'others' | 'admin' | 'disabled' | 'password' | 'idle' | 'no_role';

const USER_AGENT_MAX = 512;
const REFRESH_TOKEN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Admin sessions: short access tokens bound to a server-side session that slides with use (idle
 * timeout) up to a maximum age. Each request reads its session and its user's roles, disabled flag
 * and second factor from the session cache (one Redis read), falling back to PostgreSQL.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private readonly idleMs: number;
  private readonly maxAgeSeconds: number;
  /** Last use is written at most this often per session; idle timeouts are that precise. */
  private readonly touchEveryMs: number;

  constructor(
    private readonly repo: SessionsRepository,
    private readonly cache: SessionCache,
    private readonly tokens: AccessTokenService,
    private readonly events: SessionEvents,
    config: AppConfig,
  ) {
    this.idleMs = config.auth.sessionIdleSeconds * 1000;
    this.maxAgeSeconds = config.auth.sessionMaxAgeSeconds;
    this.touchEveryMs = Math.min(60_000, this.idleMs / 4);
  }

  async open(
    ctx: RequestContext,
    user: { id: string; roles: Role[] },
    method: SessionMethod,
  ): Promise<IssuedToken> {
    const userAgent = ctx.userAgent ? ctx.userAgent.slice(0, USER_AGENT_MAX) : null;
    const address = coarseAddress(ctx.ip);
    const deviceHash = sha256(`${userAgent ?? ''}\n${address ?? ''}`).toString('hex');
    const newDevice = !(await this.repo.knownDevice(user.id, deviceHash));
    const refreshSecret = randomBytes(32).toString('base64url');
    const session = await this.repo.insert({
      userId: user.id,
      method,
      expiresAt: new Date(Date.now() + this.maxAgeSeconds * 1000),
      userAgent,
      address,
      deviceHash,
      refreshHash: sha256(refreshSecret),
    });
    await this.events.opened({
      userId: user.id,
      sessionId: session.id,
      method,
      userAgent,
      address,
      newDevice,
      at: session.createdAt,
    });
    return this.issue(session, user.roles, refreshSecret);
  }

  /** A new access token and refresh token for a live session; the presented one is spent. */
  async refresh(refreshToken: string): Promise<{ issued: IssuedToken; userId: string }> {
    const match = REFRESH_TOKEN.exec(refreshToken);
    const refused = new AuthError(
      AuthErrorCode.InvalidRefreshToken,
      'The refresh token is not valid or its session has ended.',
    );
    if (!match) {
      throw refused;
    }
    const [, sessionId, secret] = match;
    const next = randomBytes(32).toString('base64url');
    const session = await this.repo.rotateRefresh(
      sessionId,
      sha256(secret),
      sha256(next),
      this.idleMs / 1000,
    );
    const access = session ? await this.repo.userAccess(session.userId) : undefined;
    if (!session || !access || access.disabled) {
      throw refused;
    }
    await this.cache
      .touchSession(session.id, this.snapshot(session), this.cacheTtl(session))
      .catch((e: Error) => this.logger.warn(`Session cache not updated: ${e.name}`));
    return { issued: await this.issue(session, access.roles, next), userId: session.userId };
  }

  /**
   * The session's current access, or undefined when it has ended, idled out, or its user is
   * disabled. Redis unreachable: read from PostgreSQL instead.
   */
  async resolve(sessionId: string, userId: string): Promise<ActiveSession | undefined> {
    let cached: Awaited<ReturnType<SessionCache['read']>> | undefined;
    try {
      cached = await this.cache.read(sessionId, userId);
    } catch (e) {
      this.logger.warn(`Session cache unreachable, reading PostgreSQL: ${(e as Error).name}`);
    }
    if (cached?.session === 'ended') {
      return undefined;
    }
    const session = cached?.session ?? (await this.loadSession(sessionId, cached !== undefined));
    if (!session || session.userId !== userId) {
      return undefined;
    }
    const now = Date.now();
    if (now >= session.expiresAt) {
      return undefined;
    }
    if (now - session.lastSeenAt >= this.idleMs) {
      await this.end(userId, 'idle', { only: sessionId });
      return undefined;
    }
    const access = cached?.access ?? (await this.loadAccess(userId, cached !== undefined));
    if (!access || access.disabled) {
      return undefined;
    }
    if (now - session.lastSeenAt >= this.touchEveryMs) {
      await this.touch(sessionId, { ...session, lastSeenAt: now });
    }
    return { roles: access.roles, method: session.method, secondFactor: access.secondFactor };
  }

  /** Whether a session is still open (not ended, not idle, not past its age, user not disabled). */
  async isActive(sessionId: string): Promise<boolean> {
    const session = await this.repo.findActive(sessionId, this.idleMs / 1000);
    return session !== null && (await this.resolve(sessionId, session.userId)) !== undefined;
  }

  list(userId: string): Promise<AuthSessionEntity[]> {
    return this.repo.listActive(userId, this.idleMs / 1000);
  }

  /**
   * Ends sessions of one user: the cache first (a tombstone no fill can overwrite), then the
   * table. Returns the ids ended.
   */
  async end(
    userId: string,
    reason: RevokeReason,
    filter: { only?: string; except?: string } = {},
    manager?: EntityManager,
  ): Promise<string[]> {
    const ending = (await this.repo.openIds(userId, manager)).filter(
      (id) => (!filter.only || id === filter.only) && id !== filter.except,
    );
    await this.cache.endSessions(ending, this.maxAgeSeconds);
    return this.repo.revoke(userId, reason, filter, manager);
  }

  /**
   * Publishes a user's changed roles, disabled flag or second factor to every instance; called
   * inside the transaction that changed them, after the row is locked, so a failure undoes it.
   */
  async publishAccess(userId: string, manager: EntityManager): Promise<void> {
    const access = await this.repo.userAccess(userId, manager);
    if (access) {
      await this.cache.setAccess(userId, access);
    }
  }

  private async issue(
    session: AuthSessionEntity,
    roles: Role[],
    refreshSecret: string,
  ): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = Math.min(
      now + this.tokens.accessTtlSeconds,
      Math.floor(session.expiresAt.getTime() / 1000),
    );
    const accessToken = await this.tokens.signAccess(
      { userId: session.userId, sessionId: session.id, roles },
      expiresAt,
    );
    return {
      accessToken,
      expiresIn: expiresAt - now,
      refreshToken: `${session.id}.${refreshSecret}`,
    };
  }

  private async loadSession(
    sessionId: string,
    fill: boolean,
  ): Promise<SessionSnapshot | undefined> {
    const row = await this.repo.findActive(sessionId, this.idleMs / 1000);
    if (!row) {
      return undefined;
    }
    const snapshot = this.snapshot(row);
    if (fill) {
      await this.cache
        .fillSession(sessionId, snapshot, this.cacheTtl(row))
        .catch((e: Error) => this.logger.warn(`Session cache not filled: ${e.name}`));
    }
    return snapshot;
  }

  private async loadAccess(userId: string, fill: boolean): Promise<UserAccess | undefined> {
    const access = await this.repo.userAccess(userId);
    if (access && fill) {
      await this.cache
        .fillAccess(userId, access)
        .catch((e: Error) => this.logger.warn(`Session cache not filled: ${e.name}`));
    }
    return access;
  }

  private async touch(sessionId: string, snapshot: SessionSnapshot): Promise<void> {
    await this.repo.touch(sessionId, new Date(snapshot.lastSeenAt));
    await this.cache
      .touchSession(
        sessionId,
        snapshot,
        Math.min(this.idleMs, snapshot.expiresAt - snapshot.lastSeenAt),
      )
      .catch((e: Error) => this.logger.warn(`Session cache not updated: ${e.name}`));
  }

  private snapshot(row: AuthSessionEntity): SessionSnapshot {
    return {
      userId: row.userId,
      method: row.method,
      expiresAt: row.expiresAt.getTime(),
      lastSeenAt: row.lastSeenAt.getTime(),
    };
  }

  private cacheTtl(row: AuthSessionEntity): number {
    const now = Date.now();
    return Math.max(
      1,
      Math.min(row.expiresAt.getTime() - now, row.lastSeenAt.getTime() + this.idleMs - now),
    );
  }
}
