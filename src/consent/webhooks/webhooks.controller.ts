import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookListDto,
} from '../dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('admin')
@Controller('v1/admin/webhooks')
@Access({ roles: ['admin'] })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint for consent.changed events; the signing secret is shown once',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiBadRequestResponse({
    description:
      'Invalid body (problem+json, one entry per field); in production also a URL naming a loopback, private or link-local host',
  })
  create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreateWebhookDto,
  ): Promise<CreatedWebhookDto> {
    return this.webhooks.create(ctx, body);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook endpoints (never their secrets)' })
  @ApiOkResponse({ type: WebhookListDto })
  list(@Query() query: PageQueryDto): Promise<WebhookListDto> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook endpoint' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, events or description, or pause/resume' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiBadRequestResponse({
    description:
      'Invalid body (problem+json, one entry per field); in production also a URL naming a loopback, private or link-local host',
  })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  update(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return this.webhooks.update(ctx, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint; queued deliveries to it are dropped' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  async remove(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.webhooks.remove(ctx, id);
  }
}
