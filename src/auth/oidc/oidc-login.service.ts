import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { QueryFailedError, Repository } from 'typeorm';
import { ROLES, Role } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/queue/redis.module';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { IssuedToken, SessionService } from '../sessions/session.service';
import { OidcClient } from './oidc-client';

/** How long a browser has to come back from the provider, and to collect its tokens after. */
const ATTEMPT_TTL_SECONDS = 600;
const HANDOFF_TTL_SECONDS = 60;
/** Stands in for the password of users who only sign in through the provider. */
const NO_PASSWORD = '!oidc';

/** The roles a claim grants: an array or a space/comma separated string of role names. */
export function rolesFromClaims(claims: Record<string, unknown>, path: string): Role[] {
  const direct = claims[path];
  const value =
    direct !== undefined
      ? direct
      : path
          .split('.')
          .reduce<unknown>(
            (node, key) =>
              node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
            claims,
          );
  const names = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/[\s,]+/)
      : [];
  return ROLES.filter((role) => names.includes(role));
}

function isUniqueViolation(e: unknown): boolean {
  return (
    e instanceof QueryFailedError &&
    (e.driverError as { code?: unknown } | undefined)?.code === '23505'
  );
}

/**
 * Single sign-on: each login maps the provider's roles claim onto the user (provisioning the user
 * on first login), then opens a session. Attempts (state, nonce, PKCE verifier) are kept in Redis
 * under their state and bound to the browser by a cookie holding that state.
 */
@Injectable()
export class OidcLoginService {
  constructor(
    private readonly client: OidcClient,
    @InjectRepository(AdminUserEntity) private readonly users: Repository<AdminUserEntity>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  get attemptTtlSeconds(): number {
    return ATTEMPT_TTL_SECONDS;
  }

  get handoffTtlSeconds(): number {
    return HANDOFF_TTL_SECONDS;
  }

  /** The provider URL to send the browser to, and the state its cookie must carry back. */
  async start(loginHint?: string): Promise<{ url: string; state: string }> {
    const attempt = await this.client.start(loginHint);
    await this.redis.set(
      this.key('attempt', attempt.state),
      JSON.stringify({ nonce: attempt.nonce, codeVerifier: attempt.codeVerifier }),
      'EX',
      ATTEMPT_TTL_SECONDS,
    );
    return { url: attempt.url, state: attempt.state };
  }

  /**
   * Completes the provider's redirect. `cookieState` is the state the browser's cookie holds: a
   * callback that another browser started (login CSRF) is refused.
   */
  async callback(
    ctx: RequestContext,
    params: Record<string, string>,
    cookieState: string | undefined,
  ): Promise<AdminUserEntity> {
    const refused = new AuthError(
      AuthErrorCode.OidcRefused,
      'The sign-in could not be completed; start again.',
    );
    const state = params.state;
    if (!state || !cookieState || state !== cookieState) {
      await this.audit.record(ctx, {
        action: 'auth.oidc.login',
        outcome: 'failure',
        details: { reason: 'state_mismatch' },
      });
      throw refused;
    }
    const stored = await this.redis.getdel(this.key('attempt', state));
    if (!stored) {
      throw refused;
    }
    const expected = JSON.parse(stored) as { nonce: string; codeVerifier: string };
    const claims = await this.client.finish(params, { state, ...expected });
    const oidc = this.config.auth.oidc;
    const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
    if (!oidc || !sub) {
      throw refused;
    }
    const roles = rolesFromClaims(claims, oidc.rolesClaim);
    const email =
      typeof claims.email === 'string' && claims.email_verified !== false
        ? claims.email.trim().toLowerCase()
        : undefined;
    const subject = `${oidc.issuer} ${sub}`;
    if (roles.length === 0) {
      await this.refuseWithoutRole(ctx, subject);
      throw new AuthError(
        AuthErrorCode.OidcNoAccess,
        `The identity provider grants no role of this service (claim ${oidc.rolesClaim}).`,
      );
    }
    if (!email) {
      await this.audit.record(ctx, {
        action: 'auth.oidc.login',
        outcome: 'denied',
        details: { reason: 'no_verified_email' },
      });
      throw new AuthError(
        AuthErrorCode.OidcNoAccess,
        'The identity provider gave no verified e-mail address.',
      );
    }
    try {
      return await this.upsert(ctx, subject, email, roles);
    } catch (e) {
      // Two first logins of one user race to create it: the loser finds the winner's row.
      if (!isUniqueViolation(e)) {
        throw e;
      }
      return this.upsert(ctx, subject, email, roles);
    }
  }

  /**
   * The provider no longer grants this user any role: the refusal also ends the sessions the user
   * still has and removes the password of an account linked by e-mail, so losing every role at the
   * provider locks the user out of every way in (an admin's password reset lets them back).
   */
  private async refuseWithoutRole(ctx: RequestContext, subject: string): Promise<void> {
    await this.users.manager.transaction(async (m) => {
      const user = await m.findOne(AdminUserEntity, {
        where: { oidcSubject: subject },
        lock: { mode: 'pessimistic_write' },
      });
      const ended = user ? await this.sessions.end(user.id, 'no_role', {}, m) : [];
      const passwordRemoved = !!user && user.passwordHash !== NO_PASSWORD;
      if (passwordRemoved) {
        await m.update(AdminUserEntity, { id: user.id }, { passwordHash: NO_PASSWORD });
      }
      await this.audit.record(
        ctx,
        {
          action: 'auth.oidc.login',
          outcome: 'denied',
          ...(user ? { actor: { type: 'user' as const, id: user.id } } : {}),
          details: {
            reason: 'no_role',
            ...(user ? { sessionsEnded: ended.length } : {}),
            ...(passwordRemoved ? { passwordRemoved } : {}),
          },
        },
        m,
      );
    });
  }

  /** A single-use code the browser trades for its tokens (kept out of every URL). */
  async handoff(userId: string): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.redis.set(this.key('handoff', code), userId, 'EX', HANDOFF_TTL_SECONDS);
    return code;
  }

  async exchange(ctx: RequestContext, code: string | undefined): Promise<IssuedToken> {
    const userId = code ? await this.redis.getdel(this.key('handoff', code)) : null;
    const user = userId ? await this.users.findOneBy({ id: userId }) : null;
    if (!user || user.disabledAt) {
      throw new AuthError(
        AuthErrorCode.OidcRefused,
        'No sign-in is waiting for this browser; start again.',
      );
    }
    return this.openSession(ctx, user);
  }

  async openSession(ctx: RequestContext, user: AdminUserEntity): Promise<IssuedToken> {
    const issued = await this.sessions.open(ctx, user, 'oidc');
    await this.audit.record(ctx, {
      action: 'auth.oidc.login',
      actor: { type: 'user', id: user.id },
    });
    return issued;
  }

  /** Finds the user by subject (else by e-mail, then linked), provisions it, sets its roles. */
  private async upsert(
    ctx: RequestContext,
    subject: string,
    email: string,
    roles: Role[],
  ): Promise<AdminUserEntity> {
    const user = await this.users.manager.transaction(async (m) => {
      const found =
        (await m.findOne(AdminUserEntity, {
          where: { oidcSubject: subject },
          lock: { mode: 'pessimistic_write' },
        })) ??
        (await m.findOne(AdminUserEntity, {
          where: { email },
          lock: { mode: 'pessimistic_write' },
        }));
      if (found?.oidcSubject && found.oidcSubject !== subject) {
        throw new AuthError(
          AuthErrorCode.OidcNoAccess,
          'This e-mail address belongs to another single sign-on account.',
        );
      }
      if (!found) {
        const created = await m.save(
          m.create(AdminUserEntity, {
            email,
            passwordHash: NO_PASSWORD,
            roles,
            oidcSubject: subject,
          }),
        );
        await this.audit.record(
          ctx,
          {
            action: 'admin.user.create',
            actor: { type: 'system', id: null },
            target: { type: 'user', id: created.id },
            details: { roles, via: 'oidc' },
          },
          m,
        );
        return created;
      }
      const changed =
        found.oidcSubject !== subject ||
        found.roles.length !== roles.length ||
        roles.some((r) => !found.roles.includes(r));
      if (changed) {
        await m.update(AdminUserEntity, { id: found.id }, { roles, oidcSubject: subject });
        await this.sessions.publishAccess(found.id, m);
        await this.audit.record(
          ctx,
          {
            action: 'admin.user.update',
            actor: { type: 'system', id: null },
            target: { type: 'user', id: found.id },
            details: { roles, previousRoles: found.roles, via: 'oidc' },
          },
          m,
        );
      }
      return m.findOneByOrFail(AdminUserEntity, { id: found.id });
    });
    if (user.disabledAt) {
      await this.audit.record(ctx, {
        action: 'auth.oidc.login',
        outcome: 'denied',
        actor: { type: 'user', id: user.id },
        details: { reason: 'disabled' },
      });
      throw new AuthError(AuthErrorCode.OidcNoAccess, 'This user is disabled.');
    }
    return user;
  }

  private key(kind: 'attempt' | 'handoff', id: string): string {
    return `${this.config.redis.prefix}:oidc-${kind}:${id}`;
  }
}
