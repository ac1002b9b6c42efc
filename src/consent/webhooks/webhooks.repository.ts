import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { type SealedColumn, sealedColumnAt } from 'src/crypto/reseal/sealed-column';
import { WebhookEvent } from '../dto/webhook.dto';

export interface WebhookRecord {
  id: string;
  /** Sealed (`WebhooksService.urlOf` opens it); plain in rows written before URLs were sealed. */
  url: string;
  description: string | null;
  events: WebhookEvent[];
  secret_enc: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    m: EntityManager,
    w: {
      id: string;
      url: string;
      description: string | null;
      events: WebhookEvent[];
      secretEnc: string;
    },
  ): Promise<WebhookRecord> {
    const rows = await m.query<WebhookRecord[]>(
      `INSERT INTO consent_webhooks (id, url, description, events, secret_enc)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [w.id, w.url, w.description, w.events, w.secretEnc],
    );
    return rows[0];
  }

  async update(
    m: EntityManager,
    id: string,
    patch: { url?: string; description?: string; events?: WebhookEvent[]; active?: boolean },
  ): Promise<WebhookRecord | undefined> {
    const [rows] = await m.query<[WebhookRecord[], number]>(
      `UPDATE consent_webhooks SET url = COALESCE($2, url),
              description = COALESCE($3, description), events = COALESCE($4, events),
              active = COALESCE($5, active), updated_at = now()
        WHERE id = $1 RETURNING *`,
      [
        id,
        patch.url ?? null,
        patch.description ?? null,
        patch.events ?? null,
        patch.active ?? null,
      ],
    );
    return rows[0];
  }

  /** The stored URLs, read and replaced row by row when they are sealed at start-up. */
  urlColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return sealedColumnAt(
      { table: 'consent_webhooks', column: 'url', key: 'id', keyType: 'uuid' },
      (sql, params) => this.dataSource.query(sql, params),
    );
  }

  async delete(m: EntityManager, id: string): Promise<boolean> {
    const [, count] = await m.query<[unknown, number]>(
      `DELETE FROM consent_webhooks WHERE id = $1`,
      [id],
    );
    return count > 0;
  }

  async find(id: string): Promise<WebhookRecord | undefined> {
    const rows = await this.dataSource.query<WebhookRecord[]>(
      `SELECT * FROM consent_webhooks WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async list(afterId: string | undefined, limit: number): Promise<WebhookRecord[]> {
    return this.dataSource.query<WebhookRecord[]>(
      `SELECT * FROM consent_webhooks WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    );
  }

  async findActiveIds(event: WebhookEvent): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM consent_webhooks WHERE active AND $1 = ANY(events)`,
      [event],
    );
    return rows.map((r) => r.id);
  }
}
