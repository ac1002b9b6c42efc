import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum RateLimitErrorCode {
  TooManyRequests = 'too-many-requests',
  Unavailable = 'rate-limits-unavailable',
}

/** A refusal by a budget; `retryAfterSeconds` goes to the `Retry-After` header. */
export class RateLimitError extends DomainError<RateLimitErrorCode> {
  constructor(
    code: RateLimitErrorCode,
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, detail);
  }

  get status(): number {
    switch (this.code) {
      case RateLimitErrorCode.TooManyRequests:
        return 429;
      case RateLimitErrorCode.Unavailable:
        return 503;
      default:
        return assertUnreachable(this.code);
    }
  }

  static tooMany(retryAfterMs: number, detail = 'Too many requests; retry later.'): RateLimitError {
    return new RateLimitError(
      RateLimitErrorCode.TooManyRequests,
      detail,
      Math.max(1, Math.ceil(retryAfterMs / 1000)),
    );
  }

  static unavailable(): RateLimitError {
    return new RateLimitError(
      RateLimitErrorCode.Unavailable,
      'Rate limits cannot be checked right now; retry later.',
      5,
    );
  }
}
