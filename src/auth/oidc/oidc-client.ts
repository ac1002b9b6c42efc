import { Injectable, Logger } from '@nestjs/common';
import { BaseClient, custom, generators, Issuer } from 'openid-client';
import { AppConfig } from 'src/config/app-config';
import { AuthError, AuthErrorCode } from '../auth.error';

/** What one login attempt must remember between the redirect and the callback. */
export interface OidcAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  url: string;
}

const HTTP_TIMEOUT_MS = 10_000;

/**
 * The OpenID Connect relying party (openid-client): authorization code flow with PKCE (S256),
 * state and nonce. The provider's discovery document is read on first use and kept; a failed read
 * is tried again on the next login.
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private client?: Promise<BaseClient>;

  constructor(private readonly config: AppConfig) {
    custom.setHttpOptionsDefaults({ timeout: HTTP_TIMEOUT_MS });
  }

  get enabled(): boolean {
    return this.config.auth.oidc !== null;
  }

  async start(loginHint?: string): Promise<OidcAttempt> {
    const oidc = this.settings();
    const client = await this.discovered();
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    const url = client.authorizationUrl({
      scope: oidc.scopes,
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return { state, nonce, codeVerifier, url };
  }

  /** Trades the code, checks state, nonce and the ID token; the claims of ID token and userinfo. */
  async finish(
    params: Record<string, string>,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Record<string, unknown>> {
    const oidc = this.settings();
    const client = await this.discovered();
    try {
      const tokens = await client.callback(oidc.redirectUri, params, {
        state: expected.state,
        nonce: expected.nonce,
        code_verifier: expected.codeVerifier,
      });
      const claims: Record<string, unknown> = { ...tokens.claims() };
      if (tokens.access_token && client.issuer.metadata.userinfo_endpoint) {
        const info = await client.userinfo(tokens.access_token);
        // The ID token's subject is authoritative; userinfo only adds claims.
        return info.sub === claims.sub ? { ...info, ...claims } : claims;
      }
      return claims;
    } catch (e) {
      this.logger.warn(`Single sign-on callback refused: ${(e as Error).name}`);
      throw new AuthError(AuthErrorCode.OidcRefused, 'The identity provider did not sign you in.');
    }
  }

  private settings(): NonNullable<AppConfig['auth']['oidc']> {
    const oidc = this.config.auth.oidc;
    if (!oidc) {
      throw new AuthError(AuthErrorCode.OidcNotConfigured, 'Single sign-on is not configured.');
    }
    return oidc;
  }

  private discovered(): Promise<BaseClient> {
    const oidc = this.settings();
    this.client ??= Issuer.discover(oidc.issuer).then(
      (issuer) =>
        new issuer.Client({
          client_id: oidc.clientId,
          ...(oidc.clientSecret
            ? { client_secret: oidc.clientSecret }
            : { token_endpoint_auth_method: 'none' }),
          redirect_uris: [oidc.redirectUri],
          response_types: ['code'],
        }),
    );
    return this.client.catch((e: Error) => {
      this.client = undefined;
      this.logger.warn(`OpenID provider discovery failed: ${e.name}`);
      throw new AuthError(
        AuthErrorCode.OidcUnavailable,
        'The identity provider cannot be reached; try again later.',
      );
    });
  }
}
