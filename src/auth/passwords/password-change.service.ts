import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { SessionService } from '../sessions/session.service';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';

const RESET_TTL_MS = 24 * 3600 * 1000;
/** Stands in for the password while a reset is pending: no password verifies against it. */
const RESET_PENDING = '!reset-pending';
const RESET_TOKEN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Self-service password change, and the admin-initiated reset with its single-use token. */
@Injectable()
export class PasswordChangeService {
  constructor(
    @InjectRepository(AdminUserEntity) private readonly users: Repository<AdminUserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /** Needs the current password; every other session of the user ends. */
  async change(
    ctx: RequestContext,
    userId: string,
    sessionId: string,
    current: string,
    next: string,
  ): Promise<void> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (!(await this.hasher.verify(current, user.passwordHash))) {
      await this.audit.record(ctx, {
        action: 'auth.password.change',
        outcome: 'failure',
        target: { type: 'user', id: userId },
        details: { reason: 'wrong_current_password' },
      });
      throw new AuthError(AuthErrorCode.WrongPassword, 'The current password is not correct.', [
        { field: 'currentPassword', message: 'The current password is not correct.' },
      ]);
    }
    this.policy.assert(next, user.email, 'newPassword');
    await this.setPassword(userId, next);
    await this.sessions.end(userId, 'password', { except: sessionId });
    await this.audit.record(ctx, {
      action: 'auth.password.change',
      target: { type: 'user', id: userId },
    });
  }

  /**
   * Starts a reset: the old password stops working, every session ends, and a single-use token
   * valid for 24 hours is returned once, for the admin to hand over.
   */
  async startReset(
    ctx: RequestContext,
    userId: string,
  ): Promise<{ resetToken: string; expiresAt: string }> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + RESET_TTL_MS);
    const changed = await this.users.update(
      { id: userId },
      {
        passwordHash: RESET_PENDING,
        passwordResetHash: sha256(secret),
        passwordResetExpiresAt: expiresAt,
      },
    );
    if (changed.affected !== 1) {
      throw new AuthError(AuthErrorCode.UserNotFound, 'No such user.');
    }
    await this.sessions.end(userId, 'password');
    await this.audit.record(ctx, {
      action: 'admin.user.password_reset',
      target: { type: 'user', id: userId },
    });
    return { resetToken: `${userId}.${secret}`, expiresAt: expiresAt.toISOString() };
  }

  /** Sets the new password with a reset token, which is then spent. */
  async completeReset(ctx: RequestContext, resetToken: string, next: string): Promise<void> {
    const match = RESET_TOKEN.exec(resetToken);
    const user = match ? await this.users.findOneBy({ id: match[1] }) : null;
    const pending = user?.passwordResetHash;
    const valid =
      match &&
      pending &&
      user.passwordResetExpiresAt &&
      user.passwordResetExpiresAt.getTime() > Date.now() &&
      pending.equals(sha256(match[2]));
    if (!valid || !user || !pending) {
      await this.audit.record(ctx, { action: 'auth.password.reset', outcome: 'failure' });
      throw new AuthError(
        AuthErrorCode.InvalidResetToken,
        'The reset token is not valid, has been used or has expired.',
      );
    }
    this.policy.assert(next, user.email, 'newPassword');
    const passwordHash = await this.hasher.hash(next);
    const spent = await this.users.update(
      { id: user.id, passwordResetHash: pending },
      {
        passwordHash,
        passwordResetHash: null,
        passwordResetExpiresAt: null,
        passwordChangedAt: new Date(),
      },
    );
    if (spent.affected !== 1) {
      throw new AuthError(
        AuthErrorCode.InvalidResetToken,
        'The reset token is not valid, has been used or has expired.',
      );
    }
    await this.audit.record(ctx, {
      action: 'auth.password.reset',
      actor: { type: 'user', id: user.id },
    });
  }

  private async setPassword(userId: string, password: string): Promise<void> {
    await this.users.update(
      { id: userId },
      {
        passwordHash: await this.hasher.hash(password),
        passwordResetHash: null,
        passwordResetExpiresAt: null,
        passwordChangedAt: new Date(),
      },
    );
  }
}
