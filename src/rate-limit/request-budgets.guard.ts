import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { CallerResolver } from 'src/auth/access/caller-resolver.service';
import { ACCESS_KEY, AccessRule } from 'src/common/access/access.decorator';
import { Caller } from 'src/common/access/caller';
import { RouteMemo } from 'src/common/access/route-memo';
import { AppConfig } from 'src/config/app-config';
import { clientAddress } from './client-address';
import { LocalBudgets } from './local-budgets';
import { RateLimitRedis } from './rate-limit-redis';
import { RateLimitError } from './rate-limit.error';
import { SKIP_RATE_LIMIT } from './skip-rate-limit.decorator';

const MINUTE = 60_000;
const PUBLIC_WINDOW_MS = 10 * MINUTE;
const MAX_FALLBACK_BUCKETS = 10_000;

function refuse(res: Response, error: unknown): never {
  if (error instanceof RateLimitError) {
    res.setHeader('Retry-After', String(error.retryAfterSeconds));
  }
  throw error;
}

/**
 * Budgets by who is calling, decided before the access guard: the caller is identified first
 * (resolved once per request), then an API key spends its own budget, an admin user theirs, and
 * every request with no or invalid credentials spends the small budget of its address, so
 * made-up tokens share one bucket. Public endpoints have a budget per address of their own;
 * login endpoints (`@LoginRoute()`) are limited by failures instead.
 */
@Injectable()
export class RequestBudgetsGuard implements CanActivate {
  private readonly fallback = new Map<string, { window: number; count: number }>();
  private readonly routes = new RouteMemo((context) => {
    const targets = [context.getHandler(), context.getClass()];
    return {
      skip: this.reflector.getAllAndOverride<boolean | undefined>(SKIP_RATE_LIMIT, targets),
      rule: this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, targets),
    };
  });

  constructor(
    private readonly reflector: Reflector,
    private readonly callers: CallerResolver,
    private readonly local: LocalBudgets,
    private readonly redis: RateLimitRedis,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const { skip, rule } = this.routes.of(context);
    if (skip) {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    try {
      // No promise for a caller counted in process (an API key in the in-process cache).
      const spent = this.spend(req, rule);
      return spent === undefined
        ? true
        : spent.then(
            () => true,
            (error) => refuse(res, error),
          );
    } catch (error) {
      return refuse(res, error);
    }
  }

  private spend(req: Request, rule: AccessRule | undefined): void | Promise<void> {
    const limits = this.config.rateLimits;
    if (rule?.kind === 'public' && rule.rateLimit === 'login') {
      return;
    }
    if (rule?.kind === 'public' && rule.rateLimit === 'public') {
      return this.shared(`public:${clientAddress(req)}`, PUBLIC_WINDOW_MS, limits.publicPerIp);
    }
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const caller = this.callers.forRequest(req);
      if (caller instanceof Promise) {
        return caller.then((known) => (known ? this.spendOwn(known) : this.spendAnonymous(req)));
      }
      if (caller) {
        return this.spendOwn(caller);
      }
    }
    return this.spendAnonymous(req);
  }

  /** The address is worked out only here: authenticated callers spend their own budget. */
  private spendAnonymous(req: Request): Promise<void> {
    return this.shared(`anon:${clientAddress(req)}`, MINUTE, this.config.rateLimits.anonymousPerIp);
  }

  private spendOwn(caller: Caller): void {
    const { retryAfterMs } =
      caller.kind === 'apiKey'
        ? this.local.take(
            `key:${caller.id}`,
            caller.rateLimitPerMinute ?? this.config.rateLimits.apiKeyPerMinute,
          )
        : this.local.take(`user:${caller.id}`, this.config.rateLimits.userPerMinute);
    if (retryAfterMs !== undefined) {
      throw RateLimitError.tooMany(retryAfterMs);
    }
  }

  /** A budget shared by many requests of one address, counted in Redis. */
  private async shared(bucket: string, windowMs: number, limit: number): Promise<void> {
    let hit: { count: number; resetMs: number };
    try {
      hit = await this.redis.hit(bucket, windowMs);
    } catch {
      if (this.config.rateLimits.whenRedisDown === 'closed') {
        throw RateLimitError.unavailable();
      }
      hit = this.countHere(bucket, windowMs);
    }
    if (hit.count > limit) {
      throw RateLimitError.tooMany(hit.resetMs);
    }
  }

  /** `RATE_LIMIT_REDIS_DOWN=open`: the same budget, counted by this process alone. */
  private countHere(bucket: string, windowMs: number): { count: number; resetMs: number } {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const key = `${bucket}:${windowMs}`;
    const entry = this.fallback.get(key);
    if (this.fallback.size >= MAX_FALLBACK_BUCKETS) {
      this.fallback.clear();
    }
    const count = entry?.window === window ? entry.count + 1 : 1;
    this.fallback.set(key, { window, count });
    return { count, resetMs: (window + 1) * windowMs - now };
  }
}
