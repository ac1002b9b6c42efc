import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface AlertRow {
  id: string;
  seq: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  details: Record<string, unknown>;
}

/** Alerts are audit events (`security.alert`); known devices have a table of their own. */
@Injectable()
export class SecurityAlertsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(filter: {
    since?: Date;
    kind?: string;
    beforeSeq?: string;
    limit: number;
  }): Promise<AlertRow[]> {
    return this.db.query<AlertRow[]>(
      `SELECT id, seq::text AS seq, occurred_at, actor_type, actor_id, details
         FROM audit_events
        WHERE action = 'security.alert'
          AND ($1::timestamptz IS NULL OR occurred_at >= $1)
          AND ($2::text IS NULL OR details->>'kind' = $2)
          AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC
        LIMIT $4`,
      [filter.since ?? null, filter.kind ?? null, filter.beforeSeq ?? null, filter.limit],
    );
  }

  /**
   * Remembers the device for the user; whether it is new to a user who already had others
   * (the first device a user ever logs in from is not news).
   */
  async rememberDevice(
    userId: string,
    device: { id: string; family: string; address: string },
  ): Promise<boolean> {
    const [row] = await this.db.query<Array<{ inserted: boolean; others: string }>>(
      `WITH prior AS (
         SELECT count(*) AS others FROM security_known_devices WHERE user_id = $1 AND device_id <> $2
       ), up AS (
         INSERT INTO security_known_devices (user_id, device_id, family, address)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, device_id) DO UPDATE SET last_seen_at = now()
         RETURNING (xmax = 0) AS inserted
       )
       SELECT up.inserted, prior.others::text AS others FROM up, prior`,
      [userId, device.id, device.family, device.address],
    );
    return row.inserted && Number(row.others) > 0;
  }

  async emailOf(userId: string): Promise<string | undefined> {
    const rows = await this.db.query<Array<{ email: string }>>(
      'SELECT email FROM admin_users WHERE id = $1',
      [userId],
    );
    return rows[0]?.email;
  }
}
