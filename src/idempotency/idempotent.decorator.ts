import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { IdempotencyFilter } from './idempotency.filter';
import { IdempotencyGuard } from './idempotency.guard';
import { IdempotentWrite, writeOf } from './idempotent-write';

/** The request's idempotent write; undefined when it carries no Idempotency-Key. */
export const IdempotencyOf = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): IdempotentWrite | undefined =>
    writeOf(ctx.switchToHttp().getRequest<Request>()),
);

/** A write route that honours `Idempotency-Key`, documented in the OpenAPI document. */
export const Idempotent = (): MethodDecorator =>
  applyDecorators(
    UseGuards(IdempotencyGuard),
    UseFilters(IdempotencyFilter),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A key of your choosing (1 to 255 visible ASCII characters, e.g. a UUID) that makes a resend safe: the same key with the same request (route, body, Sec-GPC) within IDEMPOTENCY_KEY_TTL (default 24 h) answers as the first time, with `Idempotent-Replayed: true`, and records nothing again. Keys are per caller. A resend while the first request is still running waits for it (up to 10 s, then 409 with Retry-After). Only successful answers are kept: after an error, a resend runs again. The same key with a different request answers 422 (problem+json, code `idempotency-key-reused`); a key that is not 1 to 255 visible ASCII characters, 400.',
      example: '3b0f8a52-2c55-4d1e-9f0e-5b8e1c2a7d41',
    }),
  );
