import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { compileCustomRecognizer, type CustomRecognizer } from '@libs/dlp';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { ChannelSubscriber } from 'src/queue/channel-subscriber';
import { REDIS } from 'src/queue/redis.module';
import { CustomRecognizerRepository, CustomRecognizerRow } from './custom-recognizer.repository';

/** How long the compiled set is trusted without a change message. */
const MAX_AGE_MS = 30_000;

/**
 * The compiled custom recognizers of this process (API or worker). A change here drops the set
 * at once and is published on Redis, so every other process drops it as soon as the message
 * arrives and reloads it on its next scan; the age limit bounds how long a missed message can
 * matter, and a reconnected subscriber drops the set since it may have missed some.
 */
@Injectable()
export class CustomRecognizerRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CustomRecognizerRegistry.name);
  private readonly channel: string;
  private subscriber?: ChannelSubscriber;
  private loaded?: { at: number; set: Promise<readonly CustomRecognizer[]> };

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly repository: CustomRecognizerRepository,
    config: AppConfig,
  ) {
    this.channel = `${config.redis.prefix}:dlp:recognizers:changed`;
  }

  async onModuleInit(): Promise<void> {
    const subscriber = new ChannelSubscriber(
      this.redis,
      this.channel,
      'Custom recognizer changes',
      this.logger,
      () => this.drop(),
      { maxRetriesPerRequest: null },
    );
    this.subscriber = subscriber;
    subscriber.onReady(() => this.drop());
    await subscriber.start().catch((error: unknown) => {
      this.logger.warn(
        { err: { type: (error as Error).name } },
        'Recognizer change channel unavailable',
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.close();
  }

  /** The current set, loaded and compiled once per change. */
  current(): Promise<readonly CustomRecognizer[]> {
    if (this.loaded === undefined || Date.now() - this.loaded.at > MAX_AGE_MS) {
      const set = this.load();
      this.loaded = { at: Date.now(), set };
      // A failed load is not kept: the next scan tries again.
      set.catch(() => {
        if (this.loaded?.set === set) {
          this.loaded = undefined;
        }
      });
    }
    return this.loaded.set;
  }

  /** Drops the set here and tells every other process. */
  async changed(): Promise<void> {
    this.drop();
    await this.redis.publish(this.channel, '1').catch((error: unknown) => {
      this.logger.warn(
        { err: { type: (error as Error).name } },
        `Could not announce a recognizer change; other processes see it within ${MAX_AGE_MS / 1000} s`,
      );
    });
  }

  private drop(): void {
    this.loaded = undefined;
  }

  private async load(): Promise<readonly CustomRecognizer[]> {
    const rows = await this.repository.list();
    const compiled: CustomRecognizer[] = [];
    for (const row of rows) {
      try {
        compiled.push(compileCustomRecognizer(toSpec(row)));
      } catch (error) {
        // Rows were checked when created; one the engine refuses now is skipped, not fatal.
        this.logger.error(
          { err: { type: (error as Error).name }, recognizer: row.id },
          'Stored custom recognizer no longer compiles; skipped',
        );
      }
    }
    return compiled;
  }
}

export function toSpec(
  row: Pick<
    CustomRecognizerRow,
    'name' | 'entity' | 'pattern' | 'denyList' | 'caseSensitive' | 'context' | 'score'
  >,
) {
  return {
    name: row.name,
    entity: row.entity,
    pattern: row.pattern ?? undefined,
    denyList: row.denyList ?? undefined,
    caseSensitive: row.caseSensitive,
    context: row.context,
    score: row.score,
  };
}
