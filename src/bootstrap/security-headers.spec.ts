import type { Response } from 'express';
import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { helmetOptions, securityHeaders } from './security-headers';

const CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] };

function response(): ServerResponse {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('X-Powered-By', 'Express');
  res.setHeader('X-Request-Id', 'r-1');
  return res;
}

const headersOf = (res: ServerResponse) =>
  res.getHeaderNames().map((name) => [name, res.getHeader(name)]);

describe('securityHeaders', () => {
  it('sets what helmet sets per request, in the same order', () => {
    const byHelmet = response();
    let passed = false;
    helmet(helmetOptions(CSP))({} as IncomingMessage, byHelmet, () => {
      passed = true;
    });
    const ahead = response();
    securityHeaders(CSP)(ahead as unknown as Response);

    expect(passed).toBe(true);
    expect(headersOf(ahead)).toEqual(headersOf(byHelmet));
    expect(ahead.getHeader('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none'",
    );
    expect(ahead.hasHeader('x-powered-by')).toBe(false);
  });

  it('refuses at start-up a policy helmet refuses', () => {
    expect(() => securityHeaders({ defaultSrc: ["'self'", 'none'] })).toThrow();
  });
});
