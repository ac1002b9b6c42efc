import type { NextFunction, Request, Response } from 'express';

/**
 * Every `/v1` answer may carry a token, a new API key, a webhook secret or decrypted values, so
 * none is kept by a browser or a shared cache. Public keys (`/v1/.well-known/jwks.json`, a
 * keyring's `public-keys`) set their own cacheable header on success, which replaces this one;
 * docs (`/docs`) are outside `/v1`. Routes match whatever the case of the path (`/V1/auth/login`
 * reaches the login), so the path is compared in lower case.
 */
export function noStoreMiddleware(req: Request, res: Response, next: NextFunction): void {
  const path = req.path.toLowerCase();
  if (path === '/v1' || path.startsWith('/v1/')) {
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
}
