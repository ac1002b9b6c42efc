import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { ApiKeyBudgetsModule } from 'src/auth/api-keys/api-key-budgets.module';
import { ApiKeyBudgets } from 'src/auth/api-keys/api-key-budgets';
import { API_KEY_PREFIX } from 'src/auth/api-keys/api-keys.service';
import { ACCESS_KEY, AccessRule } from 'src/common/access/access.decorator';
import { AppConfig } from 'src/config/app-config';
import { redisConnectionOptions } from 'src/queue/redis-connection';
import { RateLimitGuard } from './rate-limit.guard';

const MINUTE = 60_000;

function publicLimitOf(context: ExecutionContext): 'login' | 'public' | undefined {
  const rule = (Reflect.getMetadata(ACCESS_KEY, context.getHandler()) ??
    Reflect.getMetadata(ACCESS_KEY, context.getClass())) as AccessRule | undefined;
  return rule?.kind === 'public' ? rule.rateLimit : undefined;
}

const ip = (req: Request): string => req.ip ?? 'unknown';

/** The account a login or MFA attempt is for: the e-mail, or the subject of the MFA token. */
function accountOf(req: Request): string {
  const body = (req.body ?? {}) as { email?: unknown; mfaToken?: unknown };
  if (typeof body.email === 'string') {
    return `email:${body.email.trim().toLowerCase()}`;
  }
  if (typeof body.mfaToken === 'string') {
    try {
      // Only counts attempts; the token is verified later by the auth service.
      const payload = JSON.parse(
        Buffer.from(body.mfaToken.split('.')[1] ?? '', 'base64url').toString(),
      ) as {
        sub?: unknown;
      };
      if (typeof payload.sub === 'string') {
        return `user:${payload.sub}`;
      }
    } catch {
      // Falls through: an unreadable token is counted per IP.
    }
  }
  return `ip:${ip(req)}`;
}

/** The API key of a request, when its credential is one. */
function apiKeyOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S{1,2048})\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1].startsWith(API_KEY_PREFIX) === true ? match[1] : undefined;
}

/** The caller's credential (hashed) or, without one, the client IP. */
function callerOf(req: Request): string {
  const auth = req.headers.authorization;
  return auth ? `cred:${createHash('sha256').update(auth).digest('hex')}` : `ip:${ip(req)}`;
}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ApiKeyBudgetsModule],
      inject: [AppConfig, ApiKeyBudgets],
      useFactory: (config: AppConfig, budgets: ApiKeyBudgets) => ({
        setHeaders: false,
        // Given options (not a client), the storage owns its connection and closes it on shutdown.
        storage: new ThrottlerStorageRedisService({
          ...redisConnectionOptions(config.redis.url),
          keyPrefix: `${config.redis.prefix}:throttle:`,
          // Fail fast while Redis is away, so the guard can let requests through at once.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: 1000,
        }),
        throttlers: [
          {
            name: 'default',
            ttl: MINUTE,
            // An API key with its own rateLimitPerMinute gets that budget instead.
            limit: async (ctx) => {
              const key = apiKeyOf(ctx.switchToHttp().getRequest<Request>());
              const own = key === undefined ? null : await budgets.perMinuteOf(key);
              return own ?? config.rateLimits.defaultPerMinute;
            },
            getTracker: (req) => callerOf(req as Request),
          },
          {
            name: 'login-ip',
            ttl: 15 * MINUTE,
            limit: config.rateLimits.loginPerIp,
            skipIf: (ctx) => publicLimitOf(ctx) !== 'login',
            getTracker: (req) => ip(req as Request),
          },
          {
            name: 'login-account',
            ttl: 15 * MINUTE,
            limit: config.rateLimits.loginPerAccount,
            skipIf: (ctx) => publicLimitOf(ctx) !== 'login',
            getTracker: (req) => accountOf(req as Request),
          },
          {
            name: 'public-ip',
            ttl: 10 * MINUTE,
            limit: config.rateLimits.publicPerIp,
            skipIf: (ctx) => publicLimitOf(ctx) !== 'public',
            getTracker: (req) => ip(req as Request),
          },
        ],
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
