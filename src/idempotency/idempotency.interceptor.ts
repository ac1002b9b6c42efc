import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, Observable, of, throwError } from 'rxjs';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { callerOf } from 'src/common/access/current-caller.decorator';
import { AppConfig } from 'src/config/app-config';
import { canonicalJson } from './canonical-json';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.error';
import { IdempotencyKeysRepository, KeyClaim } from './idempotency-keys.repository';
import { ANSWER_LABEL, answerOwner, attachWrite, IdempotentWrite } from './idempotent-write';

/** Visible ASCII, as keys are usually UUIDs or other tokens a client generates. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const RETRY_AFTER_SECONDS = 1;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * `Idempotency-Key` on a write route (`@Idempotent()`): a key seen before with the same request
 * replays the stored answer (header `Idempotent-Replayed: true`) without running the handler; a
 * key seen with another request is a 422. Keys are per caller: an API key, a user, or a public
 * caller's address. Without the header the route runs as usual.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly serviceKeys: ServiceKeys,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const header = req.headers['idempotency-key'];
    if (header === undefined) {
      return next.handle();
    }
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
    const earlier = await this.replay(claim, res);
    if (earlier !== undefined) {
      return of(earlier);
    }
    attachWrite(req, new IdempotentWrite(this.keys, this.serviceKeys, claim));
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof IdempotencyError && error.code === IdempotencyErrorCode.InProgress) {
          res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        }
        if (
          error instanceof IdempotencyError &&
          error.code === IdempotencyErrorCode.ClaimedMeanwhile
        ) {
          // The concurrent request committed first: answer as it was answered.
          return from(this.replayOrBusy(claim, res));
        }
        return throwError(() => error);
      }),
    );
  }

  /** The stored answer for this key, undefined when there is none (or it expired). */
  private async replay(claim: KeyClaim, res: Response): Promise<unknown> {
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

  private async replayOrBusy(claim: KeyClaim, res: Response): Promise<unknown> {
    const answer = await this.replay(claim, res);
    if (answer === undefined) {
      // Committed and already expired: vanishingly rare; the client simply retries.
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw IdempotencyError.inProgress();
    }
    return answer;
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
