import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Role } from 'src/common/access/caller';
import { RequestContext, SYSTEM } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { PasswordHasher } from '../passwords/password-hasher';
import { PasswordPolicy } from '../passwords/password-policy';
import { SessionService } from '../sessions/session.service';

@Injectable()
export class AdminUsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminUsersService.name);

  constructor(
    @InjectRepository(AdminUserEntity) private readonly users: Repository<AdminUserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
    private readonly policy: PasswordPolicy,
  ) {}

  findByEmail(email: string): Promise<AdminUserEntity | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }

  findById(id: string): Promise<AdminUserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async create(
    ctx: RequestContext,
    input: { email: string; password: string; roles: Role[] },
  ): Promise<AdminUserEntity> {
    const email = input.email.trim().toLowerCase();
    this.policy.assert(input.password, email);
    const passwordHash = await this.hasher.hash(input.password);
    const user = await this.users.manager.transaction(async (m) => {
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(AdminUserEntity)
        .values({ email, passwordHash, roles: [...new Set(input.roles)] })
        .orIgnore()
        .returning('*')
        .execute();
      const row = (inserted.raw as Array<{ id: string }>)[0];
      if (!row) {
        throw new AuthError(
          AuthErrorCode.EmailTaken,
          'A user with this e-mail address already exists.',
        );
      }
      const created = await m.findOneByOrFail(AdminUserEntity, { id: row.id });
      await this.audit.record(
        ctx,
        {
          action: 'admin.user.create',
          target: { type: 'user', id: created.id },
          details: { roles: created.roles },
        },
        m,
      );
      return created;
    });
    return user;
  }

  /**
   * Changes roles and the disabled flag; the user's next request sees the change (the session
   * cache is written before commit, under the row lock). Disabling ends every session. The last
   * enabled admin cannot lose the role or be disabled.
   */
  async update(
    ctx: RequestContext,
    id: string,
    change: { roles?: Role[]; disabled?: boolean },
  ): Promise<AdminUserEntity> {
    return this.users.manager.transaction(async (m) => {
      const user = await m.findOne(AdminUserEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) {
        throw new AuthError(AuthErrorCode.UserNotFound, 'No such user.');
      }
      const roles = change.roles ? [...new Set(change.roles)] : user.roles;
      const disabledAt =
        change.disabled === undefined
          ? user.disabledAt
          : change.disabled
            ? (user.disabledAt ?? new Date())
            : null;
      const wasAdmin = user.roles.includes('admin') && !user.disabledAt;
      if (wasAdmin && (!roles.includes('admin') || disabledAt)) {
        // Serialises concurrent demotions, so two admins cannot remove each other at once.
        await m.query('SELECT pg_advisory_xact_lock($1)', [7_310_003]);
        const others: Array<{ n: number }> = await m.query(
          `SELECT count(*)::int AS n FROM admin_users
            WHERE id <> $1 AND disabled_at IS NULL AND 'admin' = ANY (roles)`,
          [id],
        );
        if (others[0].n === 0) {
          throw new AuthError(
            AuthErrorCode.LastAdmin,
            'This is the last enabled admin: it keeps the admin role and stays enabled.',
          );
        }
      }
      await m.update(AdminUserEntity, { id }, { roles, disabledAt });
      if (disabledAt && !user.disabledAt) {
        await this.sessions.end(id, 'disabled', {}, m);
      }
      await this.sessions.publishAccess(id, m);
      await this.audit.record(
        ctx,
        {
          action: 'admin.user.update',
          target: { type: 'user', id },
          details: {
            ...(change.roles ? { roles, previousRoles: user.roles } : {}),
            ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
          },
        },
        m,
      );
      return m.findOneByOrFail(AdminUserEntity, { id });
    });
  }

  /** Users by creation, oldest first, with whether each has a second factor. */
  async list(
    limit: number,
    after?: { c: string; id: string },
  ): Promise<Array<{ user: AdminUserEntity; secondFactor: boolean }>> {
    // Cursors hold milliseconds; PostgreSQL keeps microseconds: order and compare on the former.
    const qb = this.users
      .createQueryBuilder('u')
      .orderBy(`date_trunc('milliseconds', u.created_at)`, 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(limit);
    if (after) {
      qb.where(`(date_trunc('milliseconds', u.created_at), u.id) > (:c::timestamptz, :id)`, after);
    }
    const users = await qb.getMany();
    const withPasskeys = new Set(
      (
        await this.users.query<Array<{ user_id: string }>>(
          `SELECT DISTINCT user_id FROM webauthn_credentials WHERE user_id = ANY ($1)`,
          [users.map((u) => u.id)],
        )
      ).map((r) => r.user_id),
    );
    return users.map((user) => ({
      user,
      secondFactor: user.totpSecret !== null || withPasskeys.has(user.id),
    }));
  }

  async hasSecondFactor(id: string): Promise<boolean> {
    const rows = await this.users.query<Array<{ yes: boolean }>>(
      `SELECT (u.totp_secret IS NOT NULL
                OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id)) AS yes
         FROM admin_users u WHERE u.id = $1`,
      [id],
    );
    return rows[0]?.yes === true;
  }

  async exists(id: string): Promise<boolean> {
    return this.users.existsBy({ id });
  }

  /** The first admin, from configuration, when no user exists yet. */
  async onApplicationBootstrap(): Promise<void> {
    const bootstrap = this.config.bootstrapAdmin;
    if (!bootstrap || (await this.users.exists())) {
      return;
    }
    await this.users.manager.transaction(async (m) => {
      // Several instances may start at once: only one creates the admin.
      await m.query('SELECT pg_advisory_xact_lock($1)', [7_310_002]);
      if (await m.exists(AdminUserEntity)) {
        return;
      }
      const created = await m.save(
        m.create(AdminUserEntity, {
          email: bootstrap.email.trim().toLowerCase(),
          passwordHash: await this.hasher.hash(bootstrap.password),
          roles: ['admin'],
        }),
      );
      await this.audit.record(
        SYSTEM,
        {
          action: 'admin.user.bootstrap',
          target: { type: 'user', id: created.id },
        },
        m,
      );
      this.logger.log('Created the bootstrap admin user');
    });
  }
}
