import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { actorOf } from 'src/common/access/caller';
import { callerOf } from 'src/common/access/current-caller.decorator';
import { coarseAddress } from 'src/auth/sessions/coarse-address';
import { AuditService } from '../audit.service';
import { DeniedCallCounter, DeniedGroup } from './denied-calls';

const FLUSH_EVERY_MS = 5_000;
const REFUSED = new Set([401, 403]);
/** Set on a request by the access guard when its route is public (a failed login is not a refusal). */
export const PUBLIC_ROUTE = Symbol('publicRoute');

/**
 * Audits refused calls (401, 403 on routes that need credentials) as `access.denied` with
 * outcome `denied`, aggregated per caller, route and minute with a count (DeniedCallCounter).
 */
@Injectable()
export class DeniedCallsRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeniedCallsRecorder.name);
  private readonly counter = new DeniedCallCounter();
  private timer?: NodeJS.Timeout;

  constructor(private readonly audit: AuditService) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(false), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }

  /** Express middleware: looks at every answer once it is sent. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      res.on('finish', () => {
        if (
          REFUSED.has(res.statusCode) &&
          !(req as Request & { [PUBLIC_ROUTE]?: true })[PUBLIC_ROUTE]
        ) {
          this.refused(req, res.statusCode);
        }
      });
      next();
    };
  }

  private refused(req: Request, status: number): void {
    const path = (req.route as { path?: string } | undefined)?.path;
    const group = this.counter.note(
      {
        actor: actorOf({ caller: callerOf(req) }),
        method: req.method,
        route: path ? `${req.baseUrl}${path}` : 'unmatched',
        status,
        address: coarseAddress(req.ip) ?? 'unknown',
      },
      Date.now(),
    );
    if (group) {
      void this.write(group, typeof req.id === 'string' ? req.id : undefined);
    }
  }

  private async flush(all: boolean): Promise<void> {
    for (const group of this.counter.drain(Date.now(), all)) {
      await this.write(group, undefined);
    }
  }

  private async write(group: DeniedGroup, requestId: string | undefined): Promise<void> {
    try {
      await this.audit.record(
        { requestId },
        {
          action: 'access.denied',
          outcome: 'denied',
          actor: group.actor,
          target: { type: 'route', id: `${group.method} ${group.route}` },
          details: {
            method: group.method,
            route: group.route,
            status: group.status,
            address: group.address,
            minute: new Date(group.minute * 60_000).toISOString(),
            count: group.pending,
          },
        },
      );
    } catch (error) {
      this.logger.warn(
        { err: { type: (error as Error).name } },
        `Could not audit ${group.pending} refused call(s)`,
      );
    }
  }
}
