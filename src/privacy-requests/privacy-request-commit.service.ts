import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { DataStoreEntity } from 'src/data-stores/entities/data-store.entity';
import { PrivacyRequestTaskEntity } from './entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import { RequestStatus } from './privacy-request.types';

/** Status changes and task creation, each written with its audit event in one transaction. */
@Injectable()
export class PrivacyRequestCommits {
  constructor(private readonly audit: AuditService) {}

  /** Verified: one task per store that takes part, then `queued`. */
  async queue(m: EntityManager, ctx: RequestContext, request: PrivacyRequestEntity): Promise<void> {
    const stores = await m.find(DataStoreEntity, { order: { createdAt: 'ASC' } });
    const taking = stores.filter(
      (s) => request.type === 'access' || request.type === 'erasure' || s.type === 'http',
    );
    if (taking.length > 0) {
      await m.insert(
        PrivacyRequestTaskEntity,
        taking.map((s) => ({
          requestId: request.id,
          dataStoreId: s.id,
          dataStoreName: s.name,
          status: 'pending' as const,
        })),
      );
    }
    await this.setStatus(m, ctx, request, 'queued', { tasks: taking.length });
  }

  async setStatus(
    m: EntityManager,
    ctx: RequestContext,
    request: PrivacyRequestEntity,
    status: RequestStatus,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const from = request.status;
    request.status = status;
    await m.update(PrivacyRequestEntity, { id: request.id }, { status, ...patchFor(status) });
    await this.audit.record(
      ctx,
      {
        action: `privacy_request.${status}`,
        target: { type: 'privacy_request', id: request.id },
        details: { from, to: status, type: request.type, ...details },
      },
      m,
    );
  }
}

function patchFor(status: RequestStatus): Partial<PrivacyRequestEntity> {
  return status === 'completed' ? { completedAt: new Date(), failureReason: null } : {};
}
