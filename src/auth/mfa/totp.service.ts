import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { authenticator } from 'otplib';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';

const STEP_SECONDS = 30;

/** RFC 6238 codes (SHA-1, 6 digits, 30 s) as authenticator apps expect, one step of clock drift. */
@Injectable()
export class TotpService {
  private readonly totp = authenticator.clone({ step: STEP_SECONDS, window: 1 });

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  generateSecret(): string {
    return this.totp.generateSecret(20);
  }

  otpauthUrl(accountName: string, secret: string): string {
    return this.totp.keyuri(accountName, 'Privacy Service', secret);
  }

  /** A code is accepted once: replaying it within its window fails. */
  async check(userId: string, secret: string, code: string): Promise<boolean> {
    const delta = this.totp.checkDelta(code, secret);
    if (delta === null) {
      return false;
    }
    const step = Math.floor(Date.now() / 1000 / STEP_SECONDS) + delta;
    const fresh = await this.redis.set(
      `${this.config.redis.prefix}:totp-used:${userId}:${step}`,
      '1',
      'EX',
      STEP_SECONDS * 4,
      'NX',
    );
    return fresh === 'OK';
  }
}
