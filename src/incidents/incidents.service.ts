import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RequestContext } from 'src/common/access/request-context.decorator';
import {
  decodeCursor,
  encodeCursor,
  isCursorInstant,
  isCursorUuid,
  Page,
} from 'src/common/pagination/cursor';
import { AuditService } from 'src/audit/audit.service';
import { IncidentError, IncidentErrorCode } from './incident.error';
import { IncidentRepository } from './incident.repository';
import { IncidentClock, IncidentRow, notifyAuthorityBy, NotifiedParty } from './incident.types';
import type {
  CreateIncidentDto,
  IncidentDetailDto,
  IncidentDto,
  RecordNotificationDto,
} from './dto/incident.dto';

type Cursor = { c: string; id: string };
const isCursor = (v: unknown): v is Cursor =>
  isCursorInstant((v as Cursor)?.c) && isCursorUuid((v as Cursor)?.id);

/** A clock skew allowance: a time a few seconds ahead of ours is taken as now, not the future. */
const SKEW_MS = 60_000;

/**
 * The breach register. Titles, descriptions and categories are kept in the register only: audit
 * events name the incident and notification ids, never their free text.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly audit: AuditService,
  ) {}

  async create(
    ctx: RequestContext,
    input: CreateIncidentDto,
  ): Promise<{ id: string; notifyAuthorityBy: Date }> {
    const detectedAt = notInFuture(input.detectedAt, 'detectedAt');
    const id = randomUUID();
    const due = notifyAuthorityBy(detectedAt);
    await this.incidents.transaction(async (m) => {
      await this.incidents.insert(m, {
        id,
        title: input.title,
        description: input.description ?? null,
        detectedAt,
        notifyAuthorityBy: due,
        affectedSubjects: input.affectedSubjects ?? null,
        dataCategories: input.dataCategories ?? [],
        recordedBy: ctx.caller?.id ?? null,
      });
      await this.audit.record(
        ctx,
        {
          action: 'incident.created',
          target: { type: 'incident', id },
          details: { notifyAuthorityBy: due.toISOString() },
        },
        m,
      );
    });
    return { id, notifyAuthorityBy: due };
  }

  async list(limit: number, cursor?: string): Promise<Page<IncidentDto>> {
    const after = decodeCursor(cursor, ['c', 'id'], isCursor);
    const rows = await this.incidents.list(
      limit + 1,
      after ? { createdAt: after.c, id: after.id } : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toIncidentDto),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ c: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }

  async get(id: string): Promise<IncidentDetailDto> {
    const row = await this.incidents.findById(id);
    if (!row) {
      throw new IncidentError(IncidentErrorCode.NotFound, 'No such incident');
    }
    const notifications = await this.incidents.findNotifications(id);
    return {
      ...toIncidentDto(row),
      notifications: notifications.map((n) => ({
        id: n.id,
        party: n.party,
        at: n.at.toISOString(),
        recordedAt: n.recordedAt.toISOString(),
      })),
    };
  }

  async recordNotification(
    ctx: RequestContext,
    incidentId: string,
    input: RecordNotificationDto,
  ): Promise<IncidentDetailDto> {
    const at = notInFuture(input.at, 'at');
    await this.incidents.transaction(async (m) => {
      const incident = await this.incidents.lockById(m, incidentId);
      if (!incident) {
        throw new IncidentError(IncidentErrorCode.NotFound, 'No such incident');
      }
      if (at < incident.detectedAt) {
        throw new IncidentError(
          IncidentErrorCode.BeforeDetection,
          'A notification cannot precede the detection of the breach',
          [{ field: 'at', message: 'must not be before detectedAt' }],
        );
      }
      const id = randomUUID();
      const party: NotifiedParty = input.party;
      await this.incidents.insertNotification(m, {
        id,
        incidentId,
        party,
        at,
        recordedBy: ctx.caller?.id ?? null,
      });
      await this.audit.record(
        ctx,
        {
          action: 'incident.notification_recorded',
          target: { type: 'incident', id: incidentId },
          details: {
            notificationId: id,
            party,
            at: at.toISOString(),
            late: party === 'authority' && at > incident.notifyAuthorityBy,
          },
        },
        m,
      );
    });
    return this.get(incidentId);
  }

  clock(): Promise<IncidentClock> {
    return this.incidents.clock();
  }
}

function notInFuture(value: string, field: string): Date {
  const at = new Date(value);
  if (at.getTime() > Date.now() + SKEW_MS) {
    throw new IncidentError(IncidentErrorCode.InFuture, `${field} is in the future`, [
      { field, message: 'must not be in the future' },
    ]);
  }
  return at;
}

function toIncidentDto(r: IncidentRow): IncidentDto {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    detectedAt: r.detectedAt.toISOString(),
    notifyAuthorityBy: r.notifyAuthorityBy.toISOString(),
    affectedSubjects: r.affectedSubjects,
    dataCategories: r.dataCategories,
    authorityNotifiedAt: r.authorityNotifiedAt?.toISOString() ?? null,
    subjectsNotifiedAt: r.subjectsNotifiedAt?.toISOString() ?? null,
    overdue: r.authorityNotifiedAt === null && r.notifyAuthorityBy.getTime() < Date.now(),
    createdAt: r.createdAt.toISOString(),
  };
}
