import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { ScanDto, ScanStartedDto } from 'src/data-stores/dto/scan.dto';
import { DataStoreScansService } from './data-store-scans.service';

@ApiTags('data-stores')
@Controller('v1/data-stores/:id/scans')
export class DataStoreScansController {
  constructor(private readonly scans: DataStoreScansService) {}

  @Post()
  @HttpCode(202)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: 'Start a discovery scan: every table and column is sampled and classified',
  })
  @ApiAcceptedResponse({ type: ScanStartedDto })
  @ApiNotFoundResponse({ description: 'No such store' })
  async start(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ScanStartedDto> {
    return { scanId: (await this.scans.start(ctx, id)).id };
  }

  @Get(':scanId')
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'A scan and its per-column findings (never the sampled values)' })
  @ApiOkResponse({ type: ScanDto })
  @ApiNotFoundResponse({ description: 'No such store or scan' })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('scanId', new ParseUUIDPipe()) scanId: string,
  ): Promise<ScanDto> {
    const s = await this.scans.get(id, scanId);
    return {
      id: s.id,
      status: s.status,
      columns: s.columns,
      suggestedCollections: s.suggestedCollections,
      error: s.error,
      createdAt: s.createdAt.toISOString(),
      completedAt: s.completedAt?.toISOString() ?? null,
    };
  }
}
