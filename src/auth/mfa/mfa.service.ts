import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { MfaBackupCodeEntity } from '../entities/mfa-backup-code.entity';
import { SessionService } from '../sessions/session.service';
import { TotpService } from './totp.service';

/** What TOTP secrets are sealed under, each for its own user (`ServiceKeys.seal`). */
export const SECRET_LABEL = 'totp-secret';
const BACKUP_LABEL = 'mfa-backup-code';
const BACKUP_CODES = 10;
const BACKUP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

@Injectable()
export class MfaService {
  private readonly logger = new Logger(MfaService.name);

  constructor(
    @InjectRepository(AdminUserEntity) private readonly users: Repository<AdminUserEntity>,
    @InjectRepository(MfaBackupCodeEntity)
    private readonly backupCodes: Repository<MfaBackupCodeEntity>,
    private readonly totp: TotpService,
    private readonly keys: ServiceKeys,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
  ) {}

  async enroll(
    ctx: RequestContext,
    userId: string,
  ): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (user.totpSecret) {
      throw new AuthError(AuthErrorCode.MfaAlreadyEnabled, 'MFA is already enabled for this user.');
    }
    const secret = this.totp.generateSecret();
    await this.users.update(
      { id: userId },
      { totpPendingSecret: this.keys.seal(SECRET_LABEL, secret, userId) },
    );
    await this.audit.record(ctx, {
      action: 'auth.mfa.enroll',
      target: { type: 'user', id: userId },
    });
    return { secret, otpauthUrl: this.totp.otpauthUrl(user.email, secret) };
  }

  async confirm(
    ctx: RequestContext,
    userId: string,
    code: string,
  ): Promise<{ backupCodes: string[] }> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (!user.totpPendingSecret) {
      throw new AuthError(AuthErrorCode.MfaNotPending, 'Start with POST /v1/auth/mfa/totp/enroll.');
    }
    const secret = this.secretOf(userId, user.totpPendingSecret);
    if (secret === undefined || !(await this.totp.check(userId, secret, code))) {
      await this.audit.record(ctx, {
        action: 'auth.mfa.confirm',
        outcome: 'failure',
        target: { type: 'user', id: userId },
      });
      throw new AuthError(AuthErrorCode.InvalidMfaCode, 'The code is not valid.');
    }
    const codes = Array.from({ length: BACKUP_CODES }, () => this.newBackupCode());
    await this.users.manager.transaction(async (m) => {
      await m.update(
        AdminUserEntity,
        { id: userId },
        { totpSecret: user.totpPendingSecret, totpPendingSecret: null },
      );
      await m.delete(MfaBackupCodeEntity, { userId });
      await m.insert(
        MfaBackupCodeEntity,
        codes.map((c) => ({ userId, codeHash: this.hashBackupCode(c), usedAt: null })),
      );
      await this.sessions.publishAccess(userId, m);
      await this.audit.record(
        ctx,
        { action: 'auth.mfa.confirm', target: { type: 'user', id: userId } },
        m,
      );
    });
    return { backupCodes: codes };
  }

  /** A TOTP code, or one of the unused backup codes (which is then spent). */
  async verifyCode(
    userId: string,
    sealedSecret: string,
    code: string,
  ): Promise<'totp' | 'backup' | undefined> {
    const normalised = code.replace(/[\s-]/g, '').toLowerCase();
    if (/^\d{6}$/.test(normalised)) {
      const secret = this.secretOf(userId, sealedSecret);
      return secret !== undefined && (await this.totp.check(userId, secret, normalised))
        ? 'totp'
        : undefined;
    }
    const spent = await this.backupCodes.update(
      { userId, codeHash: this.hashBackupCode(normalised), usedAt: IsNull() },
      { usedAt: new Date() },
    );
    return spent.affected === 1 ? 'backup' : undefined;
  }

  /**
   * The user's TOTP secret, or undefined when the stored value was not sealed for this user (one
   * copied from another user's row): no code matches it then.
   */
  private secretOf(userId: string, sealed: string): string | undefined {
    try {
      return this.keys.open(SECRET_LABEL, sealed, userId);
    } catch {
      this.logger.warn(`TOTP secret of user ${userId} is not sealed for that user; refused`);
      return undefined;
    }
  }

  private newBackupCode(): string {
    const bytes = randomBytes(10);
    return Array.from(bytes, (b) => BACKUP_ALPHABET[b % BACKUP_ALPHABET.length]).join('');
  }

  private hashBackupCode(code: string): string {
    return this.keys.hmac(BACKUP_LABEL, code);
  }
}
