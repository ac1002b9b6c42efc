import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Cluster, RedisOptions } from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { QueueConnectionLogger } from './queue-connection-logger';
import { BULL_CONNECTION, BullConnectionModule } from './bull-connection';
import { WorkerDrain } from './worker-drain';

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      imports: [BullConnectionModule],
      inject: [AppConfig, BULL_CONNECTION],
      useFactory: (config: AppConfig, connection: RedisOptions | Cluster) => ({
        connection,
        prefix: `${config.redis.prefix}:bull`,
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 7 * 24 * 3600, count: 10000 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      }),
    }),
  ],
  providers: [QueueConnectionLogger, WorkerDrain],
})
export class QueueModule {}
