import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { decodeCursor, encodeCursor, Page } from 'src/common/pagination/cursor';
import { AuditEventDto, toAuditEventDto } from './dto/audit-event.dto';
import { AuditEventsQueryDto } from './dto/audit-events-query.dto';
import { AuditEventEntity } from './entities/audit-event.entity';

const isSeqCursor = (v: unknown): v is { seq: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { seq?: unknown }).seq === 'string' &&
  /^(0|[1-9]\d{0,17})$/.test((v as { seq: string }).seq);

@Injectable()
export class AuditQueryService {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
  ) {}

  /** Newest first. */
  async list(query: AuditEventsQueryDto): Promise<Page<AuditEventDto>> {
    const after = decodeCursor(query.cursor, ['seq'], isSeqCursor);
    const qb = this.events
      .createQueryBuilder('e')
      .orderBy('e.seq', 'DESC')
      .limit(query.limit + 1);
    if (query.actor) {
      qb.andWhere('e.actor_id = :actor', { actor: query.actor });
    }
    if (query.action) {
      qb.andWhere('e.action = :action', { action: query.action });
    }
    if (query.since) {
      qb.andWhere('e.occurred_at >= :since', { since: query.since });
    }
    if (query.until) {
      qb.andWhere('e.occurred_at < :until', { until: query.until });
    }
    if (after) {
      qb.andWhere('e.seq < :seq', { seq: after.seq });
    }
    const rows = await qb.getMany();
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    return {
      items: items.map(toAuditEventDto),
      nextCursor: more ? encodeCursor({ seq: items[items.length - 1].seq }) : null,
    };
  }
}
