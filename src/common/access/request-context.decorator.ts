import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Caller } from './caller';
import { callerOf } from './current-caller.decorator';

/** What services need to know about a request for auditing: who, from where, which request. */
export interface RequestContext {
  caller?: Caller;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  /** The service acting on its own (workers, timers, start-up), never on behalf of a caller. */
  system?: true;
}

/** The one context of everything the service does on its own: audited as `system`. */
export const SYSTEM: Readonly<RequestContext> = Object.freeze({ system: true });

export function requestContextOf(req: Request): RequestContext {
  return {
    caller: callerOf(req),
    requestId: typeof req.id === 'string' ? req.id : undefined,
    ip: req.ip,
    userAgent: req.headers['user-agent'],
  };
}

export const ReqContext = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): RequestContext =>
    requestContextOf(ctx.switchToHttp().getRequest<Request>()),
);
