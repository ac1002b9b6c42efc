import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import {
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerRequest,
} from '@nestjs/throttler';
import type { Response } from 'express';

/**
 * Throttler guard that answers every limit with a plain `Retry-After` (seconds), and lets
 * requests through while the Redis holding the counters is unreachable: an outage of the
 * limiter must not take the API down with it (work committed meanwhile is queued later).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly logger = new Logger(RateLimitGuard.name);
  /** Set while the counters are unreachable, so an outage is logged once, not per request. */
  private unavailable = false;

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    try {
      const allowed = await super.handleRequest(props);
      if (this.unavailable) {
        this.unavailable = false;
        this.logger.log('Rate limits available again');
      }
      return allowed;
    } catch (error) {
      if (error instanceof ThrottlerException) {
        throw error;
      }
      if (!this.unavailable) {
        this.unavailable = true;
        this.logger.warn(
          { err: { type: (error as Error)?.name } },
          'Rate limits unavailable; requests let through until they are back',
        );
      }
      return true;
    }
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    throw new ThrottlerException();
  }
}
