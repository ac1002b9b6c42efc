import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { dependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from '../errors/dependency-outage';
import { DomainError } from '../errors/domain-error';
import { PROBLEM_CONTENT_TYPE, Problem, problem } from './problem';
import { ValidationFailed } from './validation-failed';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  410: 'gone',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
  503: 'service-unavailable',
};

/** Generic wording per status: framework messages can echo input, so they are not passed on. */
const DETAIL_BY_STATUS: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'Missing or invalid credentials.',
  403: 'The caller may not do this.',
  404: 'No such resource.',
  405: 'Method not allowed.',
  413: 'The request body is too large.',
  415: 'Unsupported content type.',
  429: 'Too many requests; retry later.',
};

/** Turns every error into application/problem+json, with no stack trace or input echoed back. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const body = this.toProblem(exception, req);
    if (res.headersSent) {
      return;
    }
    if (body.status === 503 && !res.getHeader('Retry-After')) {
      res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    }
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  toProblem(exception: unknown, req: Request): Problem {
    const extras = { requestId: req.id as string | undefined };
    if (exception instanceof DomainError) {
      const e = exception.toProblemFields();
      return problem(e.status, e.code, e.detail, { ...extras, errors: e.errors });
    }
    if (exception instanceof ValidationFailed) {
      return problem(400, 'validation', 'The request body or query is not valid.', {
        ...extras,
        errors: exception.errors,
      });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // The router's 400s (a path parameter that is not percent-encoded UTF-8, JSON that does not
      // parse) quote the input in their message; no service code throws a bare 400.
      if (status === 400) {
        const inPath = exception.message.startsWith('Failed to decode param');
        return problem(400, CODE_BY_STATUS[400], DETAIL_BY_STATUS[400], {
          ...extras,
          ...(inPath && {
            errors: [{ field: 'path', message: 'must be percent-encoded UTF-8' }],
          }),
        });
      }
      // The router's 404 ("Cannot GET /path") would echo the URL, which may hold an identifier;
      // services throw domain errors, so a NotFoundException is only ever the router's.
      const detail =
        exception instanceof NotFoundException
          ? (DETAIL_BY_STATUS[status] ?? 'The request could not be completed.')
          : exception.message;
      return problem(status, CODE_BY_STATUS[status] ?? 'error', detail, extras);
    }
    const status = httpStatusOf(exception);
    if (status !== undefined && status >= 400 && status < 500) {
      return problem(
        status,
        CODE_BY_STATUS[status] ?? 'bad-request',
        DETAIL_BY_STATUS[status] ?? 'Bad request.',
        extras,
      );
    }
    // PostgreSQL or Redis away: the caller may try again, and nothing is wrong with its request.
    const outage = dependencyOutage(exception);
    if (outage !== undefined) {
      this.logger.warn(
        { err: { type: (exception as Error)?.name ?? typeof exception }, dependency: outage },
        'Dependency unavailable',
      );
      return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        CODE_BY_STATUS[503],
        'A service this API depends on is unavailable; retry after the time in Retry-After.',
        extras,
      );
    }
    // Only the error's class and message go to the log: the stack can carry values from the request.
    this.logger.error(
      { err: { type: (exception as Error)?.name ?? typeof exception } },
      'Unhandled error',
    );
    return problem(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'internal',
      'An unexpected error occurred. Quote the request id when reporting it.',
      extras,
    );
  }
}

/** Errors raised by Express middleware (body parser) carry `status`/`statusCode`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const e = error as { status?: unknown; statusCode?: unknown };
    const s = typeof e.status === 'number' ? e.status : e.statusCode;
    return typeof s === 'number' ? s : undefined;
  }
  return undefined;
}
