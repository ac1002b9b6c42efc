import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { maskedUrl } from 'src/common/outbound/masked-url';
import { assertWebhookTarget } from 'src/common/outbound/webhook-target';
import { AppConfig } from 'src/config/app-config';
import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { isPlainUrl, PersonalDataCipher, serviceContext } from 'src/crypto/personal-data.cipher';
import type { SealedColumn } from 'src/crypto/reseal/sealed-column';
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

/** Target URLs may carry tokens (userinfo, query): sealed at rest, bound to their webhook. */
const urlContext = (id: string): Record<string, string> =>
  serviceContext('consent_webhooks.url', { webhook: id });

function toDto(r: WebhookRecord, url: string): WebhookDto {
  return {
    id: r.id,
    // The URL may hold credentials (userinfo, query values): shown masked, sent as opened.
    url: maskedUrl(url),
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
    private readonly cipher: PersonalDataCipher,
  ) {}

  /** The target to post to; never logged nor answered. */
  urlOf(row: WebhookRecord): Promise<string> {
    return this.cipher.openUrl(row.url, urlContext(row.id));
  }

  /** The stored URLs as a column `OwnValueResealer` seals at start-up (rows written before). */
  get urls(): SealedColumn {
    return {
      ...this.webhooks.urlColumn(),
      keyAlias: INTERNAL_ALIAS,
      contexts: (id) => ({ context: urlContext(id), legacy: urlContext(id) }),
      isPlain: isPlainUrl,
    };
  }

  private sealUrl(id: string, url: string): Promise<string> {
    return this.cipher.encrypt(url, { context: urlContext(id), keyAlias: INTERNAL_ALIAS });
  }

  private async dto(row: WebhookRecord): Promise<WebhookDto> {
    return toDto(row, await this.urlOf(row));
  }

  async create(ctx: RequestContext, body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    assertWebhookTarget(body.url, 'url', this.config.webhooks.allowPrivateNetworks);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    const url = await this.sealUrl(id, body.url);
    const saved = await this.webhooks.transaction(async (m) => {
      const row = await this.webhooks.insert(m, {
        id,
        url,
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
    return { ...toDto(saved, body.url), secret };
  }

  async list(query: { limit: number; cursor?: string }): Promise<WebhookListDto> {
    const after = decodeCursor(query.cursor, ['id'], isIdCursor);
    const rows = await this.webhooks.list(after?.id, query.limit + 1);
    const items = rows.slice(0, query.limit);
    return {
      items: await Promise.all(items.map((r) => this.dto(r))),
      nextCursor:
        rows.length > query.limit ? encodeCursor({ id: items[items.length - 1].id }) : null,
    };
  }

  async get(id: string): Promise<WebhookDto> {
    const row = await this.webhooks.find(id);
    if (!row) {
      throw new ConsentError(ConsentErrorCode.WebhookNotFound, 'No webhook with this id.');
    }
    return this.dto(row);
  }

  async update(ctx: RequestContext, id: string, body: UpdateWebhookDto): Promise<WebhookDto> {
    assertWebhookTarget(body.url, 'url', this.config.webhooks.allowPrivateNetworks);
    const url = body.url === undefined ? undefined : await this.sealUrl(id, body.url);
    const row = await this.webhooks.transaction(async (m) => {
      const updated = await this.webhooks.update(m, id, { ...body, url });
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
    return this.dto(row);
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
