import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from 'src/auth/auth.module';
import { LocalBudgets } from './local-budgets';
import { LoginAttemptsInterceptor } from './login-attempts.interceptor';
import { LoginThrottle } from './login-throttle';
import { RateLimitRedis } from './rate-limit-redis';
import { RequestBudgetsGuard } from './request-budgets.guard';

@Module({
  imports: [AuthModule],
  providers: [
    RateLimitRedis,
    LocalBudgets,
    LoginThrottle,
    { provide: APP_GUARD, useClass: RequestBudgetsGuard },
    { provide: APP_INTERCEPTOR, useClass: LoginAttemptsInterceptor },
  ],
})
export class RateLimitModule {}
