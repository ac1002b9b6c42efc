import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, type RedisOptions } from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { bullConnection } from './redis-connection';

export const BULL_CONNECTION = Symbol('BULL_CONNECTION');

/**
 * BullMQ's connection: options that each queue and worker opens and closes itself, or on a
 * Cluster one shared client, which BullMQ leaves open, so it is closed here.
 */
@Injectable()
class BullConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(BULL_CONNECTION) private readonly connection: RedisOptions | Cluster) {}

  async onApplicationShutdown(): Promise<void> {
    const cluster = this.connection;
    if (cluster instanceof Cluster) {
      await cluster.quit().catch(() => cluster.disconnect());
    }
  }
}

@Module({
  providers: [
    {
      provide: BULL_CONNECTION,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => bullConnection(config.redis.url),
    },
    BullConnectionCloser,
  ],
  exports: [BULL_CONNECTION],
})
export class BullConnectionModule {}
