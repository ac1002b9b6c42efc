import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { OutageNotice } from 'src/logging/outage-notice';
import { createRedisClient } from './redis-connection';

/** The shared Redis client for rate limits, caches and pub/sub (queues have their own). */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const redis = createRedisClient(config.redis.url, { maxRetriesPerRequest: 2 });
        // Without a listener ioredis prints every failed reconnect to the console, past the logger.
        const outage = new OutageNotice(
          new Logger('Redis'),
          'Redis unreachable; retrying',
          'Redis reachable again',
        );
        redis.on('error', (error: Error) => outage.failed(error));
        redis.on('ready', () => outage.reached());
        return redis;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
