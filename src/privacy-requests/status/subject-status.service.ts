import { Injectable } from '@nestjs/common';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { DeadlineCalendars } from '../deadlines/deadline-calendars.service';
import { SubjectStatusDto } from '../dto/subject-status.dto';
import { ExportLinks } from '../export/export-link.service';
import { localDueDate } from '../notifications/local-due-date';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { StatusTokens } from './status-tokens.service';

/** A data subject's own view of their request, opened by the status token alone. */
@Injectable()
export class SubjectStatusService {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly tokens: StatusTokens,
    private readonly links: ExportLinks,
    private readonly audit: AuditService,
    private readonly deadlines: DeadlineCalendars,
  ) {}

  /**
   * 401 without a token; 404 alike for an unknown id and a token that does not open it, so the
   * answer never tells whether a request exists.
   */
  async lookup(ctx: RequestContext, id: string, token?: string): Promise<SubjectStatusDto> {
    if (!token) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.StatusTokenMissing,
        'Send the status token as Authorization: Bearer <statusToken>',
      );
    }
    const r = await this.requests.findById(id);
    const opens = this.tokens.matches(id, r?.statusTokenHash ?? null, token);
    if (!r || !opens) {
      throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
    }
    const dueAt = r.extendedDueAt ?? r.dueAt;
    const due = localDueDate(dueAt, this.deadlines.calendar(r.jurisdiction));
    const view: SubjectStatusDto = {
      id: r.id,
      type: r.type,
      status: r.status,
      jurisdiction: r.jurisdiction,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: dueAt.toISOString(),
      localDueDate: due.date,
      timeZone: due.zone,
      extended: r.extendedDueAt !== null,
      completedAt: r.completedAt?.toISOString(),
      // The DPO's words to the subject; a failed request's reason is internal and not shown.
      rejectionReason: r.status === 'rejected' ? (r.failureReason ?? undefined) : undefined,
    };
    const packageKept = !r.exportExpiresAt || r.exportExpiresAt > new Date();
    if (r.type === 'access' && r.status === 'completed' && r.exportPath && packageKept) {
      const link = this.links.issue(r);
      await this.audit.record(ctx, {
        action: 'privacy_request.export_link_issued',
        target: { type: 'privacy_request', id },
        details: { via: 'status_token' },
      });
      view.download = { url: link.url, expiresAt: link.expiresAt.toISOString() };
    }
    return view;
  }
}
