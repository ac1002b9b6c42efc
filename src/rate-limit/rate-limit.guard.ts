import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import {
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerRequest,
} from '@nestjs/throttler';
import type { Response } from 'express';
import { OutageNotice } from 'src/logging/outage-notice';

/**
 * Throttler guard that answers every limit with a plain `Retry-After` (seconds), and lets
 * requests through while the Redis holding the counters is unreachable: an outage of the
 * limiter must not take the API down with it (work committed meanwhile is queued later).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly outage = new OutageNotice(
    new Logger(RateLimitGuard.name),
    'Rate limits unavailable; requests let through until they are back',
    'Rate limits available again',
  );

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    try {
      const allowed = await super.handleRequest(props);
      this.outage.reached();
      return allowed;
    } catch (error) {
      if (error instanceof ThrottlerException) {
        throw error;
      }
      this.outage.failed(error);
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
