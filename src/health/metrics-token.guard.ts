import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from 'src/config/app-config';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `/metrics` with `METRICS_TOKEN` set (always in production): only `Authorization: Bearer
 * <METRICS_TOKEN>` is let through, compared in constant time; without it, open.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: AppConfig) {
    this.expected = config.metricsToken === null ? null : digest(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === null) {
      return true;
    }
    const header = context.switchToHttp().getRequest<Request>().header('authorization') ?? '';
    const given = /^Bearer (\S+)$/i.exec(header)?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), this.expected)) {
      throw new UnauthorizedException('The metrics token is missing or wrong');
    }
    return true;
  }
}
