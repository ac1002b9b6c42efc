import type { RequestContext } from './request-context.decorator';

export const ROLES = ['admin', 'dpo', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  'consent:read',
  'consent:write',
  'crypto:encrypt',
  'crypto:decrypt',
  'dlp:scan',
  'requests:read',
  'requests:write',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: an admin user (with roles) or a product backend's API key (with scopes). */
export type Caller =
  | {
      kind: 'user';
      id: string;
      roles: Role[];
      sessionId: string;
      /** MFA_REQUIRED and no second factor yet: only second-factor enrolment is open. */
      mfaPending?: true;
    }
  | {
      kind: 'apiKey';
      id: string;
      scopes: Scope[];
      /** Keyring aliases its crypto calls are limited to; null: every alias. */
      keyAliases: string[] | null;
      /** The key's own requests per minute; null or absent: the configured default. */
      rateLimitPerMinute?: number | null;
    };

/** Who an audit event or a ledger entry names: the caller, the service itself, or nobody known. */
export function actorOf(ctx: RequestContext): { type: string; id: string | null } {
  if (ctx.system) {
    return { type: 'system', id: null };
  }
  const caller = ctx.caller;
  if (!caller) {
    return { type: 'anonymous', id: null };
  }
  return { type: caller.kind === 'user' ? 'user' : 'api_key', id: caller.id };
}
