import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, Public } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import { AliasParamDto } from '../dto/alias-param.dto';
import {
  CreateKeyDto,
  KeyDetailDto,
  KeyDto,
  KeyListDto,
  KeyVersionParamDto,
  UpdateKeySettingsDto,
} from '../dto/keys.dto';
import { PublicJwksDto } from '../dto/managed-crypto.dto';
import { ManagedCryptoService } from '../managed/managed-crypto.service';
import { KeyManagementService } from './key-management.service';

@ApiTags('field encryption')
@Controller('v1/keys')
export class KeysController {
  constructor(
    private readonly keys: KeyManagementService,
    private readonly managed: ManagedCryptoService,
  ) {}

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

  @Patch(':alias')
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary:
      'Keyring settings: minDecryptionVersion (lower versions are refused) and autoRotatePeriod (null turns it off); audited',
  })
  @ApiOkResponse({ type: KeyDetailDto })
  @ApiBadRequestResponse({ description: 'Invalid body or period (problem+json)' })
  @ApiNotFoundResponse({ description: 'No key with this alias' })
  @ApiUnprocessableEntityResponse({
    description: 'minDecryptionVersion exceeds the active version',
  })
  updateSettings(
    @ReqContext() ctx: RequestContext,
    @Param() params: AliasParamDto,
    @Body() body: UpdateKeySettingsDto,
  ): Promise<KeyDetailDto> {
    return this.keys.updateSettings(ctx, params.alias, body);
  }

  @Post(':alias/versions/:version/disable')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary:
      'Disables a key version: everything under it answers 422 at once, on every instance; audited',
  })
  @ApiOkResponse({ type: KeyDetailDto })
  @ApiNotFoundResponse({ description: 'No key with this alias or version' })
  @ApiConflictResponse({ description: 'The active version cannot be disabled' })
  disable(
    @ReqContext() ctx: RequestContext,
    @Param() params: KeyVersionParamDto,
  ): Promise<KeyDetailDto> {
    return this.keys.setVersionEnabled(ctx, params.alias, params.version, false);
  }

  @Post(':alias/versions/:version/enable')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Enables a disabled key version again; audited' })
  @ApiOkResponse({ type: KeyDetailDto })
  @ApiNotFoundResponse({ description: 'No key with this alias or version' })
  enable(
    @ReqContext() ctx: RequestContext,
    @Param() params: KeyVersionParamDto,
  ): Promise<KeyDetailDto> {
    return this.keys.setVersionEnabled(ctx, params.alias, params.version, true);
  }

  @Get(':alias/public-keys')
  @Public('public')
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({
    summary:
      'JWKS of a signing keyring for third parties (no credentials): every version that still verifies, kid `<alias>:<version>`',
  })
  @ApiOkResponse({ type: PublicJwksDto })
  @ApiNotFoundResponse({ description: 'No signing key with this alias' })
  async publicKeys(@Param() params: AliasParamDto): Promise<PublicJwksDto> {
    return { keys: await this.managed.publicKeys(params.alias) };
  }
}
