import { Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { PrivacyRequestRepository } from '../privacy-request.repository';

const LABEL = 'dsr-status-token';
/** Compared against when there is no stored hash, so a miss takes as long as a mismatch. */
const NO_HASH = 'x'.repeat(43);

/**
 * The capability a data subject looks their request up with: 256 random bits, handed out once;
 * only a keyed hash is stored, so the database alone opens no request.
 */
@Injectable()
export class StatusTokens {
  constructor(
    private readonly keys: ServiceKeys,
    private readonly requests: PrivacyRequestRepository,
  ) {}

  /** A fresh token for the request and the hash to store for it. */
  mint(requestId: string): { token: string; hash: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hash(requestId, token) };
  }

  /** A fresh token for a stored request, in the caller's transaction; replaces any earlier one. */
  async issue(m: EntityManager, requestId: string): Promise<string> {
    const { token, hash } = this.mint(requestId);
    await this.requests.setStatusTokenHash(m, requestId, hash);
    return token;
  }

  /** Constant-time, bound to the request: a token opens only the request it was issued for. */
  matches(requestId: string, storedHash: string | null, given: string): boolean {
    const expected = Buffer.from(storedHash ?? NO_HASH);
    const actual = Buffer.from(this.hash(requestId, given));
    return (
      storedHash !== null && actual.length === expected.length && timingSafeEqual(actual, expected)
    );
  }

  private hash(requestId: string, token: string): string {
    return this.keys.hmac(LABEL, `${requestId}:${token}`);
  }
}
