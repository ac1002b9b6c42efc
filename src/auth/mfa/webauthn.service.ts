import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import Redis from 'ioredis';
import { Repository } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { WebauthnCredentialEntity } from '../entities/webauthn-credential.entity';
import { SessionService } from '../sessions/session.service';

const CEREMONY_TIMEOUT_MS = 300_000;
const MAX_PASSKEYS = 20;

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const view = (c: WebauthnCredentialEntity): PasskeyView => ({
  id: c.id,
  name: c.name,
  createdAt: c.createdAt.toISOString(),
  lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
});

/**
 * Passkeys (WebAuthn) as a second factor: enrolment of several named passkeys per user, and the
 * login step. Challenges live in Redis and are taken (GETDEL) by the one verification they serve;
 * signature counters must grow for authenticators that count.
 */
@Injectable()
export class WebauthnService {
  private readonly logger = new Logger(WebauthnService.name);

  constructor(
    @InjectRepository(WebauthnCredentialEntity)
    private readonly credentials: Repository<WebauthnCredentialEntity>,
    @InjectRepository(AdminUserEntity) private readonly users: Repository<AdminUserEntity>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async registrationOptions(userId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.users.findOneByOrFail({ id: userId });
    const existing = await this.credentials.findBy({ userId });
    const options = await generateRegistrationOptions({
      rpName: this.config.auth.webauthn.rpName,
      rpID: this.config.auth.webauthn.rpId,
      userName: user.email,
      userID: Buffer.from(user.id.replace(/-/g, ''), 'hex'),
      attestationType: 'none',
      timeout: CEREMONY_TIMEOUT_MS,
      excludeCredentials: existing.map((c) => ({
        id: c.credentialId,
        transports: c.transports as AuthenticatorTransportFuture[],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.redis.set(
      this.key('register', userId),
      options.challenge,
      'PX',
      CEREMONY_TIMEOUT_MS,
    );
    return options;
  }

  async register(
    ctx: RequestContext,
    userId: string,
    name: string,
    response: RegistrationResponseJSON,
  ): Promise<PasskeyView> {
    const challenge = await this.redis.getdel(this.key('register', userId));
    const refused = new AuthError(
      AuthErrorCode.PasskeyRefused,
      'The passkey could not be verified; start again with register/options.',
    );
    if (!challenge) {
      throw refused;
    }
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.config.auth.webauthn.origins,
      expectedRPID: this.config.auth.webauthn.rpId,
      requireUserVerification: false,
    }).catch((e: Error) => {
      this.logger.debug(`Passkey registration refused: ${e.message}`);
      return undefined;
    });
    if (!verification?.verified) {
      await this.audit.record(ctx, {
        action: 'auth.mfa.webauthn.register',
        outcome: 'failure',
        target: { type: 'user', id: userId },
      });
      throw refused;
    }
    const { credential } = verification.registrationInfo;
    return this.credentials.manager.transaction(async (m) => {
      await m.findOne(AdminUserEntity, {
        where: { id: userId },
        lock: { mode: 'pessimistic_write' },
      });
      if ((await m.countBy(WebauthnCredentialEntity, { userId })) >= MAX_PASSKEYS) {
        throw new AuthError(
          AuthErrorCode.TooManyPasskeys,
          `A user has at most ${MAX_PASSKEYS} passkeys; remove one first.`,
        );
      }
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(WebauthnCredentialEntity)
        .values({
          userId,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports ?? [],
          name,
        })
        .orIgnore()
        .returning('id')
        .execute();
      const row = (inserted.raw as Array<{ id: string }>)[0];
      if (!row) {
        throw new AuthError(AuthErrorCode.PasskeyTaken, 'This passkey is registered already.');
      }
      await this.sessions.publishAccess(userId, m);
      await this.audit.record(
        ctx,
        {
          action: 'auth.mfa.webauthn.register',
          target: { type: 'user', id: userId },
          details: { passkey: row.id },
        },
        m,
      );
      return view(await m.findOneByOrFail(WebauthnCredentialEntity, { id: row.id }));
    });
  }

  async list(userId: string): Promise<PasskeyView[]> {
    const rows = await this.credentials.find({ where: { userId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async remove(ctx: RequestContext, userId: string, id: string): Promise<void> {
    await this.credentials.manager.transaction(async (m) => {
      const removed = await m.delete(WebauthnCredentialEntity, { id, userId });
      if (removed.affected !== 1) {
        throw new AuthError(AuthErrorCode.PasskeyNotFound, 'No such passkey.');
      }
      await this.sessions.publishAccess(userId, m);
      await this.audit.record(
        ctx,
        {
          action: 'auth.mfa.webauthn.remove',
          target: { type: 'user', id: userId },
          details: { passkey: id },
        },
        m,
      );
    });
  }

  async hasPasskey(userId: string): Promise<boolean> {
    return this.credentials.existsBy({ userId });
  }

  /** Options for the login step; the challenge belongs to this one MFA token. */
  async authenticationOptions(
    userId: string,
    mfaTokenId: string,
    ttlSeconds: number,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const existing = await this.credentials.findBy({ userId });
    if (existing.length === 0) {
      throw new AuthError(AuthErrorCode.PasskeyNotFound, 'The user has no passkey.');
    }
    const options = await generateAuthenticationOptions({
      rpID: this.config.auth.webauthn.rpId,
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification: 'preferred',
      allowCredentials: existing.map((c) => ({
        id: c.credentialId,
        transports: c.transports as AuthenticatorTransportFuture[],
      })),
    });
    await this.redis.set(this.key('login', mfaTokenId), options.challenge, 'EX', ttlSeconds);
    return options;
  }

  /** Whether the assertion proves one of the user's passkeys; its counter moves forward. */
  async verifyAuthentication(
    userId: string,
    mfaTokenId: string,
    response: AuthenticationResponseJSON,
  ): Promise<boolean> {
    const challenge = await this.redis.getdel(this.key('login', mfaTokenId));
    const stored = await this.credentials.findOneBy({ userId, credentialId: response.id });
    if (!challenge || !stored) {
      return false;
    }
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.config.auth.webauthn.origins,
      expectedRPID: this.config.auth.webauthn.rpId,
      requireUserVerification: false,
      credential: {
        id: stored.credentialId,
        publicKey: new Uint8Array(stored.publicKey),
        counter: stored.counter,
        transports: stored.transports as AuthenticatorTransportFuture[],
      },
    }).catch((e: Error) => {
      // A counter that did not grow (a cloned authenticator) lands here too.
      this.logger.debug(`Passkey assertion refused: ${e.message}`);
      return undefined;
    });
    if (!verification?.verified) {
      return false;
    }
    // Compared with the counter read above, so two concurrent assertions cannot both pass.
    const moved = await this.credentials.update(
      { id: stored.id, counter: stored.counter },
      { counter: verification.authenticationInfo.newCounter, lastUsedAt: new Date() },
    );
    return moved.affected === 1;
  }

  private key(kind: 'register' | 'login', id: string): string {
    return `${this.config.redis.prefix}:webauthn-${kind}:${id}`;
  }
}
