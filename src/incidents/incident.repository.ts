import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  IncidentClock,
  IncidentRow,
  NEAR_DEADLINE_HOURS,
  NotificationRow,
  NotifiedParty,
} from './incident.types';

interface IncidentRecord {
  id: string;
  title: string;
  description: string | null;
  detected_at: Date;
  notify_authority_by: Date;
  affected_subjects: string | null;
  data_categories: string[];
  authority_notified_at: Date | null;
  subjects_notified_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, title, description, detected_at, notify_authority_by, affected_subjects,
  data_categories, authority_notified_at, subjects_notified_at, created_at`;

const toRow = (r: IncidentRecord): IncidentRow => ({
  id: r.id,
  title: r.title,
  description: r.description,
  detectedAt: r.detected_at,
  notifyAuthorityBy: r.notify_authority_by,
  // bigint comes back as text; counts of subjects stay far below 2^53.
  affectedSubjects: r.affected_subjects === null ? null : Number(r.affected_subjects),
  dataCategories: r.data_categories,
  authorityNotifiedAt: r.authority_notified_at,
  subjectsNotifiedAt: r.subjects_notified_at,
  createdAt: r.created_at,
});

export interface NewIncident {
  id: string;
  title: string;
  description: string | null;
  detectedAt: Date;
  notifyAuthorityBy: Date;
  affectedSubjects: number | null;
  dataCategories: string[];
  recordedBy: string | null;
}

/** All SQL of the breach register. */
@Injectable()
export class IncidentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(m: EntityManager, i: NewIncident): Promise<void> {
    await m.query(
      `INSERT INTO incidents (id, title, description, detected_at, notify_authority_by,
         affected_subjects, data_categories, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        i.id,
        i.title,
        i.description,
        i.detectedAt,
        i.notifyAuthorityBy,
        i.affectedSubjects,
        i.dataCategories,
        i.recordedBy,
      ],
    );
  }

  async findById(id: string, m: EntityManager = this.dataSource.manager) {
    const rows = await m.query<IncidentRecord[]>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** The incident, locked until the caller's transaction ends. */
  async lockById(m: EntityManager, id: string): Promise<IncidentRow | undefined> {
    const rows = await m.query<IncidentRecord[]>(
      `SELECT ${COLUMNS} FROM incidents WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Newest first, after the cursor position. */
  async list(limit: number, after?: { createdAt: string; id: string }): Promise<IncidentRow[]> {
    const rows = await this.dataSource.query<IncidentRecord[]>(
      `SELECT ${COLUMNS} FROM incidents
        WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toRow);
  }

  async findNotifications(incidentId: string): Promise<NotificationRow[]> {
    const rows = await this.dataSource.query<
      Array<{ id: string; party: NotifiedParty; notified_at: Date; created_at: Date }>
    >(
      `SELECT id, party, notified_at, created_at FROM incident_notifications
        WHERE incident_id = $1 ORDER BY notified_at, created_at`,
      [incidentId],
    );
    return rows.map((r) => ({
      id: r.id,
      party: r.party,
      at: r.notified_at,
      recordedAt: r.created_at,
    }));
  }

  /** Logs a notification; the incident keeps the earliest time each party was told. */
  async insertNotification(
    m: EntityManager,
    n: {
      id: string;
      incidentId: string;
      party: NotifiedParty;
      at: Date;
      recordedBy: string | null;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO incident_notifications (id, incident_id, party, notified_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [n.id, n.incidentId, n.party, n.at, n.recordedBy],
    );
    const column = n.party === 'authority' ? 'authority_notified_at' : 'subjects_notified_at';
    await m.query(
      `UPDATE incidents SET ${column} = LEAST(coalesce(${column}, $2), $2) WHERE id = $1`,
      [n.incidentId, n.at],
    );
  }

  /** Incidents the authority has not been told of, past or near their 72 h. */
  async clock(): Promise<IncidentClock> {
    const [row] = await this.dataSource.query<IncidentClock[]>(
      `SELECT count(*)::int AS "open",
              count(*) FILTER (WHERE notify_authority_by < now())::int AS "pastDeadline",
              count(*) FILTER (WHERE notify_authority_by >= now()
                AND notify_authority_by < now() + make_interval(hours => $1))::int AS "dueWithin24Hours"
         FROM incidents WHERE authority_notified_at IS NULL`,
      [NEAR_DEADLINE_HOURS],
    );
    return row;
  }
}
