import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from 'src/auth/auth.module';
import { LocalBudgets } from './local-budgets';
import { LoginAttemptsModule } from './login-attempts.module';
import { RequestBudgetsGuard } from './request-budgets.guard';

@Module({
  imports: [AuthModule, LoginAttemptsModule],
  providers: [LocalBudgets, { provide: APP_GUARD, useClass: RequestBudgetsGuard }],
})
export class RateLimitModule {}
