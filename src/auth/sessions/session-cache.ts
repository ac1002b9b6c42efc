import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { Role } from 'src/common/access/caller';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';
import type { SessionMethod } from '../entities/auth-session.entity';

/** What a request needs of its session; times in epoch milliseconds. */
export interface SessionSnapshot {
  userId: string;
  method: SessionMethod;
  expiresAt: number;
  lastSeenAt: number;
}

/** What a request needs of its user: checked on every request, so a change applies at once. */
export interface UserAccess {
  roles: Role[];
  disabled: boolean;
  /** The user has a second factor (TOTP or a passkey). */
  secondFactor: boolean;
}

const ENDED = 'x';
const ACCESS_TTL_SECONDS = 3600;

/** Moves a live session's last use forward; never brings an ended (or evicted) one back. */
const TOUCH = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == '${ENDED}' then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

type Touchable = Redis & {
  sessionTouch(key: string, value: string, ttlMs: number): Promise<number>;
};

/**
 * Redis copy of sessions and users' access, shared by every instance. One MGET per request reads
 * both. Changes write the cache with plain SET (ends with a tombstone); fills from PostgreSQL use
 * SET NX, so a reader holding an older row can never overwrite a change made meanwhile.
 */
@Injectable()
export class SessionCache {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = config.redis.prefix;
    this.redis.defineCommand('sessionTouch', { numberOfKeys: 1, lua: TOUCH });
  }

  async read(
    sessionId: string,
    userId: string,
  ): Promise<{ session: SessionSnapshot | 'ended' | undefined; access: UserAccess | undefined }> {
    const [session, access] = await this.redis.mget(
      this.sessionKey(sessionId),
      this.accessKey(userId),
    );
    return {
      session: session === ENDED ? 'ended' : parse<SessionSnapshot>(session),
      access: parse<UserAccess>(access),
    };
  }

  async fillSession(sessionId: string, snapshot: SessionSnapshot, ttlMs: number): Promise<void> {
    await this.redis.set(this.sessionKey(sessionId), JSON.stringify(snapshot), 'PX', ttlMs, 'NX');
  }

  async touchSession(sessionId: string, snapshot: SessionSnapshot, ttlMs: number): Promise<void> {
    await (this.redis as Touchable).sessionTouch(
      this.sessionKey(sessionId),
      JSON.stringify(snapshot),
      ttlMs,
    );
  }

  /** Kept for as long as any session may live, so no fill can revive the session. */
  async endSessions(sessionIds: string[], ttlSeconds: number): Promise<void> {
    if (sessionIds.length === 0) {
      return;
    }
    const multi = this.redis.multi();
    for (const id of sessionIds) {
      multi.set(this.sessionKey(id), ENDED, 'EX', ttlSeconds);
    }
    await multi.exec();
  }

  async setAccess(userId: string, access: UserAccess): Promise<void> {
    await this.redis.set(this.accessKey(userId), JSON.stringify(access), 'EX', ACCESS_TTL_SECONDS);
  }

  async fillAccess(userId: string, access: UserAccess): Promise<void> {
    await this.redis.set(
      this.accessKey(userId),
      JSON.stringify(access),
      'EX',
      ACCESS_TTL_SECONDS,
      'NX',
    );
  }

  private sessionKey(id: string): string {
    return `${this.prefix}:session:${id}`;
  }

  private accessKey(userId: string): string {
    return `${this.prefix}:user-access:${userId}`;
  }
}

function parse<T>(value: string | null): T | undefined {
  return value ? (JSON.parse(value) as T) : undefined;
}
