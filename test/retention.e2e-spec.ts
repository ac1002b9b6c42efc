import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { RequestRetention } from 'src/privacy-requests/retention/request-retention.service';
import { RETENTION_QUEUE, RetentionJob } from 'src/privacy-requests/retention/retention.jobs';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { spawnEntry } from './support/spawn-service';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

const TERMINAL = ['completed', 'failed', 'rejected'];

describe('retention of request records and access packages', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let db: Client;
  let writer: string;
  let reader: string;
  let dpo: string;
  let retention: RequestRetention;
  let repository: PrivacyRequestRepository;

  beforeAll(async () => {
    own = await ownDatabase('retention');
    t = await createTestApp({
      ...own.env,
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'retention-exports-')),
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
    });
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    const admin = await adminToken(t.http);
    writer = (await createApiKey(t.http, admin, ['requests:write'])).key;
    reader = admin;
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
    retention = t.app.get(RequestRetention);
    repository = t.app.get(PrivacyRequestRepository);
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
    await own?.drop();
  });

  async function file(type: string, jurisdiction: string): Promise<string> {
    const res = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type, jurisdiction, subject: { email: uniqueEmail('retention') } })
      .expect(201);
    return res.body.id as string;
  }

  async function settle(id: string): Promise<string> {
    for (let i = 0; i < 150; i++) {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${reader}`)
        .expect(200);
      if (TERMINAL.includes(res.body.status)) {
        return res.body.status as string;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`request ${id} did not settle`);
  }

  /** Moves a settled request into the past, as if received and answered then. */
  async function backdate(
    id: string,
    receivedAt: string,
    answer: { status: string; respondedAt: string | null },
  ): Promise<void> {
    await db.query(
      `UPDATE privacy_requests
          SET received_at = $2, responded_at = $3, status = $4,
              completed_at = CASE WHEN $4 = 'completed' THEN $3::timestamptz END
        WHERE id = $1`,
      [id, receivedAt, answer.respondedAt, answer.status],
    );
  }

  const exists = async (id: string): Promise<boolean> =>
    (await db.query('SELECT 1 FROM privacy_requests WHERE id = $1', [id])).rowCount === 1;

  it('purges records older than the retention with their tasks, and the year’s metrics stay', async () => {
    const ids = await Promise.all([
      file('access', 'CCPA'),
      file('erasure', 'CCPA'),
      file('erasure', 'CCPA'),
      file('opt_out_sale', 'CCPA'),
      file('access', 'GDPR'),
      file('access', 'CCPA'),
      file('erasure', 'UK_GDPR'),
      file('erasure', 'UK_GDPR'),
    ]);
    for (const id of ids) {
      await settle(id);
    }
    const [access, erasure, denied, optOut, gdpr, recent, unverified, awaitingDpo] = ids;
    await backdate(access, '2023-03-01T12:00:00Z', {
      status: 'completed',
      respondedAt: '2023-03-11T00:00:00Z',
    });
    await backdate(erasure, '2023-05-01T12:00:00Z', {
      status: 'completed',
      respondedAt: '2023-05-31T12:00:00Z',
    });
    // Late on 31 Dec in California is already 2024 in UTC: it counts in California's 2023.
    await backdate(denied, '2024-01-01T07:30:00Z', {
      status: 'rejected',
      respondedAt: '2024-01-03T07:30:00Z',
    });
    await backdate(optOut, '2023-07-04T12:00:00Z', { status: 'failed', respondedAt: null });
    await backdate(gdpr, '2023-02-01T12:00:00Z', {
      status: 'completed',
      respondedAt: '2023-02-21T12:00:00Z',
    });
    // Inside the 24 months: kept.
    const keptSince = new Date(Date.now() - 23 * 31 * 86_400_000).toISOString();
    await backdate(recent, keptSince, { status: 'completed', respondedAt: keptSince });
    // Never verified: abandoned, purged. Waiting for a DPO: open, kept whatever its age.
    await backdate(unverified, '2023-08-01T12:00:00Z', {
      status: 'pending_verification',
      respondedAt: null,
    });
    await backdate(awaitingDpo, '2023-08-01T12:00:00Z', {
      status: 'pending_approval',
      respondedAt: null,
    });
    // A task row, as a store would have left it: it goes with its request.
    await db.query(
      `INSERT INTO privacy_request_tasks (request_id, data_store_name, status)
       VALUES ($1, 'crm-ünïcode', 'completed')`,
      [access],
    );

    const metricsBefore = await repository.yearMetrics(2023, 'CCPA', 'America/Los_Angeles');
    expect(metricsBefore).toEqual([
      { type: 'access', received: 1, complied: 1, denied: 0, medianDays: 9.5, meanDays: 9.5 },
      { type: 'erasure', received: 2, complied: 1, denied: 1, medianDays: 16, meanDays: 16 },
      {
        type: 'opt_out_sale',
        received: 1,
        complied: 0,
        denied: 0,
        medianDays: null,
        meanDays: null,
      },
    ]);

    const result = await retention.purge();
    expect(result.requests).toBeGreaterThanOrEqual(6);

    for (const id of [access, erasure, denied, optOut, gdpr, unverified]) {
      expect(await exists(id)).toBe(false);
      await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${reader}`)
        .expect(404);
    }
    expect(await exists(recent)).toBe(true);
    expect(await exists(awaitingDpo)).toBe(true);
    const tasks = await db.query('SELECT 1 FROM privacy_request_tasks WHERE request_id = $1', [
      access,
    ]);
    expect(tasks.rowCount).toBe(0);

    expect(await repository.yearMetrics(2023, 'CCPA', 'America/Los_Angeles')).toEqual(
      metricsBefore,
    );
    expect(await repository.yearMetrics(2023, 'GDPR', 'Europe/Brussels')).toEqual([
      { type: 'access', received: 1, complied: 1, denied: 0, medianDays: 20, meanDays: 20 },
    ]);
    const kept = await db.query(
      `SELECT year, jurisdiction, type, outcome, days_to_respond::float AS days, requests
         FROM privacy_request_metrics WHERE year = 2023 ORDER BY jurisdiction, type, outcome`,
    );
    expect(kept.rows).toEqual([
      {
        year: 2023,
        jurisdiction: 'CCPA',
        type: 'access',
        outcome: 'complied',
        days: 9.5,
        requests: 1,
      },
      {
        year: 2023,
        jurisdiction: 'CCPA',
        type: 'erasure',
        outcome: 'complied',
        days: 30,
        requests: 1,
      },
      {
        year: 2023,
        jurisdiction: 'CCPA',
        type: 'erasure',
        outcome: 'denied',
        days: 2,
        requests: 1,
      },
      {
        year: 2023,
        jurisdiction: 'CCPA',
        type: 'opt_out_sale',
        outcome: 'unanswered',
        days: null,
        requests: 1,
      },
      {
        year: 2023,
        jurisdiction: 'GDPR',
        type: 'access',
        outcome: 'complied',
        days: 20,
        requests: 1,
      },
      {
        year: 2023,
        jurisdiction: 'UK_GDPR',
        type: 'erasure',
        outcome: 'unanswered',
        days: null,
        requests: 1,
      },
    ]);

    // Audited as the system, with counts only.
    const audit = await request(t.http)
      .get('/v1/audit/events?action=privacy_request.retention_purged')
      .set('Authorization', `Bearer ${await adminToken(t.http)}`)
      .expect(200);
    const event = (audit.body.items as Array<Record<string, unknown>>).find(
      (e) => e.action === 'privacy_request.retention_purged',
    );
    expect(event).toMatchObject({ actor: { type: 'system' } });
    expect(event?.details).toMatchObject({ requests: result.requests, retentionMonths: 24 });
    for (const id of ids) {
      expect(JSON.stringify(event)).not.toContain(id);
    }

    // A second run finds nothing more and changes no figure.
    expect((await retention.purge()).requests).toBe(0);
    expect(await repository.yearMetrics(2023, 'CCPA', 'America/Los_Angeles')).toEqual(
      metricsBefore,
    );
  });

  it('deletes an expired access package and its link stops working', async () => {
    const id = await file('access', 'GDPR');
    expect(await settle(id)).toBe('completed');
    const link = await request(t.http)
      .get(`/v1/privacy-requests/${id}/export`)
      .set('Authorization', `Bearer ${dpo}`)
      .expect(200);
    const row = await db.query<{ export_path: string; export_expires_at: Date }>(
      'SELECT export_path, export_expires_at FROM privacy_requests WHERE id = $1',
      [id],
    );
    const { export_path: path, export_expires_at: expiresAt } = row.rows[0];
    expect(existsSync(path)).toBe(true);
    // The package lives EXPORT_LINK_TTL (7 days by default), and no link outlives it.
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    expect(Date.parse(link.body.expiresAt)).toBeLessThanOrEqual(expiresAt.getTime());
    const url = new URL(link.body.url as string);
    await request(t.http).get(url.pathname).expect(200);

    await db.query(
      `UPDATE privacy_requests SET export_expires_at = now() - interval '1 minute' WHERE id = $1`,
      [id],
    );
    const result = await retention.purge();
    expect(result.exports).toBeGreaterThanOrEqual(1);
    expect(existsSync(path)).toBe(false);
    const after = await db.query('SELECT export_path FROM privacy_requests WHERE id = $1', [id]);
    expect(after.rows[0].export_path).toBeNull();

    const download = await request(t.http).get(url.pathname).expect(404);
    expect(download.headers['content-type']).toMatch(/^application\/problem\+json/);
    const again = await request(t.http)
      .get(`/v1/privacy-requests/${id}/export`)
      .set('Authorization', `Bearer ${dpo}`)
      .expect(410);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body.detail).toBe('The access package has expired and was deleted');
  });

  it('runs the purge as an hourly repeatable job on the queue', async () => {
    const queue = t.app.get<Queue>(getQueueToken(RETENTION_QUEUE));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: RetentionJob.Purge, every: 3_600_000 }),
      ]),
    );
    const job = await queue.add(RetentionJob.Purge, {});
    let state = '';
    for (let i = 0; i < 100 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await job.getState();
    }
    expect(state).toBe('completed');
    const done = await Job.fromId(queue, job.id ?? '');
    expect(done?.returnvalue).toMatchObject({ requests: 0 });
  });

  it('refuses to start with a retention shorter than 24 months', async () => {
    const child = spawnEntry('main', { REQUEST_RETENTION: '12mo', PORT: '0' });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).not.toBe(0);
    expect(output).toContain('REQUEST_RETENTION must be at least 24 months');
  });
});
