import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

/** Written into every answer a store must not get into an export. */
const MARKER = 'leaked-record-9f3c';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server whose answer each test sets; it counts the requests it got. */
class LoopbackServer {
  hits = 0;
  handler: Handler = (_req, res) => res.writeHead(200).end('{}');
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.hits++;
      this.handler(req, res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('http stores', () => {
  const store = new LoopbackServer();
  const elsewhere = new LoopbackServer();
  let storeUrl: string;
  let elsewhereUrl: string;
  const exportDir = mkdtempSync(join(tmpdir(), 'http-store-exports-'));
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let token: string;
  let key: string;

  beforeAll(async () => {
    storeUrl = await store.start();
    elsewhereUrl = await elsewhere.start();
    own = await ownDatabase('http_stores');
    t = await createTestApp({
      ...own.env,
      EXPORT_DIR: exportDir,
      DATA_STORE_MAX_RESPONSE_BYTES: '4096',
    });
    token = await adminToken(t.http);
    key = (await createApiKey(t.http, token, ['requests:write', 'requests:read'])).key;
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await store.stop();
    await elsewhere.stop();
  });

  /** Registers the store, files an access request, and gives the request once it has ended. */
  async function accessThroughStore(): Promise<{
    status: string;
    tasks: Array<{ status: string; attempts: number; detail?: string }>;
  }> {
    const registered = await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'backend',
        type: 'http',
        connection: { url: `${storeUrl}/privacy`, secret: 'http-store-secret-0000' },
        collections: [],
      })
      .expect(201);
    try {
      const created = await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'access', subject: { email: 'jane.roe@example.test' } })
        .expect(201);
      for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
        const res = await request(t.http)
          .get(`/v1/privacy-requests/${created.body.id as string}`)
          .set('Authorization', `Bearer ${key}`)
          .expect(200);
        if (['completed', 'failed'].includes(res.body.status as string)) {
          return res.body;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the request did not end in time');
    } finally {
      await request(t.http)
        .delete(`/v1/data-stores/${registered.body.id as string}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(204);
    }
  }

  const exportHoldsMarker = (): boolean =>
    filesUnder(exportDir).some((f) => readFileSync(f).includes(MARKER));

  it('does not follow a redirect: the task fails once, saying so, and the target is never asked', async () => {
    elsewhere.hits = 0;
    elsewhere.handler = (_req, res) =>
      res.writeHead(200).end(JSON.stringify({ data: { profiles: [{ note: MARKER }] } }));
    store.handler = (_req, res) => res.writeHead(307, { location: `${elsewhereUrl}/x` }).end();
    const done = await accessThroughStore();
    expect(done.status).toBe('failed');
    expect(done.tasks).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        detail: 'http store: answered a redirect (HTTP 307), which is not followed',
      }),
    ]);
    expect(elsewhere.hits).toBe(0);
    expect(exportHoldsMarker()).toBe(false);
  });

  it('reports a redirecting store as not ok when tested, without following it', async () => {
    elsewhere.hits = 0;
    store.handler = (_req, res) => res.writeHead(302, { location: `${elsewhereUrl}/x` }).end();
    const registered = await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'redirecting',
        type: 'http',
        connection: { url: `${storeUrl}/privacy`, secret: 'http-store-secret-0000' },
        collections: [],
      })
      .expect(201);
    const tested = await request(t.http)
      .post(`/v1/data-stores/${registered.body.id as string}/test`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(tested.body).toEqual({ ok: false, detail: 'redirect not followed: HTTP 302' });
    expect(elsewhere.hits).toBe(0);
    await request(t.http)
      .delete(`/v1/data-stores/${registered.body.id as string}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
  });

  it('fails the task once on an answer over DATA_STORE_MAX_RESPONSE_BYTES, exporting nothing of it', async () => {
    store.hits = 0;
    const big = JSON.stringify({ data: { profiles: [{ note: MARKER, pad: 'x'.repeat(8000) }] } });
    store.handler = (_req, res) => res.writeHead(200).end(big);
    const done = await accessThroughStore();
    expect(done.status).toBe('failed');
    expect(done.tasks).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        detail: 'http store: answer exceeds DATA_STORE_MAX_RESPONSE_BYTES (4096 bytes)',
      }),
    ]);
    expect(store.hits).toBe(1);
    expect(exportHoldsMarker()).toBe(false);
  });

  it.each([
    ['a collection that is not a list', { data: { profiles: [{ note: MARKER }], events: 'n/a' } }],
    ['records that are not objects', { data: { profiles: [{ note: MARKER }], events: [MARKER] } }],
    ['no data object', { profiles: [{ note: MARKER }] }],
  ])(
    'fails the task once on an access answer with %s, exporting nothing of it',
    async (_, answer) => {
      store.hits = 0;
      store.handler = (_req, res) => res.writeHead(200).end(JSON.stringify(answer));
      const done = await accessThroughStore();
      expect(done.status).toBe('failed');
      expect(done.tasks).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
      expect(done.tasks[0].detail).toMatch(/^http store: access answer (is not|holds)/);
      expect(JSON.stringify(done)).not.toContain(MARKER);
      expect(store.hits).toBe(1);
      expect(exportHoldsMarker()).toBe(false);
    },
  );
});

describe('http stores in production, with an allow-list', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let token: string;
  const server = new LoopbackServer();
  let serverUrl: string;

  beforeAll(async () => {
    serverUrl = await server.start();
    // Its own database: the stores it registers take no part in other files' requests.
    own = await ownDatabase('http_stores_production');
    t = await createTestApp({
      ...own.env,
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      METRICS_TOKEN: 'metrics-scrape-token-0123456789',
      WORKERS: 'false',
      DATA_STORE_ALLOWED_HOSTS: '127.0.0.0/8, crm.internal',
      // The admin here has no second factor; production otherwise only lets it enrol one.
      MFA_REQUIRED: 'false',
      PASSWORD_HASH_COST: '17',
    });
    token = await adminToken(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await server.stop();
  });

  const register = (url: string, name = 'prod-crm') =>
    request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name,
        type: 'http',
        connection: { url, secret: 'http-store-secret-0001' },
        collections: [],
      });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://10.1.2.3:8080/privacy',
    'http://[::ffff:169.254.169.254]/x',
    'http://metadata.google.internal./computeMetadata',
  ])('refuses to register %s with a 422 naming the field, not the URL', async (url) => {
    const res = await register(url);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      {
        field: 'connection.url',
        message: expect.stringMatching(
          /^host (is not in DATA_STORE_ALLOWED_HOSTS|does not resolve)$/,
        ),
      },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/169\.254|10\.1\.2\.3|metadata|meta-data/);
  });

  it('refuses an update that moves a store off the list, and keeps the store as it was', async () => {
    const created = await register(`${serverUrl}/privacy`, 'prod-crm-2').expect(201);
    const res = await request(t.http)
      .put(`/v1/data-stores/${created.body.id as string}`)
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'prod-crm-2',
        connection: { url: 'http://192.168.1.10/privacy', secret: 'http-store-secret-0001' },
        collections: [],
      });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'connection.url', message: 'host is not in DATA_STORE_ALLOWED_HOSTS' },
    ]);
    const kept = await request(t.http)
      .get(`/v1/data-stores/${created.body.id as string}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(JSON.stringify(kept.body)).not.toContain('192.168');
  });

  it('registers a store on a listed range, reached by address or by a name resolving into it', async () => {
    await register(`${serverUrl}/privacy`, 'prod-by-address').expect(201);
    const port = new URL(serverUrl).port;
    const byName = await register(`http://localhost:${port}/privacy`, 'prod-by-name').expect(201);
    server.hits = 0;
    const tested = await request(t.http)
      .post(`/v1/data-stores/${byName.body.id as string}/test`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(tested.body).toEqual({ ok: true, detail: 'reachable: HTTP 200' });
    expect(server.hits).toBe(1);
  });
});
