import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Caller } from './caller';

export const CALLER_KEY = 'caller';

export function callerOf(req: Request): Caller | undefined {
  return (req as Request & { [CALLER_KEY]?: Caller })[CALLER_KEY];
}

/** The authenticated caller the access guard attached to the request. */
export const CurrentCaller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Caller | undefined =>
    callerOf(ctx.switchToHttp().getRequest<Request>()),
);
