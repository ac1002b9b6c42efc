import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from '../dto/admin.dto';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { ApiKeysService } from './api-keys.service';

function toDto(e: ApiKeyEntity): ApiKeyDto {
  return {
    id: e.id,
    name: e.name,
    scopes: e.scopes,
    keyAliases: e.keyAliases,
    rateLimitPerMinute: e.rateLimitPerMinute,
    prefix: e.prefix,
    createdAt: e.createdAt.toISOString(),
    lastUsedAt: e.lastUsedAt?.toISOString() ?? null,
    revokedAt: e.revokedAt?.toISOString() ?? null,
  };
}

@ApiTags('admin')
@Controller('v1/admin/api-keys')
@Access({ roles: ['admin'] })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for a product backend; the key is shown once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    const { entity, key } = await this.keys.create(ctx, {
      name: body.name,
      scopes: body.scopes,
      keyAliases: body.keyAliases ?? null,
      rateLimitPerMinute: body.rateLimitPerMinute ?? null,
      createdBy: ctx.caller?.id ?? null,
    });
    return { ...toDto(entity), key };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(): Promise<ApiKeyListDto> {
    return { items: (await this.keys.list()).map(toDto), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ description: 'No such key' })
  async revoke(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.keys.revoke(ctx, id);
  }
}
