import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiKey, createUser } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(60000);

const UNKNOWN = '0b7c3a52-4a4e-4b8a-9a57-5a0e2f1d3c11';

describe('privacy request ownership', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let admin: string;
  let owner: string;
  let other: string;
  let access: string;
  let erasure: string;

  async function completed(id: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      if (res.body.status === 'completed') {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`request ${id} did not complete`);
  }

  const file = (type: string) =>
    request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${owner}`)
      .send({ type, subject: { email: 'zoë.ownership@example.com' } })
      .expect(201);

  beforeAll(async () => {
    own = await ownDatabase('request_ownership');
    t = await createTestApp({
      ...own.env,
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'ownership-exports-')),
    });
    admin = await adminToken(t.http);
    owner = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
    other = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
    access = (await file('access')).body.id;
    erasure = (await file('erasure')).body.id;
    await completed(access);
    await completed(erasure);
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
  });

  const get = (path: string, key: string) =>
    request(t.http).get(path).set('Authorization', `Bearer ${key}`);

  it('the filing key reads its request, its export link and its certificate', async () => {
    expect((await get(`/v1/privacy-requests/${access}`, owner).expect(200)).body.id).toBe(access);
    expect(
      (await get(`/v1/privacy-requests/${access}/export`, owner).expect(200)).body.url,
    ).toEqual(expect.any(String));
    expect(
      (await get(`/v1/privacy-requests/${erasure}/certificate`, owner).expect(200)).body
        .certificate,
    ).toEqual(expect.any(String));
  });

  it.each([
    ['the request', '', () => access],
    ['its export link', '/export', () => access],
    ['its certificate', '/certificate', () => erasure],
  ])('another API key gets for %s the same 404 as for an unknown id', async (_, tail, idOf) => {
    const id = idOf();
    const foreign = await get(`/v1/privacy-requests/${id}${tail}`, other).expect(404);
    const unknown = await get(`/v1/privacy-requests/${UNKNOWN}${tail}`, other).expect(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    const { requestId: a, ...foreignProblem } = foreign.body as Record<string, unknown>;
    const { requestId: b, ...unknownProblem } = unknown.body as Record<string, unknown>;
    expect([a, b]).toEqual([expect.any(String), expect.any(String)]);
    expect(foreignProblem).toEqual(unknownProblem);
    expect(JSON.stringify(foreign.body)).not.toContain(id);
  });

  it('admin users still see every request by role', async () => {
    const dpo = await createUser(t.http, admin, ['dpo']);
    await get(`/v1/privacy-requests/${access}`, dpo.token).expect(200);
    await get(`/v1/privacy-requests/${access}/export`, dpo.token).expect(200);
    const auditor = await createUser(t.http, admin, ['auditor']);
    await get(`/v1/privacy-requests/${erasure}/certificate`, auditor.token).expect(200);
  });

  it('people without the dpo role read the request but get no export link', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      const person = await createUser(t.http, admin, [role]);
      await get(`/v1/privacy-requests/${access}`, person.token).expect(200);
      const refused = await get(`/v1/privacy-requests/${access}/export`, person.token).expect(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.text).not.toContain('/v1/public/exports/');
    }
  });
});
