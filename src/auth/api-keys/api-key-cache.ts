import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { ChannelSubscriber } from 'src/queue/channel-subscriber';
import { REDIS } from 'src/queue/redis.module';
import type { ApiKeyEntity } from '../entities/api-key.entity';

/** How long a looked-up key is trusted without asking PostgreSQL again. */
const POSITIVE_TTL_MS = 30_000;
/** Unknown keys are remembered briefly, so a flood of one made-up key costs one query. */
const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  key: ApiKeyEntity | null;
  expiresAt: number;
}

/**
 * Active API keys by hash, in process, so authenticating a key costs no round trip. A revocation
 * evicts the key here at once and is published on Redis, so every other instance evicts it as
 * soon as the message arrives; the short TTL bounds how long a missed message can matter, and a
 * reconnected subscriber empties the cache since it may have missed some.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly channel: string;
  private subscriber?: ChannelSubscriber;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.channel = `${config.redis.prefix}:api-keys:revoked`;
  }

  async onModuleInit(): Promise<void> {
    const subscriber = new ChannelSubscriber(
      this.redis,
      this.channel,
      'API key revocations',
      this.logger,
      (id) => this.evictId(id),
      { maxRetriesPerRequest: null },
    );
    this.subscriber = subscriber;
    subscriber.onReady(() => this.entries.clear());
    await subscriber.start().catch((error: unknown) => {
      this.logger.warn({ err: { type: (error as Error).name } }, 'Revocation channel unavailable');
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.close();
  }

  /** The cached answer for a key hash: the key, null when unknown, undefined when not cached. */
  get(hash: string): ApiKeyEntity | null | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) {
      return undefined;
    }
    if (Date.now() >= entry.expiresAt) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.key;
  }

  set(hash: string, key: ApiKeyEntity | null): void {
    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.clear();
    }
    const ttl = key ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS;
    this.entries.set(hash, { key, expiresAt: Date.now() + ttl });
  }

  /** Evicts the key here and tells every other instance. */
  async revoked(id: string): Promise<void> {
    this.evictId(id);
    await this.redis.publish(this.channel, id).catch((error: unknown) => {
      this.logger.warn(
        { err: { type: (error as Error).name } },
        'Could not announce a revoked API key; other instances drop it within 30 s',
      );
    });
  }

  private evictId(id: string): void {
    for (const [hash, entry] of this.entries) {
      if (entry.key?.id === id) {
        this.entries.delete(hash);
      }
    }
  }
}
