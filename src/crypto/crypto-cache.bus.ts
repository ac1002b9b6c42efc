import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { EnvelopeCrypto } from '@libs/crypto';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { ChannelSubscriber } from 'src/queue/channel-subscriber';
import { REDIS } from 'src/queue/redis.module';
import { ENVELOPE_CRYPTO } from './envelope-crypto.token';

export enum CryptoCacheEvent {
  /** A subject key was shredded somewhere: drop every cached subject key. */
  SubjectShredded = 'subject-shredded',
  /** A keyring was created or rotated: drop active-version pointers and keyring keys. */
  KeyringChanged = 'keyring-changed',
  /**
   * A version was disabled or enabled, or the minimum decryption version moved: drop keyring and
   * subject keys, so the next use re-reads the policy before unwrapping.
   */
  KeyringPolicyChanged = 'keyring-policy-changed',
}

/**
 * Keeps the per-process key caches of every instance honest. libs/crypto caches unwrapped
 * subject keys for up to 60 s; after a shred on any instance, every instance drops its subject
 * cache as soon as Redis delivers the message (publish returns after Redis has handed it to the
 * subscribers). Messages carry no subject id or reference, only the event kind.
 */
@Injectable()
export class CryptoCacheBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CryptoCacheBus.name);
  private readonly channel: string;
  private subscriber?: ChannelSubscriber;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    config: AppConfig,
  ) {
    this.channel = `${config.redis.prefix}:crypto:cache`;
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = new ChannelSubscriber(
      this.redis,
      this.channel,
      'Crypto cache events',
      this.logger,
      (message) => this.apply(message),
    );
    await this.subscriber.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.close();
  }

  /** Applies locally at once, then tells the other instances. */
  async publish(event: CryptoCacheEvent): Promise<void> {
    this.apply(event);
    await this.redis.publish(this.channel, event);
  }

  private apply(message: string): void {
    if (message === (CryptoCacheEvent.SubjectShredded as string)) {
      this.crypto.subjects.clearCache();
    } else if (message === (CryptoCacheEvent.KeyringChanged as string)) {
      this.crypto.keyring.clearCache();
    } else if (message === (CryptoCacheEvent.KeyringPolicyChanged as string)) {
      this.crypto.keyring.clearCache();
      this.crypto.subjects.clearCache();
    }
  }
}
