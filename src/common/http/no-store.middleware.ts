import type { NextFunction, Request, Response } from 'express';

/**
 * Every `/v1` answer may carry a token, a new API key, a webhook secret or decrypted values, so
 * none is kept by a browser or a shared cache. Public keys (`/v1/.well-known/jwks.json`, a
 * keyring's `public-keys`) set their own cacheable header on success, which replaces this one;
 * docs (`/docs`) are outside `/v1`.
 */
export function noStoreMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (req.path === '/v1' || req.path.startsWith('/v1/')) {
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
}
