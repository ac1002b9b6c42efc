import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';

/** Sets the key to ARGV[1] only when that is higher: the mark never goes down. */
const RAISE = `local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/**
 * The highest event count any instance has checkpointed, kept in Redis rather than in the
 * database the audit log guards: deleting the newest events together with their checkpoints is
 * then seen after every instance restarted too, as long as Redis keeps its data. Redis being
 * unreachable weakens that check (each instance falls back on what it saw itself); it never
 * fails a verification or a checkpoint.
 */
@Injectable()
export class AuditHighWater {
  private readonly logger = new Logger('AuditIntegrity');
  private readonly key: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.key = `${config.redis.prefix}:audit:checkpointed-count`;
  }

  async read(): Promise<number> {
    try {
      return Number((await this.redis.get(this.key)) ?? 0);
    } catch (error) {
      this.logger.warn(`audit high-water mark not read (${(error as Error).name})`);
      return 0;
    }
  }

  async raise(count: number): Promise<void> {
    try {
      await this.redis.eval(RAISE, 1, this.key, String(count));
    } catch (error) {
      this.logger.warn(`audit high-water mark not raised (${(error as Error).name})`);
    }
  }
}
