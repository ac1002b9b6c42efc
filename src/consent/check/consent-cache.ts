import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';
import { ConsentStateSnapshot, PurposeSnapshot, SubjectSignalSnapshot } from '../consent.types';

/**
 * Values are "<version>|<json>", or "!<token>": a pending marker a consent write puts on the
 * keys it will change, inside its transaction just before the commit. Fills (a check that
 * missed, reading PostgreSQL) set a key only when it holds no marker and no newer version, so a
 * fill holding a row from before a commit can never land over the marker or the new decision.
 */
const FILL = `
local cur = redis.call('GET', KEYS[1])
if cur then
  if string.sub(cur, 1, 1) == '!' then
    return 0
  end
  local sep = string.find(cur, '|', 1, true)
  if sep and tonumber(string.sub(cur, 1, sep - 1)) >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1
`;

/**
 * The writer, after its commit, replaces its own marker (ARGV[4]) with the decision; another
 * writer's marker (a later write of the same subject, serialised behind this one) is left for
 * that writer, and a newer version is never replaced.
 */
const PUBLISH = `
local cur = redis.call('GET', KEYS[1])
if cur then
  if string.sub(cur, 1, 1) == '!' then
    if cur ~= '!' .. ARGV[4] then
      return 0
    end
  else
    local sep = string.find(cur, '|', 1, true)
    if sep and tonumber(string.sub(cur, 1, sep - 1)) >= tonumber(ARGV[1]) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1
`;

/** Puts the writer's marker on every key, whatever they held. */
const MARK = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], '!' .. ARGV[1], 'EX', ARGV[2])
end
return #KEYS
`;

/**
 * A backstop only: the commit protocol keeps entries true. Short, so even a lost write-through
 * (a process killed between commit and publish, with its marker gone) ages out in minutes.
 */
const STATE_TTL_SECONDS = 300;
const PURPOSE_TTL_SECONDS = 60;
/**
 * A marker lives longer than any commit takes; a writer that died leaves it to expire, and until
 * then checks read PostgreSQL.
 */
const MARK_TTL_SECONDS = 30;

/** The consent write about to commit that holds a subject's keys: its token and keys. */
export interface PendingWrite {
  token: string;
  keys: string[];
}

type CacheScripts = {
  consentFill(key: string, v: number, json: string, ttl: number): Promise<number>;
  consentPublish(key: string, v: number, json: string, ttl: number, token: string): Promise<number>;
  consentMark(n: number, ...keysThenArgs: Array<string | number>): Promise<number>;
};

interface PendingRead {
  keys: string[];
  resolve: (raw: Array<string | null>) => void;
  reject: (error: unknown) => void;
}

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
  private pendingReads: PendingRead[] = [];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.redis.prefix}:consent`;
    this.redis.defineCommand('consentFill', { numberOfKeys: 1, lua: FILL });
    this.redis.defineCommand('consentPublish', { numberOfKeys: 1, lua: PUBLISH });
    this.redis.defineCommand('consentMark', { lua: MARK });
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
      raw = await this.batchedMget(keys);
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

  /**
   * The keys of the checks that arrive in one turn of the event loop leave as one MGET: one
   * command, one socket write and one reply for them all instead of one each (or a pipeline of
   * one each), which is much of a check's own cost.
   */
  private batchedMget(keys: string[]): Promise<Array<string | null>> {
    return new Promise((resolve, reject) => {
      this.pendingReads.push({ keys, resolve, reject });
      if (this.pendingReads.length === 1) {
        setImmediate(() => this.flushReads());
      }
    });
  }

  private flushReads(): void {
    const reads = this.pendingReads;
    this.pendingReads = [];
    if (reads.length === 1) {
      this.redis.mget(...reads[0].keys).then(reads[0].resolve, reads[0].reject);
      return;
    }
    const keys: string[] = [];
    for (const read of reads) {
      keys.push(...read.keys);
    }
    this.redis.mget(...keys).then(
      (values) => {
        let start = 0;
        for (const read of reads) {
          read.resolve(values.slice(start, start + read.keys.length));
          start += read.keys.length;
        }
      },
      (error: unknown) => reads.forEach((read) => read.reject(error)),
    );
  }

  putPurpose(p: PurposeSnapshot): Promise<void> {
    return this.fill(this.purposeKey(p.key), p.version, p, PURPOSE_TTL_SECONDS);
  }

  /** A check's fill: `seq` 0 with a null state records "no decision yet". */
  putState(subjectRef: string, purpose: string, seq: number, state: ConsentStateSnapshot | null) {
    return this.fill(this.stateKey(subjectRef, purpose), seq, state, STATE_TTL_SECONDS);
  }

  putSignal(subjectRef: string, seq: number, signal: SubjectSignalSnapshot | null) {
    return this.fill(this.signalKey(subjectRef), seq, signal, STATE_TTL_SECONDS);
  }

  /**
   * Before a consent write commits: marks the subject's keys it changes (the purposes' states,
   * and the GPC signal with `signal`), so that from here until the writer publishes, or the
   * marker expires, checks read PostgreSQL and no fill lands. Throws when Redis does not
   * answer, which rolls the write back: a decision is never committed with the cache unguarded.
   */
  async markPending(
    subjectRef: string,
    purposes: string[],
    signal: boolean,
  ): Promise<PendingWrite> {
    const token = randomUUID();
    const keys = [
      ...purposes.map((p) => this.stateKey(subjectRef, p)),
      ...(signal ? [this.signalKey(subjectRef)] : []),
    ];
    await this.scripts().consentMark(keys.length, ...keys, token, MARK_TTL_SECONDS);
    return { token, keys };
  }

  /** After the commit: the decision replaces the writer's own marker. */
  async publishState(
    pending: PendingWrite,
    subjectRef: string,
    purpose: string,
    state: ConsentStateSnapshot,
  ): Promise<void> {
    await this.scripts().consentPublish(
      this.stateKey(subjectRef, purpose),
      state.seq,
      JSON.stringify(state),
      STATE_TTL_SECONDS,
      pending.token,
    );
  }

  async publishSignal(
    pending: PendingWrite,
    subjectRef: string,
    signal: SubjectSignalSnapshot,
  ): Promise<void> {
    await this.scripts().consentPublish(
      this.signalKey(subjectRef),
      signal.seq,
      JSON.stringify(signal),
      STATE_TTL_SECONDS,
      pending.token,
    );
  }

  private async fill(key: string, version: number, value: unknown, ttl: number): Promise<void> {
    await this.scripts().consentFill(key, version, JSON.stringify(value), ttl);
  }

  private scripts(): CacheScripts {
    return this.redis as unknown as CacheScripts;
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

/** A miss for a missing key and for a pending marker alike: the check reads PostgreSQL. */
function parse<T>(raw: string | null): Versioned<T> | undefined {
  if (raw === null || raw.startsWith('!')) {
    return undefined;
  }
  const sep = raw.indexOf('|');
  return { version: Number(raw.slice(0, sep)), value: JSON.parse(raw.slice(sep + 1)) as T | null };
}
