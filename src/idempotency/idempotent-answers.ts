import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { IdempotencyError } from './idempotency.error';
import { IdempotencyKeysRepository, KeyClaim } from './idempotency-keys.repository';
import { ANSWER_LABEL, answerOwner } from './idempotent-write';

export const RETRY_AFTER_SECONDS = 1;

/** The stored answers of earlier requests with a key, and how a resend is answered from them. */
@Injectable()
export class IdempotentAnswers {
  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly serviceKeys: ServiceKeys,
  ) {}

  /**
   * The stored answer for this key, undefined when there is none (or it expired); on a replay
   * `res` gets its status and `Idempotent-Replayed: true`.
   */
  async replay(claim: KeyClaim, res: Response): Promise<unknown> {
    const stored = await this.keys.findLive(claim.scope, claim.keyHash);
    if (!stored) {
      return undefined;
    }
    if (!stored.requestHash.equals(claim.requestHash)) {
      throw IdempotencyError.reused();
    }
    if (stored.responseSealed === null) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw IdempotencyError.inProgress();
    }
    res.status(stored.statusCode);
    res.setHeader('Idempotent-Replayed', 'true');
    return JSON.parse(
      this.serviceKeys.openOwnedOrFormer(
        ANSWER_LABEL,
        stored.responseSealed,
        answerOwner(claim.scope, claim.keyHash),
      ),
    ) as unknown;
  }

  /** After a concurrent request with the key committed first: its answer. */
  async replayOrBusy(claim: KeyClaim, res: Response): Promise<unknown> {
    const answer = await this.replay(claim, res);
    if (answer === undefined) {
      // Committed and already expired: vanishingly rare; the client simply retries.
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw IdempotencyError.inProgress();
    }
    return answer;
  }
}
