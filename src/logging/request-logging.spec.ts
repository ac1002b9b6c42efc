import type { NextFunction, Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { RequestLogging, requestFields } from './request-logging';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string };
  requestId?: string;
  route?: string;
  path?: string;
  res?: { statusCode: number };
  responseTime?: number;
}

function setUp(level: string): { logging: RequestLogging; lines: Line[] } {
  const lines: Line[] = [];
  const root = pino(
    { level, mixin: requestFields },
    { write: (line: string) => lines.push(JSON.parse(line) as Line) },
  );
  return { logging: new RequestLogging(root), lines };
}

function request(url: string, id = 'req-1'): { req: Request; res: Response & EventEmitter } {
  const req = { id, method: 'GET', url, baseUrl: '' } as unknown as Request;
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    writableFinished: false,
  }) as unknown as Response & EventEmitter;
  return { req, res };
}

/** Runs the middleware; `handler` plays the rest of the chain, inside the request's context. */
function handle(logging: RequestLogging, req: Request, res: Response, handler: () => void): void {
  const next: NextFunction = () => handler();
  logging.middleware(req, res, next);
}

describe('request logging', () => {
  it('tags every line written while a request is handled with its id, and no other line', () => {
    const { logging, lines } = setUp('info');
    const { req, res } = request('/v1/consents/check?subjectId=jane');
    handle(logging, req, res, () => logging.root.warn('inside'));
    logging.root.warn('outside');
    expect(lines[0]).toMatchObject({
      msg: 'inside',
      requestId: 'req-1',
      req: { id: 'req-1', method: 'GET' },
    });
    expect(lines[1].msg).toBe('outside');
    expect(lines[1].requestId).toBeUndefined();
  });

  it('writes one access line at info once the response is done, with the route pattern', () => {
    const { logging, lines } = setUp('info');
    const { req, res } = request('/v1/subjects/jane/consents?x=1');
    handle(logging, req, res, () => undefined);
    Object.assign(req, { route: { path: '/v1/subjects/:subjectId/consents' } });
    Object.assign(res, { writableFinished: true, statusCode: 201 });
    res.emit('close');
    res.emit('close');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'req-1',
      route: '/v1/subjects/:subjectId/consents',
      res: { statusCode: 201 },
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('jane');
  });

  it('names server errors, and leaves the URL out of an abandoned response', () => {
    const { logging, lines } = setUp('info');
    const failed = request('/v1/unknown/jane', 'req-2');
    handle(logging, failed.req, failed.res, () => undefined);
    Object.assign(failed.res, { writableFinished: true, statusCode: 500 });
    failed.res.emit('close');
    const abandoned = request('/v1/consents/check?subjectId=jane', 'req-3');
    handle(logging, abandoned.req, abandoned.res, () => undefined);
    abandoned.res.emit('close');
    expect(lines[0]).toMatchObject({ msg: 'request errored', path: '/v1/unknown/jane' });
    expect(lines[1]).toMatchObject({ msg: 'request completed', requestId: 'req-3' });
    expect(lines[1].path).toBeUndefined();
    expect(lines[1].route).toBeUndefined();
  });

  it('writes no access line for probes, nor above the info level', () => {
    const probe = setUp('info');
    const live = request('/health/live');
    handle(probe.logging, live.req, live.res, () => undefined);
    live.res.emit('close');
    expect(probe.lines).toEqual([]);
    expect(live.res.listenerCount('close')).toBe(0);

    const quiet = setUp('warn');
    const check = request('/v1/consents/check');
    handle(quiet.logging, check.req, check.res, () => quiet.logging.root.error('failed'));
    Object.assign(check.res, { writableFinished: true });
    check.res.emit('close');
    expect(quiet.lines.map((l) => l.msg)).toEqual(['failed']);
    expect(quiet.lines[0].requestId).toBe('req-1');
  });
});
