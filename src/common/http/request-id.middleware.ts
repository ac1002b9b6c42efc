import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { redactLogLine } from 'src/logging/pii-log-redactor';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes a well-formed X-Request-Id from the caller or makes one, and echoes it on the response.
 * The id is on every log line, in error bodies and in the audit trail, so an id the log redactor
 * would change (an SSN, a card or phone number) is replaced rather than carried along.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const id = given && SAFE_ID.test(given) && redactLogLine(given) === given ? given : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
}
