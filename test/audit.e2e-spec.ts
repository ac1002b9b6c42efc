import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { deriveChainKey, keyedChainHash } from 'src/audit/audit-chain';
import { AppConfig } from 'src/config/app-config';
import { AuditService } from 'src/audit/audit.service';
import { createApiKey, uniqueEmail } from './support/factories';
import { adminToken, BOOTSTRAP_ADMIN, createTestApp, TestApp } from './support/test-app';

interface Event {
  id: string;
  action: string;
  outcome: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string | null } | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

describe('audit log', () => {
  let t: TestApp;
  let admin: string;
  let db: DataSource;

  const events = async (query: string): Promise<{ items: Event[]; nextCursor: string | null }> =>
    (
      await request(t.http)
        .get(`/v1/audit/events?${query}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200)
    ).body;

  const expectChainIntact = async (): Promise<void> => {
    await request(t.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200, /"ok":true/);
  };
  const eventsOf = async (requestId: string): Promise<number> => {
    const rows: Array<{ n: number }> = await db.query(
      'SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1',
      [requestId],
    );
    return rows[0].n;
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('records logins, failures, and API key creation and revocation, without secrets', async () => {
    const email = uniqueEmail('ghost');
    await request(t.http)
      .post('/v1/auth/login')
      .set('X-Request-Id', 'req-failed-login')
      .send({ email, password: 'nope' })
      .expect(401);
    const key = await createApiKey(t.http, admin, ['dlp:scan']);
    await request(t.http)
      .delete(`/v1/admin/api-keys/${key.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);

    const failed = (await events('action=auth.login&limit=500')).items.find(
      (e) => e.requestId === 'req-failed-login',
    );
    expect(failed).toMatchObject({ outcome: 'failure', actor: { type: 'user', id: null } });
    const keyEvents = (await events('limit=500')).items
      .filter((e) => e.target?.id === key.id)
      .map((e) => e.action);
    expect(keyEvents).toEqual(['admin.api_key.revoke', 'admin.api_key.create']);
    const dump = JSON.stringify(await db.query('SELECT * FROM audit_events'));
    expect(dump).not.toContain(email);
    expect(dump).not.toContain(key.key);
    expect(dump).not.toContain(BOOTSTRAP_ADMIN.password);
  });

  it('filters by actor, action and time, newest first, with cursor pagination', async () => {
    await adminToken(t.http);
    await adminToken(t.http);
    const logins = (await events('action=auth.login&limit=50')).items;
    const me = logins.find((e) => e.outcome === 'success')?.actor.id as string;
    const page1 = await events(`actor=${me}&action=auth.login&limit=2`);
    expect(page1.items).toHaveLength(2);
    expect(page1.items.every((e) => e.actor.id === me && e.action === 'auth.login')).toBe(true);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await events(`actor=${me}&action=auth.login&limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items[0].id).not.toBe(page1.items[1].id);
    const future = await events(
      `since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.items).toEqual([]);
    await request(t.http)
      .get('/v1/audit/events?since=yesterday')
      .set('Authorization', `Bearer ${admin}`)
      .expect(400);
    await request(t.http)
      .get('/v1/audit/events?cursor=%%%')
      .set('Authorization', `Bearer ${admin}`)
      .expect(400);
    await request(t.http)
      .get('/v1/audit/events?limit=501')
      .set('Authorization', `Bearer ${admin}`)
      .expect(400);
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    const audit = t.app.get(AuditService);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        audit.record({ requestId: `concurrent-${i}` }, { action: 'test.concurrent' }),
      ),
    );
    const forks: Array<{ n: string }> = await db.query(
      'SELECT count(*) AS n FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) f',
    );
    expect(Number(forks[0].n)).toBe(0);
    const res = await request(t.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body).toMatchObject({ ok: true });
    expect(res.body.checked).toBeGreaterThanOrEqual(60);
  });

  it('links appends that join transactions, committed or rolled back, into the same chain', async () => {
    const audit = t.app.get(AuditService);
    const marker = randomUUID();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? audit.record({ requestId: marker }, { action: 'test.alone' })
          : db
              .transaction(async (m) => {
                await audit.record({ requestId: marker }, { action: 'test.joined' }, m);
                if (i % 3 === 2) {
                  throw new Error('roll back');
                }
              })
              .catch(() => undefined),
      ),
    );
    const kept: Array<{ action: string; n: number }> = await db.query(
      'SELECT action, count(*)::int AS n FROM audit_events WHERE request_id = $1 GROUP BY action ORDER BY action',
      [marker],
    );
    expect(kept).toEqual([
      { action: 'test.alone', n: 10 },
      { action: 'test.joined', n: 10 },
    ]);
    await expectChainIntact();
  });

  it('appends an event with a change in one statement, only when the change touched a row', async () => {
    const audit = t.app.get(AuditService);
    const marker = randomUUID();
    await db.query('CREATE TABLE audit_change_probe (id int PRIMARY KEY, state text NOT NULL)');
    await db.query(`INSERT INTO audit_change_probe VALUES (1, 'open')`);
    const close = (i: number) =>
      audit.recordChange(
        { requestId: marker },
        { action: 'test.change', details: { attempt: i } },
        {
          sql: `UPDATE audit_change_probe SET state = $2 WHERE id = 1 AND state = $1 RETURNING id`,
          params: ['open', 'closed'],
        },
      );
    // Twenty racers guarded by the same state: one changes the row and is audited.
    const events = await Promise.all(Array.from({ length: 20 }, (_, i) => close(i)));
    expect(events.filter((e) => e !== null)).toHaveLength(1);
    expect(await close(99)).toBeNull();
    expect(await eventsOf(marker)).toBe(1);
    // A change that fails leaves no event behind.
    await expect(
      audit.recordChange(
        { requestId: marker },
        { action: 'test.change' },
        { sql: `UPDATE audit_change_probe SET id = 1 / 0 RETURNING id`, params: [] },
      ),
    ).rejects.toThrow(/division by zero/);
    expect(await eventsOf(marker)).toBe(1);
    await db.query('DROP TABLE audit_change_probe');
    await expectChainIntact();
  });

  it('hashes non-ASCII and escaped text in the database exactly as verification does', async () => {
    const audit = t.app.get(AuditService);
    const event = await audit.record(
      { requestId: 'zß水🔑' },
      {
        action: 'test.unicode',
        details: {
          text: 'Zoë "quoted" \\ back\nslash\t\u0001 ✓ 🔐',
          nested: { z: [1.5, -0, 1e21] },
        },
      },
    );
    expect(event.hash).toBe(
      keyedChainHash(deriveChainKey(t.app.get(AppConfig).masterKey).key, event.prevHash, event),
    );
    await expectChainIntact();
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(db.query("UPDATE audit_events SET outcome = 'failure'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
  });

  it('reports the first edited event when verifying', async () => {
    const audit = t.app.get(AuditService);
    const marker = randomUUID();
    const victim = await audit.record(
      { requestId: marker },
      { action: 'test.tamper', details: { amount: 1 } },
    );
    await audit.record({}, { action: 'test.after-tamper' });
    // A superuser bypassing the trigger, as an attacker with database access would.
    await db.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(`UPDATE audit_events SET details = '{"amount": 1000}' WHERE id = $1`, [
        victim.id,
      ]);
    });
    const res = await request(t.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body).toMatchObject({ ok: false, firstBrokenId: victim.id });
    await db.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(`UPDATE audit_events SET details = '{"amount": 1}' WHERE id = $1`, [victim.id]);
    });
    await expectChainIntact();
  });

  it('reports a removed event through the broken link of its successor', async () => {
    const audit = t.app.get(AuditService);
    const removed = await audit.record({}, { action: 'test.remove-me' });
    const successor = await audit.record({}, { action: 'test.successor' });
    const row: Array<Record<string, unknown>> = await db.query(
      'SELECT * FROM audit_events WHERE id = $1',
      [removed.id],
    );
    await db.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query('DELETE FROM audit_events WHERE id = $1', [removed.id]);
    });
    const res = await request(t.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body).toMatchObject({ ok: false, firstBrokenId: successor.id });
    // Put it back so later suites see a whole chain.
    const r = row[0];
    await db.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(
        `INSERT INTO audit_events (id, seq, occurred_at, actor_type, actor_id, action, target_type, target_id, outcome, request_id, details, prev_hash, hash, chain_key)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [
          r.id,
          r.seq,
          r.occurred_at,
          r.actor_type,
          r.actor_id,
          r.action,
          r.target_type,
          r.target_id,
          r.outcome,
          r.request_id,
          r.details,
          r.prev_hash,
          r.hash,
          r.chain_key,
        ],
      );
    });
    await expectChainIntact();
  });

  it('is readable by admins and auditors only', async () => {
    const key = await createApiKey(t.http, admin, ['requests:read']);
    await request(t.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${key.key}`)
      .expect(403);
  });
});
