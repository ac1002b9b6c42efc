import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { callerOf } from 'src/common/access/current-caller.decorator';
import { AppConfig } from 'src/config/app-config';
import { canonicalJson } from './canonical-json';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.error';
import { IdempotencyKeysRepository, KeyClaim } from './idempotency-keys.repository';
import { IdempotentAnswers } from './idempotent-answers';
import { attachWrite, IdempotentWrite } from './idempotent-write';

/** Visible ASCII, as keys are usually UUIDs or other tokens a client generates. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A resend's stored answer, thrown by the guard so that `IdempotencyFilter` answers it. */
export class IdempotentReplay extends Error {
  constructor(readonly answer: unknown) {
    super('Answered with the stored answer of an earlier request with this Idempotency-Key');
  }
}

/**
 * `Idempotency-Key` on a write route (`@Idempotent()`), checked once the caller is known and
 * before the body is validated: a key seen before with the same request replays the stored
 * answer (header `Idempotent-Replayed: true`) without running the handler; a key seen with
 * another request is a 422. Keys are per caller: an API key, a user, or a public caller's
 * address. Without the header the route runs as usual, with nothing added to it (a guard
 * rather than an interceptor, whose chain every request would pay for).
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly serviceKeys: ServiceKeys,
    private readonly answers: IdempotentAnswers,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers['idempotency-key'];
    // No promise without a key: Nest awaits only a guard's promise, and each costs the request.
    return header === undefined ? true : this.check(context, req, header);
  }

  private async check(
    context: ExecutionContext,
    req: Request,
    header: string | string[],
  ): Promise<boolean> {
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new IdempotencyError(
        IdempotencyErrorCode.InvalidKey,
        'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      );
    }
    const claim: KeyClaim = {
      scope: this.scopeOf(req),
      keyHash: sha256(header),
      requestHash: this.requestHash(req),
      statusCode:
        this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
        (req.method === 'POST' ? 201 : 200),
      ttlSeconds: this.config.idempotencyKeyTtlSeconds,
    };
    const earlier = await this.answers.replay(
      claim,
      context.switchToHttp().getResponse<Response>(),
    );
    if (earlier !== undefined) {
      throw new IdempotentReplay(earlier);
    }
    attachWrite(req, new IdempotentWrite(this.keys, this.serviceKeys, claim));
    return true;
  }

  private scopeOf(req: Request): string {
    const caller = callerOf(req);
    if (caller?.kind === 'apiKey') {
      return `api_key:${caller.id}`;
    }
    if (caller?.kind === 'user') {
      return `user:${caller.id}`;
    }
    // Addresses are not stored, only a keyed hash of them.
    return `public:${this.serviceKeys.hmac('idempotency-scope', req.ip ?? 'unknown')}`;
  }

  /** What makes two requests "the same": route, the headers that change the effect, body. */
  private requestHash(req: Request): Buffer {
    const gpc = req.headers['sec-gpc'];
    return sha256(
      [
        `${req.method} ${req.baseUrl}${req.path}`,
        `sec-gpc:${typeof gpc === 'string' ? gpc.trim() : ''}`,
        canonicalJson(req.body),
      ].join('\n'),
    );
  }
}
