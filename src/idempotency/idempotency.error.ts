import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum IdempotencyErrorCode {
  InvalidKey = 'invalid-idempotency-key',
  KeyReused = 'idempotency-key-reused',
  InProgress = 'idempotency-key-in-progress',
  /** Internal: a concurrent request with the same key committed first; its answer is replayed. */
  ClaimedMeanwhile = 'idempotency-key-claimed-meanwhile',
}

export class IdempotencyError extends DomainError<IdempotencyErrorCode> {
  constructor(code: IdempotencyErrorCode, detail: string) {
    super(code, detail);
  }

  get status(): number {
    switch (this.code) {
      case IdempotencyErrorCode.InvalidKey:
        return 400;
      case IdempotencyErrorCode.InProgress:
      case IdempotencyErrorCode.ClaimedMeanwhile:
        return 409;
      case IdempotencyErrorCode.KeyReused:
        return 422;
      default:
        return assertUnreachable(this.code);
    }
  }

  static reused(): IdempotencyError {
    return new IdempotencyError(
      IdempotencyErrorCode.KeyReused,
      'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
    );
  }

  static inProgress(): IdempotencyError {
    return new IdempotencyError(
      IdempotencyErrorCode.InProgress,
      'A request with this Idempotency-Key is still being processed; retry after the Retry-After delay.',
    );
  }
}
