import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { RequestContext, SYSTEM } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AppConfig } from 'src/config/app-config';
import { ExportLinkDto, PrivacyRequestDto } from './dto/privacy-request.dto';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import { ExportLinks } from './export/export-link.service';
import { PrivacyRequestError, PrivacyRequestErrorCode } from './privacy-request.error';
import { PrivacyRequestRepository } from './privacy-request.repository';
import { apiKeyOf } from './request-owner';

/** How a download count knows its link: a hash, so the stored count opens nothing. */
function linkHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** A request as its callers see it, its export link, and the download behind the link. */
@Injectable()
export class PrivacyRequestViewService {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly links: ExportLinks,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The request if `ctx`'s caller may see it; a request of another API key is `NotFound`. */
  async load(ctx: RequestContext, id: string): Promise<PrivacyRequestEntity> {
    const request = await this.requests.findVisible(id, apiKeyOf(ctx));
    if (!request) {
      throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
    }
    return request;
  }

  async get(ctx: RequestContext, id: string): Promise<PrivacyRequestDto> {
    const r = await this.load(ctx, id);
    const tasks = await this.requests.findTasks(id);
    const events = await this.requests.findAuditTrail(id);
    return {
      id: r.id,
      type: r.type,
      status: r.status,
      jurisdiction: r.jurisdiction,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      dueRule: r.dueRule,
      extendedDueAt: r.extendedDueAt?.toISOString(),
      extendedRule: r.extendedRule ?? undefined,
      extensionReason: r.extensionReason ?? undefined,
      acknowledgeBy: r.acknowledgeBy?.toISOString(),
      acknowledgeRule: r.acknowledgeRule ?? undefined,
      acknowledgedAt: r.acknowledgedAt?.toISOString(),
      completedAt: r.completedAt?.toISOString(),
      failureReason: r.failureReason ?? undefined,
      tasks: tasks.map((t) => ({
        dataStore: t.dataStoreName,
        status: t.status,
        attempts: t.attempts,
        detail: t.detail ?? undefined,
        result: t.result.collections
          ? { collections: t.result.collections, remaining: t.result.remaining }
          : undefined,
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
    const link = this.links.issue(await this.load(ctx, id));
    await this.audit.record(ctx, {
      action: 'privacy_request.export_link_issued',
      target: { type: 'privacy_request', id },
    });
    return { url: link.url, expiresAt: link.expiresAt.toISOString(), checksum: link.checksum };
  }

  async download(ctx: RequestContext, token: string): Promise<{ id: string; body: Readable }> {
    // The link itself is the credential: whoever holds a valid one may download.
    const request = await this.load(SYSTEM, this.links.verify(token));
    const body = this.links.open(request);
    const max = this.config.privacyRequests.exportLinkMaxDownloads;
    if (max !== null && !(await this.requests.countDownload(request.id, linkHash(token), max))) {
      body.destroy();
      throw new PrivacyRequestError(PrivacyRequestErrorCode.LinkInvalid, 'No such export');
    }
    await this.audit.record(ctx, {
      action: 'privacy_request.export_downloaded',
      target: { type: 'privacy_request', id: request.id },
    });
    return { id: request.id, body };
  }
}
