import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withDatabase } from './setup/services';
import { createApiKey, createUser } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

interface Finding {
  entity: string;
  start: number;
  end: number;
  score: number;
  path?: string;
}

const EMPLOYEE_ID = {
  name: 'employee-id',
  entity: 'EMPLOYEE_ID',
  pattern: '\\bEMP-[0-9]{6}\\b',
  context: ['employee'],
  score: 0.5,
};

/** A store whose `staff` column holds employee ids, which no built-in recognizer knows. */
async function createStore(name: string): Promise<string> {
  const admin = withDatabase(process.env.E2E_DATABASE_URL ?? '', 'postgres');
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const url = withDatabase(admin, name);
  const store = new Client({ connectionString: url });
  await store.connect();
  await store.query('CREATE TABLE people (id INT PRIMARY KEY, staff TEXT NOT NULL)');
  await store.query(
    `INSERT INTO people SELECT i, 'EMP-' || lpad(i::text, 6, '0') FROM generate_series(1, 20) i`,
  );
  await store.end();
  return url;
}

async function dropDatabase(name: string): Promise<void> {
  const c = new Client({
    connectionString: withDatabase(process.env.E2E_DATABASE_URL ?? '', 'postgres'),
  });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

describe('custom DLP recognizers', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  /** A second process on the same database and Redis, as another API instance or a worker is. */
  let other: TestApp;
  let admin: string;
  let dpo: string;
  let scanKey: string;
  const storeDb = `recognizer_store_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    own = await ownDatabase('dlp_recognizers');
    t = await createTestApp(own.env);
    other = await createTestApp({ ...own.env, DB_MIGRATE: 'false' });
    admin = await adminToken(t.http);
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
    scanKey = (await createApiKey(t.http, admin, ['dlp:scan'])).key;
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await own?.drop();
    await dropDatabase(storeDb);
  });

  const as = (token: string) => ({
    post: (path: string, body: object) =>
      request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body),
    get: (path: string) => request(t.http).get(path).set('Authorization', `Bearer ${token}`),
    delete: (path: string) => request(t.http).delete(path).set('Authorization', `Bearer ${token}`),
  });
  const scan = async (app: TestApp, body: object): Promise<Finding[]> =>
    (
      await request(app.http)
        .post('/v1/dlp/scan')
        .set('Authorization', `Bearer ${scanKey}`)
        .send(body)
        .expect(200)
    ).body.findings as Finding[];
  /** Scans on `app` until `done` holds for the findings; another process learns of changes by message. */
  async function eventually(app: TestApp, body: object, done: (f: Finding[]) => boolean) {
    for (const deadline = Date.now() + 20000; Date.now() < deadline;) {
      const found = await scan(app, body);
      if (done(found)) {
        return found;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the other process did not see the change in time');
  }

  it('an admin adds a pattern recognizer: every process scans and redacts with it at once', async () => {
    const text = 'employee EMP-004211 wrote';
    // The other process has loaded the (empty) set before the change.
    expect(await scan(other, { text })).toEqual([]);
    const created = await as(admin).post('/v1/dlp/recognizers', EMPLOYEE_ID).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      ...EMPLOYEE_ID,
      denyList: null,
      caseSensitive: true,
      createdAt: expect.any(String),
    });
    expect(await scan(t, { text })).toEqual([
      { entity: 'EMPLOYEE_ID', start: 9, end: 19, score: 0.85 },
    ]);
    await eventually(other, { text }, (f) => f.length === 1);
    const redacted = await request(t.http)
      .post('/v1/dlp/redact')
      .set('Authorization', `Bearer ${scanKey}`)
      .send({ text, operators: { EMPLOYEE_ID: { type: 'replace', value: '[staff]' } } })
      .expect(200);
    expect(redacted.body.text).toBe('employee [staff] wrote');
    const listed = await as(admin).get('/v1/dlp/recognizers').expect(200);
    expect(listed.body.items).toEqual([created.body]);
  });

  it('records who added or deleted a recognizer, never the deny-list entries', async () => {
    const res = await as(admin)
      .post('/v1/dlp/recognizers', {
        name: 'vip-names',
        entity: 'PERSON',
        denyList: ['Zebedee Quarrington'],
        score: 0.9,
      })
      .expect(201);
    // What the request leaves out: a deny list ignores case and has no context words.
    expect(res.body).toMatchObject({ pattern: null, caseSensitive: false, context: [] });
    const json = { note: 'met zebedee  quarrington today' };
    const found = await scan(t, { json, entities: ['PERSON'] });
    expect(found).toEqual([{ entity: 'PERSON', start: 4, end: 24, score: 0.9, path: '$.note' }]);
    await as(admin)
      .delete(`/v1/dlp/recognizers/${res.body.id as string}`)
      .expect(204);
    const events = await t.app.get(DataSource).query<Array<{ action: string; details: object }>>(
      `SELECT action, details FROM audit_events WHERE target_type = 'dlp_recognizer'
           AND target_id = $1 ORDER BY seq`,
      [res.body.id],
    );
    expect(events).toEqual([
      {
        action: 'dlp.recognizer.created',
        details: {
          name: 'vip-names',
          entity: 'PERSON',
          kind: 'deny_list',
          denyListEntries: 1,
          score: 0.9,
        },
      },
      { action: 'dlp.recognizer.deleted', details: { name: 'vip-names', entity: 'PERSON' } },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/zebedee/i);
  });

  it('store discovery counts the custom label in the columns it samples', async () => {
    const url = await createStore(storeDb);
    const store = await as(admin).post('/v1/data-stores', {
      name: 'staff-directory',
      type: 'postgres',
      connection: { url },
      collections: [{ name: 'people', identity: { field: 'id', type: 'subject_id' }, fields: [] }],
    });
    expect([store.status, store.body.detail]).toEqual([201, undefined]);
    const started = await as(admin)
      .post(`/v1/data-stores/${store.body.id as string}/scans`, {})
      .expect(202);
    let done: Record<string, unknown> | undefined;
    for (const deadline = Date.now() + 60000; done === undefined && Date.now() < deadline;) {
      const res = await as(admin)
        .get(`/v1/data-stores/${store.body.id as string}/scans/${started.body.scanId as string}`)
        .expect(200);
      if (['completed', 'failed'].includes(res.body.status as string)) {
        done = res.body as Record<string, unknown>;
      } else {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(done?.status).toBe('completed');
    expect(done?.columns).toContainEqual(
      expect.objectContaining({
        collection: 'people',
        field: 'staff',
        entities: [{ entity: 'EMPLOYEE_ID', matchRatio: 1 }],
      }),
    );
  });

  it('allowList leaves out findings the caller says are not personal here', async () => {
    const text = 'write to support@example.com or EMP-000042';
    const found = await scan(t, { text, allowList: ['Support@Example.com', 'EMP-000042'] });
    expect(found).toEqual([]);
  });

  it('refuses a pattern that needs backtracking with 422 problem+json saying why', async () => {
    const res = await as(admin)
      .post('/v1/dlp/recognizers', { ...EMPLOYEE_ID, name: 'looks-back', pattern: '(a)\\1+' })
      .expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 422,
      type: '/problems/dlp-invalid-recognizer',
      detail: expect.stringMatching(/backreferences and lookaround need a backtracking engine/),
    });
    await as(admin)
      .post('/v1/dlp/recognizers', { ...EMPLOYEE_ID, name: 'empty', pattern: 'x?' })
      .expect(422);
    await as(admin)
      .post('/v1/dlp/recognizers', { ...EMPLOYEE_ID, name: 'both', denyList: ['x'] })
      .expect(422);
  });

  it('validates names, labels and sizes, and keeps names unique', async () => {
    const bad = async (body: object) =>
      (
        await as(admin)
          .post('/v1/dlp/recognizers', { ...EMPLOYEE_ID, ...body })
          .expect(400)
      ).body as { errors: Array<{ field?: string }> };
    expect((await bad({ name: 'Has Spaces' })).errors[0].field).toBe('name');
    expect((await bad({ entity: 'lower' })).errors[0].field).toBe('entity');
    expect((await bad({ pattern: 'x'.repeat(1001) })).errors[0].field).toBe('pattern');
    expect((await bad({ score: 2 })).errors[0].field).toBe('score');
    expect((await bad({ context: ['e-mail'] })).errors[0].field).toBe('context');
    const taken = await as(admin).post('/v1/dlp/recognizers', EMPLOYEE_ID).expect(409);
    expect(taken.body.type).toBe('/problems/dlp-recognizer-name-taken');
  });

  it('only admins manage recognizers', async () => {
    await as(dpo).get('/v1/dlp/recognizers').expect(403);
    await as(dpo)
      .post('/v1/dlp/recognizers', { ...EMPLOYEE_ID, name: 'by-dpo' })
      .expect(403);
    await request(t.http)
      .get('/v1/dlp/recognizers')
      .set('Authorization', `Bearer ${scanKey}`)
      .expect(403);
  });

  it('a deleted recognizer stops matching in every process; deleting it again is 404', async () => {
    const text = 'employee EMP-004211 wrote';
    const [recognizer] = (await as(admin).get('/v1/dlp/recognizers').expect(200)).body
      .items as Array<{
      id: string;
    }>;
    await as(admin).delete(`/v1/dlp/recognizers/${recognizer.id}`).expect(204);
    expect(await scan(t, { text })).toEqual([]);
    await eventually(other, { text }, (f) => f.length === 0);
    const again = await as(admin).delete(`/v1/dlp/recognizers/${recognizer.id}`).expect(404);
    expect(again.body.type).toBe('/problems/dlp-recognizer-not-found');
    const unknown = await request(t.http)
      .post('/v1/dlp/scan')
      .set('Authorization', `Bearer ${scanKey}`)
      .send({ text, entities: ['EMPLOYEE_ID'] })
      .expect(400);
    expect(unknown.body.type).toBe('/problems/dlp-unknown-entity');
  });
});
