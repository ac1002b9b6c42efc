import type { Request } from 'express';
import type { EntityManager } from 'typeorm';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.error';
import { IdempotencyKeysRepository, KeyClaim } from './idempotency-keys.repository';

/** ServiceKeys label of stored answers: they name subjects, so they are kept sealed. */
export const ANSWER_LABEL = 'idempotency-answer';

/** Whose answer a sealed one is: it opens only for its own scope and key. */
export const answerOwner = (scope: string, keyHash: Buffer): string =>
  `${scope}\n${keyHash.toString('hex')}`;

/**
 * A write that carries an Idempotency-Key. The service doing the write calls `claim` first and
 * `complete` last inside its own transaction, so the key, the effect and the answer commit
 * together or not at all: a crash in between leaves neither, and a resend runs afresh.
 */
export class IdempotentWrite {
  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly serviceKeys: ServiceKeys,
    readonly key: KeyClaim,
  ) {}

  /** Throws when a request with the same key committed (or is still running) meanwhile. */
  async claim(m: EntityManager): Promise<void> {
    const claimed = await this.keys.claim(m, this.key);
    if (claimed === 'busy') {
      throw IdempotencyError.inProgress();
    }
    if (!claimed) {
      throw new IdempotencyError(
        IdempotencyErrorCode.ClaimedMeanwhile,
        'A request with this Idempotency-Key was recorded meanwhile.',
      );
    }
  }

  /** Stores the answer the caller is about to get, for resends of the same request. */
  async complete(m: EntityManager, answer: object): Promise<void> {
    const sealed = this.serviceKeys.seal(
      ANSWER_LABEL,
      JSON.stringify(answer),
      answerOwner(this.key.scope, this.key.keyHash),
    );
    await this.keys.complete(m, this.key.scope, this.key.keyHash, sealed);
  }
}

const writes = new WeakMap<Request, IdempotentWrite>();

export function attachWrite(req: Request, write: IdempotentWrite): void {
  writes.set(req, write);
}

export function writeOf(req: Request): IdempotentWrite | undefined {
  return writes.get(req);
}
