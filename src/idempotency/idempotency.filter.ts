import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ProblemDetailsFilter } from 'src/common/http/problem-details.filter';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.error';
import { IdempotentReplay } from './idempotency.guard';
import { IdempotentAnswers, RETRY_AFTER_SECONDS } from './idempotent-answers';
import { writeOf } from './idempotent-write';

/**
 * Answers what the `Idempotency-Key` of a write route (`@Idempotent()`) decides: a resend with
 * the stored answer, as the handler's return value would be sent; a request whose key a
 * concurrent one committed first (the handler's claim failed) with that one's answer; one whose
 * key is still held, 409 with Retry-After. Other refusals are problem+json as everywhere.
 */
@Catch(IdempotentReplay, IdempotencyError)
@Injectable()
export class IdempotencyFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter();

  constructor(
    private readonly answers: IdempotentAnswers,
    private readonly adapter: HttpAdapterHost,
  ) {}

  async catch(exception: IdempotentReplay | IdempotencyError, host: ArgumentsHost): Promise<void> {
    const res = host.switchToHttp().getResponse<Response>();
    try {
      if (exception instanceof IdempotentReplay) {
        this.answer(res, exception.answer);
        return;
      }
      const write = writeOf(host.switchToHttp().getRequest<Request>());
      if (exception.code === IdempotencyErrorCode.ClaimedMeanwhile && write) {
        this.answer(res, await this.answers.replayOrBusy(write.key, res));
        return;
      }
      if (exception.code === IdempotencyErrorCode.InProgress) {
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      }
      this.problems.catch(exception, host);
    } catch (error: unknown) {
      this.problems.catch(error, host);
    }
  }

  /** As Nest sends a handler's value; the status is already set. */
  private answer(res: Response, value: unknown): void {
    this.adapter.httpAdapter.reply(res, value);
  }
}
