import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access/access.guard';
import { CallerResolver } from './access/caller-resolver.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AdminUserEntity } from './entities/admin-user.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuthSessionEntity } from './entities/auth-session.entity';
import { MfaBackupCodeEntity } from './entities/mfa-backup-code.entity';
import { MfaService } from './mfa/mfa.service';
import { TotpService } from './mfa/totp.service';
import { PasswordHasher } from './passwords/password-hasher';
import { SessionService } from './sessions/session.service';
import { AccessTokenService } from './tokens/access-token.service';
import { AdminUsersController } from './users/admin-users.controller';
import { AdminUsersService } from './users/admin-users.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      AdminUserEntity,
      AuthSessionEntity,
      MfaBackupCodeEntity,
      ApiKeyEntity,
    ]),
  ],
  controllers: [AuthController, AdminUsersController, ApiKeysController],
  providers: [
    AuthService,
    AdminUsersService,
    ApiKeysService,
    MfaService,
    TotpService,
    PasswordHasher,
    SessionService,
    AccessTokenService,
    CallerResolver,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [CallerResolver],
})
export class AuthModule {}
