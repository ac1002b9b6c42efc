import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { decodeCursor, encodeCursor } from 'src/common/pagination/cursor';
import { SecurityAlertListDto, SecurityAlertsQueryDto } from './dto/security-alert.dto';
import { SecurityAlertsRepository } from './security-alerts.repository';

const isSeqPosition = (v: unknown): v is { seq: string } =>
  typeof (v as { seq?: unknown }).seq === 'string' && /^\d{1,19}$/.test((v as { seq: string }).seq);

@ApiTags('admin')
@Controller('v1/admin/security/alerts')
@Access({ roles: ['admin', 'auditor'] })
export class SecurityAlertsController {
  constructor(private readonly repo: SecurityAlertsRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Detected anomalies, newest first',
    description:
      'Failed-login bursts, logins from new devices, decrypt and export-download spikes, role ' +
      'and API key changes. Each alert is also an audit event (`security.alert`) and a count in ' +
      '`security_alerts_total`.',
  })
  @ApiOkResponse({ type: SecurityAlertListDto })
  async list(@Query() query: SecurityAlertsQueryDto): Promise<SecurityAlertListDto> {
    const position = decodeCursor<{ seq: string }>(query.cursor, ['seq'], isSeqPosition);
    const rows = await this.repo.list({
      since: query.since ? new Date(query.since) : undefined,
      kind: query.kind,
      beforeSeq: position?.seq,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => {
        const { kind, severity, ...details } = r.details as { kind: string; severity: string };
        return {
          id: r.id,
          kind,
          severity,
          at: r.occurred_at.toISOString(),
          actor: { type: r.actor_type, id: r.actor_id },
          details,
        };
      }),
      nextCursor:
        rows.length > query.limit ? encodeCursor({ seq: page[page.length - 1].seq }) : null,
    };
  }
}
