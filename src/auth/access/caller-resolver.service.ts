import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Caller } from 'src/common/access/caller';
import { AppConfig } from 'src/config/app-config';
import { API_KEY_PREFIX, ApiKeysService } from '../api-keys/api-keys.service';
import type { ApiKeyEntity } from '../entities/api-key.entity';
import { SessionService } from '../sessions/session.service';
import { AccessTokenService } from '../tokens/access-token.service';

/** A caller known at once (an API key in the in-process cache, or no credential) or later. */
export type CallerOrPending = Caller | undefined | Promise<Caller | undefined>;

const credentialOf = (authorization: string | undefined): string | undefined =>
  /^Bearer\s+(\S{1,2048})\s*$/i.exec(authorization ?? '')?.[1];

const apiKeyCaller = (key: ApiKeyEntity | undefined): Caller | undefined =>
  key
    ? {
        kind: 'apiKey',
        id: key.id,
        scopes: key.scopes,
        keyAliases: key.keyAliases,
        rateLimitPerMinute: key.rateLimitPerMinute,
      }
    : undefined;

/** Turns an Authorization header into a caller: an API key or a user's access token. */
@Injectable()
export class CallerResolver {
  /** Beside the request, not on it: see `attachCaller`. */
  private readonly resolved = new WeakMap<Request, CallerOrPending>();

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: AccessTokenService,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The request's caller, resolved once however many guards ask (the rate limiter identifies
   * the caller before the access guard decides). No promise when the answer is known at once:
   * with request-scoped async context on, every promise and await costs a hook call.
   */
  forRequest(req: Request): CallerOrPending {
    if (this.resolved.has(req)) {
      return this.resolved.get(req);
    }
    const caller = this.identify(req.headers.authorization);
    this.resolved.set(req, caller);
    return caller;
  }

  async resolve(authorization: string | undefined): Promise<Caller | undefined> {
    return this.identify(authorization);
  }

  private identify(authorization: string | undefined): CallerOrPending {
    const credential = credentialOf(authorization);
    if (credential === undefined) {
      return undefined;
    }
    if (credential.startsWith(API_KEY_PREFIX)) {
      const key = this.apiKeys.authenticate(credential);
      return key instanceof Promise ? key.then(apiKeyCaller) : apiKeyCaller(key);
    }
    return this.userOf(credential);
  }

  private async userOf(credential: string): Promise<Caller | undefined> {
    const claims = await this.tokens.verifyAccess(credential);
    const session = claims && (await this.sessions.resolve(claims.sessionId, claims.userId));
    if (!claims || !session) {
      return undefined;
    }
    // Roles as they are now, not as they were when the token was signed. Single sign-on leaves
    // the second factor to the identity provider.
    const mfaPending =
      this.config.auth.mfaRequired && !session.secondFactor && session.method !== 'oidc';
    return {
      kind: 'user',
      id: claims.userId,
      roles: session.roles,
      sessionId: claims.sessionId,
      ...(mfaPending ? { mfaPending: true } : {}),
    };
  }
}
