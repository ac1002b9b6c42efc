import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { OutageNotice } from 'src/logging/outage-notice';
import { createRedisClient } from 'src/queue/redis-connection';

/**
 * The rate limiter's own Redis connection: it fails at once while Redis is away instead of
 * queueing commands, so a budget check never waits on an outage.
 */
@Injectable()
export class RateLimitRedis implements OnApplicationShutdown {
  readonly client: Redis;
  readonly prefix: string;
  private readonly outage = new OutageNotice(
    new Logger('RateLimits'),
    'Rate-limit counters unavailable (Redis)',
    'Rate-limit counters available again',
  );

  constructor(config: AppConfig) {
    this.prefix = `${config.redis.prefix}:rl`;
    this.client = createRedisClient(config.redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
    });
    this.client.on('error', () => undefined);
  }

  /** Counts one hit in a fixed window; the window's count and the time left in it. */
  async hit(bucket: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const key = `${this.prefix}:${bucket}:${window}`;
    try {
      const [[incrError, count]] = (await this.client
        .multi()
        .incr(key)
        .pexpire(key, windowMs)
        .exec()) as Array<[Error | null, number]>;
      if (incrError) {
        throw incrError;
      }
      this.outage.reached();
      return { count, resetMs: (window + 1) * windowMs - now };
    } catch (error) {
      this.outage.failed(error);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
