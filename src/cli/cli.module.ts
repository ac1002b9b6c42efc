import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from 'src/auth/auth.module';
import { AdminUserEntity } from 'src/auth/entities/admin-user.entity';
import { MfaBackupCodeEntity } from 'src/auth/entities/mfa-backup-code.entity';
import { PasswordHasher } from 'src/auth/passwords/password-hasher';
import { AccountRecoveryService } from 'src/auth/users/account-recovery.service';
import { LoginAttemptsModule } from 'src/rate-limit/login-attempts.module';

/** What only the command-line tool uses, on top of the application's own modules. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AdminUserEntity, MfaBackupCodeEntity]),
    AuthModule,
    LoginAttemptsModule,
  ],
  providers: [AccountRecoveryService, PasswordHasher],
  exports: [AccountRecoveryService],
})
export class CliModule {}
