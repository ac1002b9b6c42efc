import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { maskedUrl } from 'src/common/outbound/masked-url';
import { assertWebhookTarget } from 'src/common/outbound/webhook-target';
import { AppConfig } from 'src/config/app-config';
import { decodeCursor, encodeCursor } from 'src/common/pagination/cursor';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookListDto,
} from '../dto/webhook.dto';
import { WebhookRecord, WebhooksRepository } from './webhooks.repository';

export const WEBHOOK_SECRET_LABEL = 'consent.webhook-secret';

const isIdCursor = (v: unknown): v is { id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { id?: unknown }).id === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as { id: string }).id);

function toDto(r: WebhookRecord): WebhookDto {
  return {
    id: r.id,
    // The URL may hold credentials (userinfo, query values): shown masked, sent as stored.
    url: maskedUrl(r.url),
    description: r.description,
    events: r.events,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Admin-managed endpoints that receive consent change events; secrets are sealed at rest. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly keys: ServiceKeys,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async create(ctx: RequestContext, body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    assertWebhookTarget(body.url, 'url', this.config.webhooks.allowPrivateNetworks);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const saved = await this.webhooks.transaction(async (m) => {
      const row = await this.webhooks.insert(m, {
        url: body.url,
        description: body.description ?? null,
        events: body.events ?? ['consent.changed'],
        secretEnc: this.keys.seal(WEBHOOK_SECRET_LABEL, secret),
      });
      await this.audit.record(
        ctx,
        {
          action: 'consent.webhook.create',
          target: { type: 'webhook', id: row.id },
          details: { events: row.events },
        },
        m,
      );
      return row;
    });
    return { ...toDto(saved), secret };
  }

  async list(query: { limit: number; cursor?: string }): Promise<WebhookListDto> {
    const after = decodeCursor(query.cursor, ['id'], isIdCursor);
    const rows = await this.webhooks.list(after?.id, query.limit + 1);
    const items = rows.slice(0, query.limit);
    return {
      items: items.map(toDto),
      nextCursor:
        rows.length > query.limit ? encodeCursor({ id: items[items.length - 1].id }) : null,
    };
  }

  async get(id: string): Promise<WebhookDto> {
    const row = await this.webhooks.find(id);
    if (!row) {
      throw new ConsentError(ConsentErrorCode.WebhookNotFound, 'No webhook with this id.');
    }
    return toDto(row);
  }

  async update(ctx: RequestContext, id: string, body: UpdateWebhookDto): Promise<WebhookDto> {
    assertWebhookTarget(body.url, 'url', this.config.webhooks.allowPrivateNetworks);
    const row = await this.webhooks.transaction(async (m) => {
      const updated = await this.webhooks.update(m, id, body);
      if (!updated) {
        throw new ConsentError(ConsentErrorCode.WebhookNotFound, 'No webhook with this id.');
      }
      await this.audit.record(
        ctx,
        {
          action: 'consent.webhook.update',
          target: { type: 'webhook', id },
          details: { changed: Object.keys(body).sort() },
        },
        m,
      );
      return updated;
    });
    return toDto(row);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.webhooks.transaction(async (m) => {
      if (!(await this.webhooks.delete(m, id))) {
        throw new ConsentError(ConsentErrorCode.WebhookNotFound, 'No webhook with this id.');
      }
      await this.audit.record(
        ctx,
        { action: 'consent.webhook.delete', target: { type: 'webhook', id } },
        m,
      );
    });
  }

  secretOf(row: WebhookRecord): string {
    return this.keys.open(WEBHOOK_SECRET_LABEL, row.secret_enc);
  }
}
