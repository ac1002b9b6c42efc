import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { RateLimitRedis } from './rate-limit-redis';

const WINDOW_MS = 60_000;
const SYNC_EVERY_MS = 200;
const MAX_BUCKETS = 100_000;

interface Bucket {
  window: number;
  /** The count all instances had reached at the last sync. */
  synced: number;
  /** Sent to Redis, not yet answered. */
  inflight: number;
  /** Counted here since the last sync. */
  pending: number;
}

/**
 * Per-minute budgets of authenticated callers (API keys, admin users), counted in process and
 * added to Redis every 200 ms, so a request costs no round trip while every instance still sees
 * the others' counts within a fraction of a second. With one instance the count is exact; with
 * several, a caller can overshoot by what the others counted since their last sync. While Redis
 * is away each instance keeps counting on its own.
 */
@Injectable()
export class LocalBudgets implements OnModuleInit, OnApplicationShutdown {
  private readonly buckets = new Map<string, Bucket>();
  private timer?: NodeJS.Timeout;
  private syncing = false;

  constructor(private readonly redis: RateLimitRedis) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sync(), SYNC_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }

  /** Counts one request; `retryAfterMs` when the caller's budget for this minute is spent. */
  take(name: string, perMinute: number, now = Date.now()): { retryAfterMs?: number } {
    const window = Math.floor(now / WINDOW_MS);
    let bucket = this.buckets.get(name);
    if (!bucket || bucket.window !== window) {
      if (!bucket && this.buckets.size >= MAX_BUCKETS) {
        this.dropOldWindows(window);
      }
      bucket = { window, synced: 0, inflight: 0, pending: 0 };
      this.buckets.set(name, bucket);
    }
    if (bucket.synced + bucket.inflight + bucket.pending >= perMinute) {
      return { retryAfterMs: (window + 1) * WINDOW_MS - now };
    }
    bucket.pending += 1;
    return {};
  }

  private async sync(): Promise<void> {
    if (this.syncing) {
      return;
    }
    const window = Math.floor(Date.now() / WINDOW_MS);
    const batch: Array<[string, Bucket, number]> = [];
    for (const [name, bucket] of this.buckets) {
      if (bucket.window !== window) {
        this.buckets.delete(name);
      } else if (bucket.pending > 0) {
        batch.push([name, bucket, bucket.pending]);
        bucket.inflight += bucket.pending;
        bucket.pending = 0;
      }
    }
    if (batch.length === 0) {
      return;
    }
    this.syncing = true;
    const multi = this.redis.client.multi();
    for (const [name, , sent] of batch) {
      const key = `${this.redis.prefix}:${name}:${window}`;
      multi.incrby(key, sent).pexpire(key, WINDOW_MS * 2);
    }
    try {
      const replies = (await multi.exec()) ?? [];
      batch.forEach(([, bucket, sent], i) => {
        bucket.inflight -= sent;
        const [error, count] = replies[i * 2] ?? [new Error('no reply'), 0];
        if (!error) {
          bucket.synced = Math.max(bucket.synced + sent, Number(count));
        } else {
          bucket.pending += sent;
        }
      });
    } catch {
      for (const [, bucket, sent] of batch) {
        bucket.inflight -= sent;
        bucket.synced += sent;
      }
    } finally {
      this.syncing = false;
    }
  }

  private dropOldWindows(window: number): void {
    for (const [name, bucket] of this.buckets) {
      if (bucket.window !== window) {
        this.buckets.delete(name);
      }
    }
    if (this.buckets.size >= MAX_BUCKETS) {
      this.buckets.clear();
    }
  }
}
