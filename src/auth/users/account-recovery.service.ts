import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { LoginThrottle } from 'src/rate-limit/login-throttle';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { MfaBackupCodeEntity } from '../entities/mfa-backup-code.entity';
import { PasswordHasher } from '../passwords/password-hasher';
import { SessionService } from '../sessions/session.service';

/**
 * What an operator does for a person locked out of the console: a new password, a second factor
 * taken away (to enrol again), the failed-login delays cleared and the account enabled. Each ends
 * the user's sessions where access changed, and is audited with counts and ids only.
 */
@Injectable()
export class AccountRecoveryService {
  constructor(
    @InjectRepository(AdminUserEntity) private readonly users: Repository<AdminUserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async resetPassword(ctx: RequestContext, email: string, password: string): Promise<string> {
    const passwordHash = await this.hasher.hash(password);
    return this.changeUser(ctx, email, 'admin.user.password_reset', async (m, user) => {
      await m.update(AdminUserEntity, { id: user.id }, { passwordHash });
      await this.sessions.end(user.id, 'password', {}, m);
    });
  }

  /** The user logs in with the password alone and enrols a new factor (MFA_REQUIRED insists). */
  async resetMfa(ctx: RequestContext, email: string): Promise<string> {
    return this.changeUser(ctx, email, 'admin.user.mfa_reset', async (m, user) => {
      await m.update(
        AdminUserEntity,
        { id: user.id },
        { totpSecret: null, totpPendingSecret: null },
      );
      await m.delete(MfaBackupCodeEntity, { userId: user.id });
      await this.sessions.end(user.id, 'admin', {}, m);
      await this.sessions.publishAccess(user.id, m);
    });
  }

  /** Clears the account's failed-login delays and lifts a disable. */
  async unlock(ctx: RequestContext, email: string): Promise<string> {
    const id = await this.changeUser(ctx, email, 'admin.user.unlock', async (m, user) => {
      await m.update(AdminUserEntity, { id: user.id }, { disabledAt: null });
      await this.sessions.publishAccess(user.id, m);
    });
    // The login throttle names an account by its e-mail, and an MFA step by its user.
    await this.throttle.clearAccount(`email:${email.trim().toLowerCase()}`);
    await this.throttle.clearAccount(`user:${id}`);
    return id;
  }

  private async changeUser(
    ctx: RequestContext,
    email: string,
    action: string,
    change: (m: Repository<AdminUserEntity>['manager'], user: AdminUserEntity) => Promise<void>,
  ): Promise<string> {
    return this.users.manager.transaction(async (m) => {
      const user = await m.findOne(AdminUserEntity, {
        where: { email: email.trim().toLowerCase() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) {
        throw new AuthError(AuthErrorCode.UserNotFound, 'No such user.');
      }
      await change(m, user);
      await this.audit.record(ctx, { action, target: { type: 'user', id: user.id } }, m);
      return user.id;
    });
  }
}
