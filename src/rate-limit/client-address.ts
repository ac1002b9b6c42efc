import type { Request } from 'express';

/** The client's address as Express sees it (behind TRUST_PROXY, from X-Forwarded-For). */
export const clientAddress = (req: Request): string => req.ip ?? 'unknown';
