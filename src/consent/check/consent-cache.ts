import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';
import { ConsentStateSnapshot, PurposeSnapshot, SubjectSignalSnapshot } from '../consent.types';

/**
 * Sets a key only when the stored value's version is lower than the new one. Values are
 * "<version>|<json>". Writers (after commit) and readers (filling a miss from PostgreSQL) both go
 * through it, so a reader holding an older row can never overwrite a newer decision.
 */
const SET_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if sep and tonumber(string.sub(cur, 1, sep - 1)) >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1
`;

/** Long enough to serve repeated checks; any fill racing a write finishes within milliseconds. */
const STATE_TTL_SECONDS = 24 * 3600;
const PURPOSE_TTL_SECONDS = 3600;

type Versioned<T> = { version: number; value: T | null };

/** What a check reads: the purpose's latest version, the subject's state and GPC signal. */
export interface CheckInputs {
  purposes: Array<Versioned<PurposeSnapshot> | undefined>;
  states: Array<Versioned<ConsentStateSnapshot> | undefined>;
  signal: Versioned<SubjectSignalSnapshot> | undefined;
}

/** Redis read-through cache for checks, shared by every instance; `undefined` means a miss. */
@Injectable()
export class ConsentCache {
  private readonly logger = new Logger(ConsentCache.name);
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.redis.prefix}:consent`;
    this.redis.defineCommand('consentSetIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
  }

  /** One round trip for everything a (batch) check needs; undefined when Redis fails. */
  async read(subjectRef: string, purposeKeys: string[]): Promise<CheckInputs | undefined> {
    const keys = [
      ...purposeKeys.map((p) => this.purposeKey(p)),
      ...purposeKeys.map((p) => this.stateKey(subjectRef, p)),
      this.signalKey(subjectRef),
    ];
    let raw: Array<string | null>;
    try {
      raw = await this.redis.mget(...keys);
    } catch {
      this.logger.warn('Consent cache read failed; reading PostgreSQL');
      return undefined;
    }
    const n = purposeKeys.length;
    return {
      purposes: raw.slice(0, n).map((v) => parse<PurposeSnapshot>(v)),
      states: raw.slice(n, 2 * n).map((v) => parse<ConsentStateSnapshot>(v)),
      signal: parse<SubjectSignalSnapshot>(raw[2 * n]),
    };
  }

  putPurpose(p: PurposeSnapshot): Promise<void> {
    return this.put(this.purposeKey(p.key), p.version, p, PURPOSE_TTL_SECONDS);
  }

  /** `seq` 0 with a null state records "no decision yet"; any recorded event supersedes it. */
  putState(subjectRef: string, purpose: string, seq: number, state: ConsentStateSnapshot | null) {
    return this.put(this.stateKey(subjectRef, purpose), seq, state, STATE_TTL_SECONDS);
  }

  putSignal(subjectRef: string, seq: number, signal: SubjectSignalSnapshot | null) {
    return this.put(this.signalKey(subjectRef), seq, signal, STATE_TTL_SECONDS);
  }

  /** Last resort when a write-through failed: without the key, readers go to PostgreSQL. */
  async forget(subjectRef: string, purposes: string[]): Promise<void> {
    await this.redis.del(
      ...purposes.map((p) => this.stateKey(subjectRef, p)),
      this.signalKey(subjectRef),
    );
  }

  private async put(key: string, version: number, value: unknown, ttl: number): Promise<void> {
    await (
      this.redis as Redis & {
        consentSetIfNewer(key: string, v: number, json: string, ttl: number): Promise<number>;
      }
    ).consentSetIfNewer(key, version, JSON.stringify(value), ttl);
  }

  private purposeKey(key: string): string {
    return `${this.prefix}:p:${key}`;
  }

  private stateKey(subjectRef: string, purpose: string): string {
    return `${this.prefix}:s:${subjectRef}:${purpose}`;
  }

  private signalKey(subjectRef: string): string {
    return `${this.prefix}:g:${subjectRef}`;
  }
}

function parse<T>(raw: string | null): Versioned<T> | undefined {
  if (raw === null) {
    return undefined;
  }
  const sep = raw.indexOf('|');
  return { version: Number(raw.slice(0, sep)), value: JSON.parse(raw.slice(sep + 1)) as T | null };
}
