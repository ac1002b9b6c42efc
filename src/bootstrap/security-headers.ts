import type { Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A header helmet sets (name and value) or removes (name). */
type HeaderStep = readonly [string, string] | string;

/** Sets a policy's security headers on a response. */
export type SecurityHeaders = (res: Response) => void;

/** The service's helmet settings around a Content-Security-Policy. */
export function helmetOptions(csp: Record<string, string[]>): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: csp },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    noSniff: true,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
}

/**
 * helmet's headers for a Content-Security-Policy, worked out once. helmet sets the same values on
 * every answer (no nonce here), but through a chain of a dozen middleware per request; its steps
 * are recorded at start-up and replayed in the same order, so answers carry the same headers.
 */
export function securityHeaders(csp: Record<string, string[]>): SecurityHeaders {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => steps.push([name, value]),
    removeHeader: (name: string) => steps.push(name),
  };
  let ready = false;
  helmet(helmetOptions(csp))(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      ready = error === undefined;
    },
  );
  if (!ready) {
    throw new Error('helmet did not set its headers at once: they cannot be worked out ahead');
  }
  return (res) => {
    for (const step of steps) {
      if (typeof step === 'string') {
        res.removeHeader(step);
      } else {
        res.setHeader(step[0], step[1]);
      }
    }
  };
}
