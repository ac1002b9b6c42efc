import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PUBLIC_ROUTE } from 'src/audit/denied/denied-calls.recorder';
import { describeAccess } from 'src/common/access/access-rule-text';
import { ACCESS_KEY, AccessRule, MFA_ENROLMENT_KEY } from 'src/common/access/access.decorator';
import { Caller } from 'src/common/access/caller';
import { RouteMemo } from 'src/common/access/route-memo';
import { attachCaller } from 'src/common/access/current-caller.decorator';
import { AuthError, AuthErrorCode } from '../auth.error';
import { CallerResolver } from './caller-resolver.service';

export function isAllowed(rule: AccessRule, caller: Caller): boolean {
  switch (rule.kind) {
    case 'public':
    case 'authenticated':
      return true;
    case 'restricted':
      return caller.kind === 'user'
        ? caller.roles.some((r) => rule.roles.includes(r))
        : rule.allScopes === true
          ? rule.scopes.length > 0 && rule.scopes.every((s) => caller.scopes.includes(s))
          : caller.scopes.some((s) => rule.scopes.includes(s));
  }
}

/** The one place that decides who may call what. A route without an access rule is refused. */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);
  private readonly rules = new RouteMemo((context) =>
    this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]),
  );

  constructor(
    private readonly reflector: Reflector,
    private readonly callers: CallerResolver,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.rules.of(context);
    if (!rule) {
      this.logger.warn(
        `Route ${context.getClass().name}.${context.getHandler().name} declares no access rule`,
      );
      throw new AuthError(AuthErrorCode.Forbidden, 'This route is not open to any caller.');
    }
    const req = context.switchToHttp().getRequest<Request & { [PUBLIC_ROUTE]?: true }>();
    if (rule.kind === 'public') {
      req[PUBLIC_ROUTE] = true;
      return true;
    }
    // Decided at once when the caller is (an API key in the in-process cache): no promise.
    const caller = this.callers.forRequest(req);
    return caller instanceof Promise
      ? caller.then((known) => this.decide(context, req, rule, known))
      : this.decide(context, req, rule, caller);
  }

  private decide(
    context: ExecutionContext,
    req: Request,
    rule: AccessRule,
    caller: Caller | undefined,
  ): true {
    if (!caller) {
      throw new AuthError(AuthErrorCode.Unauthenticated, 'Missing or invalid credentials.');
    }
    attachCaller(req, caller);
    if (caller.kind === 'user' && caller.mfaPending && !this.openDuringEnrolment(context)) {
      throw new AuthError(
        AuthErrorCode.MfaEnrolmentRequired,
        'Enrol a second factor first (TOTP or a passkey): MFA is required.',
      );
    }
    if (!isAllowed(rule, caller)) {
      throw new AuthError(AuthErrorCode.Forbidden, describeAccess(rule));
    }
    return true;
  }

  private openDuringEnrolment(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(MFA_ENROLMENT_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }
}
