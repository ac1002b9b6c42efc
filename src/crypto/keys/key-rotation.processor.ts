import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { EnvelopeCrypto } from '@libs/crypto';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { ENVELOPE_CRYPTO } from '../envelope-crypto.token';
import { KeyManagementService } from './key-management.service';
import { KeyRegistryRepository } from './key-registry.repository';
import {
  CRYPTO_REWRAP_QUEUE,
  CryptoRewrapJob,
  REWRAP_BATCH_SIZE,
  type RewrapSubjectKeysData,
} from './key-rotation.jobs';

/**
 * Rotates keyrings that are due (the system is the actor, as audited), and re-wraps subject keys under the newest keyring version, batch by batch, saving progress for
 * GET /v1/keys/{alias}. Re-running after a crash is safe: each key moves by compare-and-set, and
 * keys already moved are no longer listed under their old version.
 */
@Processor(CRYPTO_REWRAP_QUEUE)
export class KeyRotationProcessor extends WorkerHost {
  private readonly logger = new Logger(KeyRotationProcessor.name);

  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    private readonly registry: KeyRegistryRepository,
    private readonly keys: KeyManagementService,
  ) {
    super();
  }

  async process(
    job: Job<RewrapSubjectKeysData>,
  ): Promise<{ processed: number; rewrapped: number } | { rotated: string[] }> {
    const name = job.name as CryptoRewrapJob;
    switch (name) {
      case CryptoRewrapJob.RewrapSubjectKeys:
        return this.rewrap(job);
      case CryptoRewrapJob.AutoRotateKeyrings: {
        // Each rotation queues its own re-wrap job, exactly as a manual rotation does.
        const rotated = await this.keys.rotateDue(SYSTEM);
        if (rotated.length > 0) {
          this.logger.log(`Rotated ${rotated.length} keyrings whose period had passed`);
        }
        return { rotated };
      }
      default:
        if (Object.values(CryptoRewrapJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown crypto job ${job.name}`);
    }
  }

  private async rewrap(
    job: Job<RewrapSubjectKeysData>,
  ): Promise<{ processed: number; rewrapped: number }> {
    const rotation = await this.registry.rotation(job.data.rotationId);
    if (rotation === undefined) {
      throw new UnrecoverableError('rotation not found');
    }
    const total = await this.registry.countPending(rotation.alias, rotation.to_version);
    await this.registry.startRotation(rotation.id, total);
    try {
      const result = await this.crypto.rewrapper.rewrapAll(rotation.alias, {
        batchSize: REWRAP_BATCH_SIZE,
        onProgress: async ({ processed, rewrapped }) => {
          await this.registry.reportRotation(rotation.id, processed, rewrapped);
          await job.updateProgress(total === 0 ? 100 : Math.min(100, (processed / total) * 100));
        },
      });
      await this.registry.finishRotation(rotation.id, 'completed');
      this.logger.log(`Re-wrapped ${result.rewrapped} of ${total} subject keys`);
      return result;
    } catch (error) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await this.registry.finishRotation(rotation.id, 'failed');
      }
      throw error;
    }
  }
}
