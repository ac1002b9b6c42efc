import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import { AliasParamDto } from '../dto/alias-param.dto';
import { CreateKeyDto, KeyDetailDto, KeyDto, KeyListDto } from '../dto/keys.dto';
import { KeyManagementService } from './key-management.service';

@ApiTags('field encryption')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeyManagementService) {}

  @Get()
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'List key-encryption keys (every version of every alias)' })
  @ApiOkResponse({ type: KeyListDto })
  list(@Query() query: PageQueryDto): Promise<KeyListDto> {
    return this.keys.list(query.limit, query.cursor);
  }

  @Get(':alias')
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'A key alias: its versions and the progress of the latest re-wrap job' })
  @ApiOkResponse({ type: KeyDetailDto })
  @ApiNotFoundResponse({ description: 'No key with this alias' })
  get(@Param() params: AliasParamDto): Promise<KeyDetailDto> {
    return this.keys.get(params.alias);
  }

  @Post()
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Register a key alias wrapped by the configured root key provider' })
  @ApiCreatedResponse({ type: KeyDto })
  @ApiConflictResponse({ description: 'The alias exists' })
  @ApiUnprocessableEntityResponse({ description: 'The provider is not the configured one' })
  create(@ReqContext() ctx: RequestContext, @Body() body: CreateKeyDto): Promise<KeyDto> {
    return this.keys.create(ctx, body);
  }

  @Post(':alias/rotate')
  @HttpCode(201)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary:
      'New key version; existing ciphertexts stay readable while data keys are re-wrapped in the background',
  })
  @ApiCreatedResponse({ type: KeyDetailDto })
  @ApiNotFoundResponse({ description: 'No key with this alias' })
  rotate(@ReqContext() ctx: RequestContext, @Param() params: AliasParamDto): Promise<KeyDetailDto> {
    return this.keys.rotate(ctx, params.alias);
  }
}
