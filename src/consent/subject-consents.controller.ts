import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import { ConsentHistoryDto, SubjectConsentsDto } from './dto/consent.dto';
import { ConsentQueryService } from './ledger/consent-query.service';

const SUBJECT_PARAM = {
  name: 'subjectId',
  description: 'The subject as the product knows them (URL-encoded; 1-256 characters)',
  example: 'jane.doe@example.com',
};

@ApiTags('consent')
@Controller('v1/subjects/:subjectId/consents')
@Access({ scopes: ['consent:read'] })
export class SubjectConsentsController {
  constructor(private readonly queries: ConsentQueryService) {}

  @Get()
  @ApiOperation({ summary: "The subject's current decision per purpose" })
  @ApiParam(SUBJECT_PARAM)
  @ApiOkResponse({ type: SubjectConsentsDto })
  @ApiBadRequestResponse({ description: 'subjectId too long or blank' })
  current(@Param('subjectId') subjectId: string): Promise<SubjectConsentsDto> {
    return this.queries.current(subjectId);
  }

  @Get('history')
  @ApiOperation({ summary: 'Every consent event of the subject, oldest first' })
  @ApiParam(SUBJECT_PARAM)
  @ApiOkResponse({ type: ConsentHistoryDto })
  @ApiBadRequestResponse({ description: 'subjectId too long or blank, or a bad cursor' })
  history(
    @Param('subjectId') subjectId: string,
    @Query() query: PageQueryDto,
  ): Promise<ConsentHistoryDto> {
    return this.queries.history(subjectId, query);
  }
}
