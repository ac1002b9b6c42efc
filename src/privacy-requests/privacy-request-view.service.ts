import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AuditEventEntity } from 'src/audit/entities/audit-event.entity';
import { ExportLinkDto, PrivacyRequestDto } from './dto/privacy-request.dto';
import { PrivacyRequestTaskEntity } from './entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import { ExportLinks } from './export/export-link.service';
import { PrivacyRequestError, PrivacyRequestErrorCode } from './privacy-request.error';

/** A request as its callers see it, its export link, and the download behind the link. */
@Injectable()
export class PrivacyRequestViewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly links: ExportLinks,
    private readonly audit: AuditService,
  ) {}

  async load(id: string): Promise<PrivacyRequestEntity> {
    const request = await this.dataSource.getRepository(PrivacyRequestEntity).findOneBy({ id });
    if (!request) {
      throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
    }
    return request;
  }

  async get(id: string): Promise<PrivacyRequestDto> {
    const r = await this.load(id);
    const tasks = await this.dataSource
      .getRepository(PrivacyRequestTaskEntity)
      .find({ where: { requestId: id }, order: { dataStoreName: 'ASC' } });
    const events = await this.dataSource.getRepository(AuditEventEntity).find({
      where: { targetType: 'privacy_request', targetId: id },
      order: { seq: 'ASC' },
    });
    return {
      id: r.id,
      type: r.type,
      status: r.status,
      jurisdiction: r.jurisdiction,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      dueRule: r.dueRule,
      extendedDueAt: r.extendedDueAt?.toISOString(),
      completedAt: r.completedAt?.toISOString(),
      failureReason: r.failureReason ?? undefined,
      tasks: tasks.map((t) => ({
        dataStore: t.dataStoreName,
        status: t.status,
        attempts: t.attempts,
        detail: t.detail ?? undefined,
        result: t.result.collections ? { collections: t.result.collections } : undefined,
      })),
      events: events.map((e) => ({
        action: e.action,
        at: e.occurredAt.toISOString(),
        actorType: e.actorType,
        details: e.details,
      })),
    };
  }

  async exportLink(ctx: RequestContext, id: string): Promise<ExportLinkDto> {
    const link = this.links.issue(await this.load(id));
    await this.audit.record(ctx, {
      action: 'privacy_request.export_link_issued',
      target: { type: 'privacy_request', id },
    });
    return { url: link.url, expiresAt: link.expiresAt.toISOString(), checksum: link.checksum };
  }

  async download(ctx: RequestContext, token: string): Promise<{ id: string; body: Readable }> {
    const request = await this.load(this.links.verify(token));
    const body = this.links.open(request);
    await this.audit.record(ctx, {
      action: 'privacy_request.export_downloaded',
      target: { type: 'privacy_request', id: request.id },
    });
    return { id: request.id, body };
  }
}
