import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { chainHash } from 'src/audit/audit-chain';
import { AuditService } from 'src/audit/audit.service';
import { AuditCheckpointRepository } from 'src/audit/checkpoints/audit-checkpoint.repository';
import { AuditCheckpointSigner } from 'src/audit/checkpoints/audit-checkpoint.signer';
import { AuditHighWater } from 'src/audit/checkpoints/audit-high-water';
import { AuditIntegrityService } from 'src/audit/checkpoints/audit-integrity.service';
import { AuditEventEntity } from 'src/audit/entities/audit-event.entity';
import { SecurityAlertsService } from 'src/security-alerts/security-alerts.service';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';
import { adminToken, createTestApp, TestApp } from './support/test-app';

type Row = Record<string, unknown> & { id: string; seq: string; hash: string };

const COLUMNS = [
  'id',
  'seq',
  'occurred_at',
  'actor_type',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'request_id',
  'details',
  'prev_hash',
  'hash',
  'chain_key',
];

describe('audit log against its database owner', () => {
  let own: ScratchDatabases;
  let t: TestApp;
  let admin: string;
  let db: DataSource;

  // Tampering needs a database of its own: other files append to and verify the shared one.
  beforeAll(async () => {
    own = await createScratchDatabases('audit_integrity');
    t = await createTestApp({
      DATABASE_URL: own.postgresUrl,
      DB_MIGRATE: 'true',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_audit_integrity_${randomBytes(3).toString('hex')}`,
    });
    admin = await adminToken(t.http);
    db = t.app.get(DataSource);
    await settled();
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
  });

  /**
   * Start-up and the admin's login raise alerts after they answer (the detectors run every
   * second); tampering tests need the log to stand still, so wait until it has for two rounds.
   */
  async function settled(): Promise<void> {
    const count = async (): Promise<string> => {
      const [{ n }] = await db.query<Array<{ n: string }>>(
        'SELECT count(*)::text AS n FROM audit_events',
      );
      return n;
    };
    let last = await count();
    for (let still = 0; still < 2;) {
      await t.app.get(SecurityAlertsService).detect();
      await new Promise((r) => setTimeout(r, 1_100));
      const now = await count();
      still = now === last ? still + 1 : 0;
      last = now;
    }
  }

  const verify = async (): Promise<{ ok: boolean; firstBrokenId?: string; reason?: string }> => {
    const res = await request(t.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    return res.body;
  };

  const append = async (n: number): Promise<string[]> => {
    const audit = t.app.get(AuditService);
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      ids.push(
        (await audit.record({}, { action: 'test.integrity', details: { i, text: 'Zoë ✓' } })).id,
      );
    }
    return ids;
  };

  /** As an owner bypassing the append-only trigger would. */
  const asOwner = (
    fn: (q: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<void>,
  ) =>
    db.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await fn((sql, params) => m.query(sql, params));
    });

  const rowsFrom = (seq: string): Promise<Row[]> =>
    db.query(
      `SELECT ${COLUMNS.filter((c) => c !== 'seq').join(', ')}, seq::text AS seq FROM audit_events WHERE audit_events.seq >= $1 ORDER BY audit_events.seq`,
      [seq],
    );

  const putBack = (rows: Row[]): Promise<void> =>
    asOwner(async (q) => {
      for (const r of rows) {
        await q('DELETE FROM audit_events WHERE id = $1', [r.id]);
        await q(
          `INSERT INTO audit_events (${COLUMNS.join(', ')})
           VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
          COLUMNS.map((c) => r[c]),
        );
      }
    });

  const putCheckpointsBack = async (rows: Array<Record<string, unknown>>): Promise<void> => {
    for (const c of rows) {
      await db.query(
        'INSERT INTO audit_checkpoints (id, seq, event_count, head_hash, signed, created_at) VALUES ($1,$2,$3,$4,$5,$6)',
        [c.id, c.seq, c.event_count, c.head_hash, c.signed, c.created_at],
      );
    }
  };

  it('verifies an untouched keyed chain and pins its head in a signed checkpoint', async () => {
    await append(3);
    expect(await verify()).toMatchObject({ ok: true });
    const [cp]: Array<{ n: number; keyed: number }> = await db.query(
      `SELECT (SELECT count(*)::int FROM audit_checkpoints) AS n,
              (SELECT count(*)::int FROM audit_events WHERE chain_key IS NULL) AS keyed`,
    );
    expect(cp.n).toBeGreaterThan(0);
    expect(cp.keyed).toBe(0);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects the newest events deleted directly in SQL', async () => {
    const ids = await append(4);
    expect(await verify()).toMatchObject({ ok: true });
    const [first]: Row[] = await db.query(
      'SELECT seq::text AS seq FROM audit_events WHERE id = $1',
      [ids[1]],
    );
    const removed = await rowsFrom(first.seq);
    await asOwner(async (q) => {
      await q('DELETE FROM audit_events WHERE seq >= $1', [first.seq]);
    });
    expect(await verify()).toMatchObject({ ok: false, reason: 'truncated' });
    await putBack(removed);
    expect(await verify()).toMatchObject({ ok: true });
  });

  /** An instance started afresh: it remembers no checkpoint of its own, only what Redis keeps. */
  const restarted = () =>
    new AuditIntegrityService(
      db.getRepository(AuditEventEntity),
      t.app.get(AuditCheckpointRepository),
      t.app.get(AuditCheckpointSigner),
      t.app.get(AuditHighWater),
      t.config,
    );

  it.each([
    ['while the service runs', () => verify()],
    ['after every instance restarted', () => restarted().verify()],
  ])('detects the newest events and checkpoints deleted together, %s', async (_, check) => {
    await append(2);
    expect(await verify()).toMatchObject({ ok: true });
    const [last]: Row[] = await db.query(
      'SELECT seq::text AS seq FROM audit_events e ORDER BY e.seq DESC LIMIT 1',
    );
    const removed = await rowsFrom(last.seq);
    const checkpoints: Array<Record<string, unknown>> = await db.query(
      'SELECT * FROM audit_checkpoints WHERE seq >= $1',
      [last.seq],
    );
    await asOwner(async (q) => {
      await q('DELETE FROM audit_events WHERE seq >= $1', [last.seq]);
      await q('DELETE FROM audit_checkpoints WHERE seq >= $1', [last.seq]);
    });
    expect(await check()).toMatchObject({ ok: false, reason: 'checkpoint_missing' });
    await putBack(removed);
    await putCheckpointsBack(checkpoints);
    expect(await check()).toMatchObject({ ok: true });
  });

  it('detects the whole chain re-hashed without the key and every checkpoint deleted, after a restart', async () => {
    await append(2);
    expect(await verify()).toMatchObject({ ok: true });
    const original = await rowsFrom('0');
    const checkpoints: Array<Record<string, unknown>> = await db.query(
      'SELECT * FROM audit_checkpoints',
    );
    const rows = (await db
      .getRepository(AuditEventEntity)
      .find({ order: { seq: 'ASC' } })) as Array<
      Parameters<typeof chainHash>[1] & { id: string; prevHash: string }
    >;
    await asOwner(async (q) => {
      let prev = rows[0].prevHash;
      for (const r of rows) {
        const hash = chainHash(prev, r);
        await q(
          'UPDATE audit_events SET prev_hash = $2, hash = $3, chain_key = NULL WHERE id = $1',
          [r.id, prev, hash],
        );
        prev = hash;
      }
      await q('DELETE FROM audit_checkpoints');
    });
    expect(await restarted().verify()).toMatchObject({ ok: false, reason: 'checkpoint_missing' });
    await putBack(original);
    await putCheckpointsBack(checkpoints);
    expect(await restarted().verify()).toMatchObject({ ok: true });
  });

  it('detects an event edited and the chain re-hashed as the unkeyed scheme would', async () => {
    const [victim] = await append(3);
    expect(await verify()).toMatchObject({ ok: true });
    const [v]: Row[] = await db.query('SELECT seq::text AS seq FROM audit_events WHERE id = $1', [
      victim,
    ]);
    const original = await rowsFrom(v.seq);
    const events = t.app.get(DataSource).getRepository('AuditEventEntity');
    await asOwner(async (q) => {
      await q(`UPDATE audit_events SET details = '{"i": 1000}' WHERE id = $1`, [victim]);
      const rows = (await events.find({ order: { seq: 'ASC' } })) as Array<
        Parameters<typeof chainHash>[1] & { seq: string; prevHash: string; hash: string }
      >;
      let prev = rows[0].prevHash;
      for (const r of rows.filter((e) => BigInt(e.seq) >= BigInt(v.seq))) {
        if (r.seq === v.seq) {
          prev = r.prevHash;
        }
        const hash = chainHash(prev, r);
        await q(
          'UPDATE audit_events SET prev_hash = $2, hash = $3, chain_key = NULL WHERE id = $1',
          [r.id, prev, hash],
        );
        prev = hash;
      }
    });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: victim });
    await putBack(original);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects a checkpoint row whose count was changed', async () => {
    await append(1);
    expect(await verify()).toMatchObject({ ok: true });
    await db.query(
      'UPDATE audit_checkpoints SET event_count = event_count - 1 WHERE id = (SELECT max(id) FROM audit_checkpoints)',
    );
    expect(await verify()).toMatchObject({ ok: false, reason: 'checkpoint_signature' });
    await db.query(
      'UPDATE audit_checkpoints SET event_count = event_count + 1 WHERE id = (SELECT max(id) FROM audit_checkpoints)',
    );
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('verifies checkpoints that a process with another public address wrote', async () => {
    const worker = await createTestApp({
      DATABASE_URL: own.postgresUrl,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_audit_integrity_${randomBytes(3).toString('hex')}`,
      PUBLIC_BASE_URL: 'https://worker-7.internal.example',
    });
    try {
      await append(1);
      await worker.app.get(AuditIntegrityService).checkpoint();
    } finally {
      await worker.close();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('extends the checkpoints over new events from the scheduled job', async () => {
    await append(2);
    const [{ n }]: Array<{ n: string }> = await db.query(
      'SELECT count(*)::text AS n FROM audit_events',
    );
    const written = await t.app.get(AuditIntegrityService).checkpoint();
    expect(written).toMatchObject({ count: Number(n) });
    expect(await verify()).toMatchObject({ ok: true });
  });
});
