import type { NextFunction, Request, Response } from 'express';
import { requestIdMiddleware } from './request-id.middleware';

function idFor(given: string | undefined): string {
  const req = { header: () => given } as unknown as Request;
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as Response;
  const next: NextFunction = jest.fn();
  requestIdMiddleware(req, res, next);
  expect(next).toHaveBeenCalled();
  expect(headers['X-Request-Id']).toBe(req.id);
  return req.id as string;
}

describe('requestIdMiddleware', () => {
  it('keeps a well-formed id from the caller', () => {
    expect(idFor('trace-7f3a.2:ok')).toBe('trace-7f3a.2:ok');
  });

  it('replaces missing, malformed and personal ids with a UUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const given of [
      undefined,
      'has space',
      'jane@example.com',
      '536-22-8726',
      '4111111111111111',
      'req-4111111111111111',
    ]) {
      expect({ given, id: idFor(given) }).toEqual({ given, id: expect.stringMatching(uuid) });
    }
  });
});
