import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, map, mergeMap, Observable, throwError } from 'rxjs';
import { AuthError, AuthErrorCode } from 'src/auth/auth.error';
import { coarseAddress } from 'src/auth/sessions/coarse-address';
import { AppConfig } from 'src/config/app-config';
import { SecurityEventBus } from 'src/security-alerts/security-event-bus';
import { clientAddress } from './client-address';
import { LoginThrottle } from './login-throttle';
import { RateLimitError } from './rate-limit.error';

/** Detection tells accounts apart by a hash, so no e-mail address reaches an alert. */
const accountRef = (account: string): string =>
  createHash('sha256').update(account).digest('hex').slice(0, 16);

/** The account an attempt is for: the e-mail, or the user an MFA token names. */
function accountOf(req: Request): string | undefined {
  const body = (req.body ?? {}) as { email?: unknown; mfaToken?: unknown };
  if (typeof body.email === 'string') {
    return `email:${body.email.trim().toLowerCase()}`;
  }
  if (typeof body.mfaToken === 'string') {
    try {
      // Read unverified: a forged token can only look up delays, and failures of the code are
      // counted only once the auth service has verified the token.
      const payload = JSON.parse(
        Buffer.from(body.mfaToken.split('.')[1] ?? '', 'base64url').toString(),
      ) as { sub?: unknown };
      return typeof payload.sub === 'string' ? `user:${payload.sub}` : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Login and MFA endpoints (`@LoginRoute()`): an attempt still within its delay answers 429
 * with Retry-After; a wrong password or code counts a failure for the address and the account,
 * a wrong or spent MFA token for the address only; a success clears the account's failures.
 */
@Injectable()
export class LoginAttemptsInterceptor implements NestInterceptor {
  constructor(
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
    private readonly securityEvents: SecurityEventBus,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const address = clientAddress(req);
    const account = accountOf(req);
    let wait: number;
    try {
      wait = await this.throttle.waitBefore(address, account);
    } catch {
      if (this.config.rateLimits.whenRedisDown === 'closed') {
        throw this.refuse(context, RateLimitError.unavailable());
      }
      return next.handle();
    }
    if (wait > 0) {
      throw this.refuse(
        context,
        RateLimitError.tooMany(wait, 'Too many failed attempts; wait before trying again.'),
      );
    }
    return next.handle().pipe(
      mergeMap((value: unknown) =>
        from(this.throttle.succeeded(address, account).catch(() => undefined)).pipe(
          map(() => value),
        ),
      ),
      catchError((error: unknown) => {
        const counted =
          error instanceof AuthError &&
          (error.code === AuthErrorCode.InvalidCredentials ||
            error.code === AuthErrorCode.InvalidMfaCode ||
            error.code === AuthErrorCode.InvalidMfaToken);
        if (!counted) {
          return throwError(() => error);
        }
        const per = error.code === AuthErrorCode.InvalidMfaToken ? undefined : account;
        if (per !== undefined) {
          this.securityEvents.push({
            type: 'login.failure',
            at: Date.now(),
            address: coarseAddress(address) ?? 'unknown',
            account: accountRef(per),
          });
        }
        return from(this.throttle.failed(address, per).catch(() => undefined)).pipe(
          mergeMap(() => throwError(() => error)),
        );
      }),
    );
  }

  private refuse(context: ExecutionContext, error: RateLimitError): RateLimitError {
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('Retry-After', String(error.retryAfterSeconds));
    return error;
  }
}
