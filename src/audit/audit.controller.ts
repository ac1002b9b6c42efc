import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { AuditQueryService } from './audit-query.service';
import { AuditIntegrityService } from './checkpoints/audit-integrity.service';
import { AuditEventPageDto, AuditVerifyDto } from './dto/audit-event.dto';
import { AuditEventsQueryDto } from './dto/audit-events-query.dto';

@ApiTags('audit')
@Controller('v1/audit')
@Access({ roles: ['admin', 'auditor'] })
export class AuditController {
  constructor(
    private readonly audit: AuditQueryService,
    private readonly integrity: AuditIntegrityService,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Security-relevant events, newest first' })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: AuditEventsQueryDto): Promise<AuditEventPageDto> {
    return this.audit.list(query);
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Check the keyed hash chain and its signed checkpoints, then checkpoint the head',
    description:
      'Admin or auditor. Any edited, removed or re-hashed event breaks the chain; deleting the ' +
      'newest events falls short of the last signed checkpoint.',
  })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify(): Promise<AuditVerifyDto> {
    return this.integrity.verify();
  }
}
