import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from 'src/config/app-config';
import { waitMs } from './login-delays';
import { RateLimitRedis } from './rate-limit-redis';

const WINDOW_MS = 15 * 60_000;
/** An account's delays stay short: strangers can slow it down, never shut its owner out. */
const ACCOUNT_CAP_MS = 60_000;
const ADDRESS_CAP_MS = 15 * 60_000;
/** Addresses an account logged in from successfully are exempt from its delays this long. */
const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;

/**
 * Failed logins per address and per account, in Redis. Only failures count, so a person logging
 * in again and again is never slowed. An account's delays do not apply from an address it has
 * logged in from before, so failures that strangers cause elsewhere do not keep its owner out;
 * that address still has its own per-address delays.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly redis: RateLimitRedis,
    private readonly config: AppConfig,
  ) {}

  /** How long this attempt must still wait (0: go ahead). Throws when Redis cannot answer. */
  async waitBefore(address: string, account: string | undefined): Promise<number> {
    const keys = this.keys(address, account);
    const multi = this.redis.client.multi().hmget(keys.address, 'n', 'last');
    if (keys.account) {
      multi.hmget(keys.account, 'n', 'last').zscore(keys.known as string, address);
    }
    const replies = (await multi.exec()) ?? [];
    for (const [error] of replies) {
      if (error) {
        throw error;
      }
    }
    const now = Date.now();
    const limits = this.config.rateLimits;
    const [addressN, addressLast] = replies[0][1] as Array<string | null>;
    let wait = waitMs(
      Number(addressN ?? 0),
      Number(addressLast ?? 0),
      limits.loginPerIp,
      ADDRESS_CAP_MS,
      now,
    );
    if (keys.account) {
      const [accountN, accountLast] = replies[1][1] as Array<string | null>;
      const knownSince = replies[2][1] as string | null;
      const known = knownSince !== null && now - Number(knownSince) < KNOWN_ADDRESS_MS;
      if (!known) {
        wait = Math.max(
          wait,
          waitMs(
            Number(accountN ?? 0),
            Number(accountLast ?? 0),
            limits.loginPerAccount,
            ACCOUNT_CAP_MS,
            now,
          ),
        );
      }
    }
    return wait;
  }

  async failed(address: string, account: string | undefined): Promise<void> {
    const keys = this.keys(address, account);
    const now = Date.now();
    const multi = this.redis.client.multi();
    for (const key of [keys.address, keys.account]) {
      if (key) {
        multi.hincrby(key, 'n', 1).hset(key, 'last', now).pexpire(key, WINDOW_MS);
      }
    }
    await multi.exec();
  }

  /** Clears the account's failures and remembers the address as one its owner uses. */
  async succeeded(address: string, account: string | undefined): Promise<void> {
    const keys = this.keys(address, account);
    if (!keys.account || !keys.known) {
      return;
    }
    const now = Date.now();
    await this.redis.client
      .multi()
      .del(keys.account)
      .zadd(keys.known, now, address)
      .zremrangebyscore(keys.known, 0, now - KNOWN_ADDRESS_MS)
      .pexpire(keys.known, KNOWN_ADDRESS_MS)
      .exec();
  }

  /** Forgets the account's failed logins (an operator's unlock); address delays stay. */
  async clearAccount(account: string): Promise<void> {
    const { account: key } = this.keys('', account);
    if (key) {
      await this.redis.client.del(key);
    }
  }

  private keys(address: string, account: string | undefined) {
    const base = `${this.redis.prefix}:login`;
    // Accounts are named by a hash, so Redis holds no e-mail addresses.
    const ref = account
      ? createHash('sha256').update(account).digest('hex').slice(0, 32)
      : undefined;
    return {
      address: `${base}:fail:ip:${address}`,
      account: ref ? `${base}:fail:acct:${ref}` : undefined,
      known: ref ? `${base}:known:${ref}` : undefined,
    };
  }
}
