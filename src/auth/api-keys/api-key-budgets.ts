import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hashApiKey } from './api-key-hash';

const CACHE_MS = 10_000;
const MAX_CACHED = 10_000;

/**
 * Per-key request budgets for the rate limiter, which runs before authentication: a key's own
 * `rateLimitPerMinute`, read by the key's hash and cached briefly so the limiter costs no query
 * per request. Unknown or revoked keys have no budget of their own.
 */
@Injectable()
export class ApiKeyBudgets {
  private readonly cache = new Map<string, { perMinute: number | null; expiresAt: number }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async perMinuteOf(key: string): Promise<number | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached !== undefined && now < cached.expiresAt) {
      return cached.perMinute;
    }
    const rows = await this.db.query<Array<{ rate_limit_per_minute: number | null }>>(
      'SELECT rate_limit_per_minute FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const perMinute = rows[0]?.rate_limit_per_minute ?? null;
    if (this.cache.size >= MAX_CACHED) {
      this.cache.clear();
    }
    this.cache.set(hash, { perMinute, expiresAt: now + CACHE_MS });
    return perMinute;
  }
}
