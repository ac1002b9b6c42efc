import { Inject, Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { ValidationFailed } from 'src/common/http/validation-failed';
import Redis from 'ioredis';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from './auth.error';
import { MfaService } from './mfa/mfa.service';
import { WebauthnService } from './mfa/webauthn.service';
import { AdminUserEntity } from './entities/admin-user.entity';
import { PasswordHasher } from './passwords/password-hasher';
import { IssuedToken, SessionService } from './sessions/session.service';
import { AccessTokenService } from './tokens/access-token.service';
import { AdminUsersService } from './users/admin-users.service';

export type LoginResult =
  | IssuedToken
  | (IssuedToken & { mfaEnrolmentRequired: true })
  | { mfaRequired: true; mfaToken: string; mfaMethods: Array<'totp' | 'webauthn'> };

const BAD_CREDENTIALS = 'The e-mail address or password is not correct.';
const BAD_MFA_TOKEN = 'The MFA token is not valid or has expired.';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: AdminUsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly tokens: AccessTokenService,
    private readonly mfa: MfaService,
    private readonly webauthn: WebauthnService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Unknown user and wrong password take the same time and give the same answer. */
  async login(ctx: RequestContext, email: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByEmail(email);
    const ok = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !ok || user.disabledAt) {
      await this.audit.record(ctx, {
        action: 'auth.login',
        outcome: 'failure',
        actor: { type: 'user', id: user?.id ?? null },
        details: { reason: user && ok ? 'disabled' : 'invalid_credentials' },
      });
      // A disabled user gets the answer of a wrong password: logins tell nothing about accounts.
      throw new AuthError(AuthErrorCode.InvalidCredentials, BAD_CREDENTIALS);
    }
    const methods = await this.secondFactors(user);
    if (methods.length > 0) {
      await this.audit.record(ctx, {
        action: 'auth.login',
        actor: { type: 'user', id: user.id },
        details: { step: 'mfa_required' },
      });
      return {
        mfaRequired: true,
        mfaToken: await this.tokens.signMfa(user.id),
        mfaMethods: methods,
      };
    }
    const issued = await this.sessions.open(ctx, user, 'password');
    await this.audit.record(ctx, { action: 'auth.login', actor: { type: 'user', id: user.id } });
    return this.config.auth.mfaRequired ? { ...issued, mfaEnrolmentRequired: true } : issued;
  }

  /** Passkey options for the login step of this MFA token. */
  async webauthnOptions(mfaToken: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { user, claims } = await this.pendingMfa(mfaToken);
    return this.webauthn.authenticationOptions(
      user.id,
      claims.jti,
      Math.max(1, claims.expiresAt - Math.floor(Date.now() / 1000)),
    );
  }

  /** Ends the login with a TOTP code, a backup code or a passkey assertion. */
  async verifyMfa(
    ctx: RequestContext,
    mfaToken: string,
    proof: { code?: string; webauthn?: AuthenticationResponseJSON },
  ): Promise<IssuedToken> {
    if ((proof.code === undefined) === (proof.webauthn === undefined)) {
      throw new ValidationFailed([
        { field: 'code', message: 'give exactly one of code and webauthn' },
      ]);
    }
    const { user, claims } = await this.pendingMfa(mfaToken);
    const usedKey = `${this.config.redis.prefix}:mfa-token-used:${claims.jti}`;
    // Checked before the code, so replaying a spent token cannot burn a backup code.
    if (await this.redis.exists(usedKey)) {
      throw new AuthError(AuthErrorCode.InvalidMfaToken, BAD_MFA_TOKEN);
    }
    let method: 'totp' | 'backup' | 'webauthn' | undefined;
    if (proof.webauthn) {
      method = (await this.webauthn.verifyAuthentication(user.id, claims.jti, proof.webauthn))
        ? 'webauthn'
        : undefined;
    } else if (proof.code && user.totpSecret) {
      method = await this.mfa.verifyCode(user.id, user.totpSecret, proof.code);
    }
    const actor = { type: 'user', id: user.id };
    if (!method) {
      await this.audit.record(ctx, { action: 'auth.mfa.verify', outcome: 'failure', actor });
      throw new AuthError(
        AuthErrorCode.InvalidMfaCode,
        proof.webauthn ? 'The passkey assertion is not valid.' : 'The code is not valid.',
      );
    }
    // An MFA token opens one session only.
    const ttl = Math.max(1, claims.expiresAt - Math.floor(Date.now() / 1000));
    const first = await this.redis.set(usedKey, '1', 'EX', ttl, 'NX');
    if (first !== 'OK') {
      throw new AuthError(AuthErrorCode.InvalidMfaToken, BAD_MFA_TOKEN);
    }
    const issued = await this.sessions.open(ctx, user, 'mfa');
    await this.audit.record(ctx, { action: 'auth.mfa.verify', actor, details: { method } });
    return issued;
  }

  async refresh(ctx: RequestContext, refreshToken: string): Promise<IssuedToken> {
    try {
      const { issued, userId } = await this.sessions.refresh(refreshToken);
      await this.audit.record(ctx, {
        action: 'auth.refresh',
        actor: { type: 'user', id: userId },
      });
      return issued;
    } catch (e) {
      if (e instanceof AuthError) {
        await this.audit.record(ctx, { action: 'auth.refresh', outcome: 'failure' });
      }
      throw e;
    }
  }

  private async pendingMfa(
    mfaToken: string,
  ): Promise<{ user: AdminUserEntity; claims: { jti: string; expiresAt: number } }> {
    const claims = await this.tokens.verifyMfa(mfaToken);
    const user = claims ? await this.users.findById(claims.userId) : null;
    if (!claims || !user || user.disabledAt || (await this.secondFactors(user)).length === 0) {
      throw new AuthError(AuthErrorCode.InvalidMfaToken, BAD_MFA_TOKEN);
    }
    return { user, claims };
  }

  private async secondFactors(user: AdminUserEntity): Promise<Array<'totp' | 'webauthn'>> {
    const methods: Array<'totp' | 'webauthn'> = user.totpSecret ? ['totp'] : [];
    return (await this.webauthn.hasPasskey(user.id)) ? [...methods, 'webauthn'] : methods;
  }

  async logout(ctx: RequestContext, userId: string, sessionId: string): Promise<void> {
    await this.sessions.end(userId, 'logout', { only: sessionId });
    await this.audit.record(ctx, {
      action: 'auth.logout',
      target: { type: 'session', id: sessionId },
    });
  }
}
