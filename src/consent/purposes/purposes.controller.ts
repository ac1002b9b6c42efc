import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, Authenticated } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  CreatePurposeDto,
  PurposeDto,
  PurposeKeyParamDto,
  PurposeListDto,
  PurposeListQueryDto,
  PurposeVersionBodyDto,
} from '../dto/purpose.dto';
import { PurposesService } from './purposes.service';

@ApiTags('consent')
@Controller('v1/purposes')
export class PurposesController {
  constructor(private readonly purposes: PurposesService) {}

  @Post()
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({ summary: 'Create a processing purpose (version 1 unless given)' })
  @ApiCreatedResponse({ type: PurposeDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json)' })
  @ApiConflictResponse({ description: 'A purpose with this key exists' })
  create(@ReqContext() ctx: RequestContext, @Body() body: CreatePurposeDto): Promise<PurposeDto> {
    return this.purposes.create(ctx, body);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List purposes (latest version of each), by key' })
  @ApiOkResponse({ type: PurposeListDto })
  list(@Query() query: PurposeListQueryDto): Promise<PurposeListDto> {
    return this.purposes.list(query);
  }

  @Get(':key')
  @Authenticated()
  @ApiOperation({ summary: 'One purpose, latest version' })
  @ApiOkResponse({ type: PurposeDto })
  @ApiNotFoundResponse({ description: 'No such purpose' })
  get(@Param() params: PurposeKeyParamDto): Promise<PurposeDto> {
    return this.purposes.get(params.key);
  }

  @Put(':key')
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: 'Publish a new version of the purpose',
    description:
      'Earlier consents stay tied to the version they were given for and are no longer current; ' +
      'a consent-based purpose then needs re-consent.',
  })
  @ApiOkResponse({ type: PurposeDto })
  @ApiNotFoundResponse({ description: 'No such purpose' })
  @ApiUnprocessableEntityResponse({ description: 'version is not higher than the latest' })
  newVersion(
    @ReqContext() ctx: RequestContext,
    @Param() params: PurposeKeyParamDto,
    @Body() body: PurposeVersionBodyDto,
  ): Promise<PurposeDto> {
    return this.purposes.newVersion(ctx, params.key, body);
  }
}
