import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  AUTO_ROTATE_CHECK_EVERY_MS,
  CRYPTO_REWRAP_QUEUE,
  CryptoRewrapJob,
} from './key-rotation.jobs';

/** Registers the automatic-rotation check as a repeatable job; idempotent across instances. */
@Injectable()
export class KeyRotationScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(CRYPTO_REWRAP_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      CryptoRewrapJob.AutoRotateKeyrings,
      { every: AUTO_ROTATE_CHECK_EVERY_MS },
      {
        name: CryptoRewrapJob.AutoRotateKeyrings,
        data: {},
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 } },
      },
    );
  }
}
