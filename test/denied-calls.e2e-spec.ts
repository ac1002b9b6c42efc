import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface AuditItem {
  action: string;
  outcome: string;
  actor: { type: string; id: string | null };
  details: { route?: string; method?: string; status?: number; count?: number; address?: string };
}

describe('refused calls', () => {
  let setup: TestApp;
  let admin: string;

  beforeAll(async () => {
    setup = await createTestApp({ WORKERS: 'false' });
    admin = await adminToken(setup.http);
  });
  afterAll(async () => {
    await setup?.close();
  });

  /** access.denied events since `since` for one address (X-Forwarded-For of the test). */
  const deniedFrom = async (since: string, address: string): Promise<AuditItem[]> => {
    const res = await request(setup.http)
      .get('/v1/audit/events')
      .query({ action: 'access.denied', since, limit: 500 })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    return (res.body as { items: AuditItem[] }).items.filter((e) => e.details.address === address);
  };

  it('audits a flood of 401s from one caller as at most two events whose counts add up', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const octet = 1 + Math.floor(Math.random() * 250);
    const flooder = await createTestApp({
      WORKERS: 'false',
      TRUST_PROXY: 'true',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}:denied-${randomUUID().slice(0, 8)}`,
    });
    try {
      for (let i = 0; i < 40; i += 1) {
        await request(flooder.http)
          .get('/v1/audit/events')
          .set('X-Forwarded-For', `203.0.${octet}.${i}`)
          .set('Authorization', `Bearer psk_not-a-key-${i}`)
          .expect(401);
      }
    } finally {
      // Closing hands every count not yet written to the audit log.
      await flooder.close();
    }
    const events = await deniedFrom(since, `203.0.${octet}.0/24`);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(4);
    expect(events.every((e) => e.outcome === 'denied')).toBe(true);
    expect(events[0]).toMatchObject({
      actor: { type: 'anonymous', id: null },
      details: { method: 'GET', route: '/v1/audit/events', status: 401 },
    });
    expect(events.reduce((n, e) => n + (e.details.count ?? 0), 0)).toBe(40);
  });

  it('writes the first refusal of a caller at once', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const { key, id } = await createApiKey(setup.http, admin, ['dlp:scan']);
    await request(setup.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${key}`)
      .expect(403);
    let events: AuditItem[] = [];
    for (let i = 0; i < 50 && events.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await request(setup.http)
        .get('/v1/audit/events')
        .query({ action: 'access.denied', since, actor: id })
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      events = (res.body as { items: AuditItem[] }).items;
    }
    expect(events).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        actor: { type: 'api_key', id },
        details: expect.objectContaining({ route: '/v1/audit/verify', status: 403, count: 1 }),
      }),
    ]);
  });

  it('names the roles or scopes required in a 403 body', async () => {
    const { key } = await createApiKey(setup.http, admin, ['dlp:scan']);
    const res = await request(setup.http)
      .get('/v1/consents/check')
      .query({ subjectId: 'someone@example.test', purpose: 'p' })
      .set('Authorization', `Bearer ${key}`)
      .expect(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((res.body as { detail: string }).detail).toBe(
      'Requires an API key with the scope consent:read.',
    );
    const audit = await request(setup.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${key}`)
      .expect(403);
    expect((audit.body as { detail: string }).detail).toBe(
      'Requires an admin user with one of the roles admin or auditor.',
    );
  });

  it("states every operation's access rule in its OpenAPI description", async () => {
    const doc = (await request(setup.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { description?: string }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        op: `${method} ${path}`,
        description: op.description ?? '',
      })),
    );
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.filter((o) => !o.description.includes('**Access:**'))).toEqual([]);
    const check = doc.paths['/v1/consents/check'].get.description ?? '';
    expect(check).toContain('**Access:** Requires an API key with the scope consent:read.');
  });
});
