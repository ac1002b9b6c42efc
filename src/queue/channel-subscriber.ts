import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { duplicateRedisClient } from './redis-connection';

/**
 * A Redis connection of its own, subscribed to one channel and subscribed again after every
 * reconnect. ioredis can re-subscribe by itself, but leaves that command's promise without a
 * handler: a connection closed while it is under way (a shutdown just as Redis comes back)
 * ended the process with an unhandled "Connection is closed." rejection. Here the
 * re-subscription is ours, and a failure of it is logged at warn (none while closing).
 */
export class ChannelSubscriber {
  private readonly client: Redis;
  private wanted = false;
  private closing = false;

  /** `what` names the subscriber in the log ("API key revocations"). */
  constructor(
    base: Redis,
    private readonly channel: string,
    private readonly what: string,
    private readonly logger: Pick<Logger, 'warn'>,
    onMessage: (message: string) => void,
    options: RedisOptions = {},
  ) {
    this.client = duplicateRedisClient(base, { ...options, autoResubscribe: false });
    this.client.on('message', (from: string, message: string) => {
      if (from === channel) {
        onMessage(message);
      }
    });
    // Connection errors are retried by ioredis; callers that care watch `ready` and failures.
    this.client.on('error', () => undefined);
    this.client.on('ready', () => {
      if (this.wanted) {
        void this.resubscribe();
      }
    });
  }

  /** Subscribes now; rejects when Redis cannot answer (a later reconnect tries again). */
  async start(): Promise<void> {
    this.wanted = true;
    await this.client.subscribe(this.channel);
  }

  /** Runs `listener` on every (re)connection: messages may have been missed while away. */
  onReady(listener: () => void): void {
    this.client.on('ready', listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async resubscribe(): Promise<void> {
    try {
      // Subscribing twice to a channel (the first ready after start) is harmless in Redis.
      await this.client.subscribe(this.channel);
    } catch (error) {
      if (!this.closing) {
        this.logger.warn(
          { err: { type: (error as Error).name } },
          `${this.what}: could not subscribe again after a reconnect; retrying on the next one`,
        );
      }
    }
  }
}
