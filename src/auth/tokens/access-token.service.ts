import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ROLES, Role } from 'src/common/access/caller';
import { AppConfig } from 'src/config/app-config';

const ISSUER = 'privacy-service';
const MFA_TOKEN_TTL_SECONDS = 300;

export interface AccessClaims {
  userId: string;
  sessionId: string;
  roles: Role[];
}

/** Short-lived HS256 tokens: access tokens bound to a session, and the MFA step's token. */
@Injectable()
export class AccessTokenService {
  constructor(private readonly config: AppConfig) {}

  get accessTtlSeconds(): number {
    return this.config.auth.accessTokenTtlSeconds;
  }

  /**
   * `sid` names the session; roles are informative only: every request reads the user's current
   * roles through the session cache. `expiresAt` (epoch seconds) never outlives the session.
   */
  signAccess(claims: AccessClaims, expiresAt: number): Promise<string> {
    return new SignJWT({ sid: claims.sessionId, roles: claims.roles, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.config.auth.tokenSecret);
  }

  async verifyAccess(token: string): Promise<AccessClaims | undefined> {
    const payload = await this.verify(token, 'access');
    if (!payload || typeof payload.sid !== 'string' || !Array.isArray(payload.roles)) {
      return undefined;
    }
    const roles = payload.roles.filter((r): r is Role => ROLES.includes(r as Role));
    return { userId: payload.sub as string, sessionId: payload.sid, roles };
  }

  signMfa(userId: string): Promise<string> {
    return new SignJWT({ typ: 'mfa' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${MFA_TOKEN_TTL_SECONDS}s`)
      .sign(this.config.auth.tokenSecret);
  }

  async verifyMfa(
    token: string,
  ): Promise<{ userId: string; jti: string; expiresAt: number } | undefined> {
    const payload = await this.verify(token, 'mfa');
    if (!payload || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
      return undefined;
    }
    return { userId: payload.sub as string, jti: payload.jti, expiresAt: payload.exp };
  }

  private async verify(token: string, typ: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.config.auth.tokenSecret, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        // A token without an expiry would work forever; every token this service signs has one.
        requiredClaims: ['exp'],
      });
      return payload.typ === typ && typeof payload.sub === 'string' ? payload : undefined;
    } catch (e) {
      if (e instanceof errors.JOSEError) {
        return undefined;
      }
      throw e;
    }
  }
}
