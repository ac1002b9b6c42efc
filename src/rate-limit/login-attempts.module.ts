import { Module } from '@nestjs/common';
import { LoginAttemptsInterceptor } from './login-attempts.interceptor';
import { LoginThrottle } from './login-throttle';
import { RateLimitRedis } from './rate-limit-redis';

/**
 * Failed-login delays and the interceptor that applies them, which `@LoginRoute()` puts on the
 * login endpoints only: an interceptor on every route costs every request an Observable chain.
 * Holds the limiter's Redis connection, shared with the request budgets.
 */
@Module({
  providers: [RateLimitRedis, LoginThrottle, LoginAttemptsInterceptor],
  exports: [RateLimitRedis, LoginThrottle, LoginAttemptsInterceptor],
})
export class LoginAttemptsModule {}
