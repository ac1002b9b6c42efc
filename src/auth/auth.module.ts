import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginAttemptsModule } from 'src/rate-limit/login-attempts.module';
import { AccessGuard } from './access/access.guard';
import { CallerResolver } from './access/caller-resolver.service';
import { ApiKeyCache } from './api-keys/api-key-cache';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AdminUserEntity } from './entities/admin-user.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuthSessionEntity } from './entities/auth-session.entity';
import { MfaBackupCodeEntity } from './entities/mfa-backup-code.entity';
import { WebauthnCredentialEntity } from './entities/webauthn-credential.entity';
import { MfaService } from './mfa/mfa.service';
import { TotpSecretMoves } from './mfa/totp-secret-moves';
import { TotpSecretsRepository } from './mfa/totp-secrets.repository';
import { TotpService } from './mfa/totp.service';
import { WebauthnController } from './mfa/webauthn.controller';
import { WebauthnService } from './mfa/webauthn.service';
import { OidcClient } from './oidc/oidc-client';
import { OidcLoginService } from './oidc/oidc-login.service';
import { OidcController } from './oidc/oidc.controller';
import { PasswordChangeService } from './passwords/password-change.service';
import { PasswordHasher } from './passwords/password-hasher';
import { PasswordPolicy } from './passwords/password-policy';
import { PasswordsController } from './passwords/passwords.controller';
import { SessionCache } from './sessions/session-cache';
import { SessionEvents } from './sessions/session-events';
import { SessionManagementService } from './sessions/session-management.service';
import { SessionService } from './sessions/session.service';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsRepository } from './sessions/sessions.repository';
import { AccessTokenService } from './tokens/access-token.service';
import { AdminUsersController } from './users/admin-users.controller';
import { AdminUsersService } from './users/admin-users.service';

@Module({
  imports: [
    LoginAttemptsModule,
    TypeOrmModule.forFeature([
      AdminUserEntity,
      AuthSessionEntity,
      MfaBackupCodeEntity,
      WebauthnCredentialEntity,
      ApiKeyEntity,
    ]),
  ],
  controllers: [
    AuthController,
    SessionsController,
    WebauthnController,
    OidcController,
    PasswordsController,
    AdminUsersController,
    ApiKeysController,
  ],
  providers: [
    AuthService,
    AdminUsersService,
    ApiKeysService,
    ApiKeyCache,
    MfaService,
    TotpService,
    TotpSecretMoves,
    TotpSecretsRepository,
    WebauthnService,
    OidcClient,
    OidcLoginService,
    PasswordHasher,
    PasswordPolicy,
    PasswordChangeService,
    SessionService,
    SessionCache,
    SessionEvents,
    SessionsRepository,
    SessionManagementService,
    AccessTokenService,
    CallerResolver,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  // SessionService.isActive tells other capabilities whether an admin session is still open;
  // SessionEvents publishes every login that opened a session.
  exports: [CallerResolver, SessionService, SessionEvents],
})
export class AuthModule {}
