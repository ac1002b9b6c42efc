import request from 'supertest';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('HTTP surface', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports liveness and readiness of PostgreSQL and Redis', async () => {
    await request(t.http).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('sends security headers on every response', async () => {
    const res = await request(t.http).get('/health/live');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('sends API answers without an ETag: they are not stored, so never revalidated', async () => {
    const token = await adminToken(t.http);
    const res = await request(t.http)
      .get('/v1/auth/whoami')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });

  it.each(['/privacy', '/console'])(
    'answers a revalidation of %s with 304 while the page is unchanged',
    async (path) => {
      const first = await request(t.http).get(path).expect(200);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[\w-]+"$/);
      await request(t.http).get(path).set('If-None-Match', etag).expect(304);
      const stale = await request(t.http).get(path).set('If-None-Match', '"stale"').expect(200);
      expect(stale.text).toBe(first.text);
      expect(stale.headers.etag).toBe(etag);
    },
  );

  it('echoes a well-formed X-Request-Id and generates one otherwise', async () => {
    const given = await request(t.http).get('/health/live').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(t.http)
      .get('/health/live')
      .set('X-Request-Id', 'bad id with spaces <script>');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a 404 problem that does not echo the path', async () => {
    const res = await request(t.http)
      .get('/v1/subjects/jane.doe@example.com/nothing-here')
      .expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      type: '/problems/not-found',
      status: 404,
      title: 'Not Found',
    });
    expect(JSON.stringify(res.body)).not.toContain('jane.doe');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await request(t.http)
      .post('/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.c", "password": ')
      .expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.js/);
  });

  it('answers an oversized body with a 413 problem', async () => {
    const huge = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(3 * 1024 * 1024) });
    const res = await request(t.http)
      .post('/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(huge)
      .expect(413);
    expect(res.body).toMatchObject({ status: 413, type: '/problems/payload-too-large' });
  });

  it('rejects unknown fields with a 400 problem listing them, without their values', async () => {
    const token = await adminToken(t.http);
    const res = await request(t.http)
      .post('/v1/admin/users')
      .set('Authorization', `Bearer ${token}`)
      .send({
        email: 'new-user@example.test',
        password: 'long enough password',
        roles: ['dpo'],
        isRoot: 'secret-value',
      })
      .expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'isRoot' })]),
    );
    expect(JSON.stringify(res.body)).not.toContain('secret-value');
    expect(JSON.stringify(res.body)).not.toContain('long enough password');
  });

  it('serves the OpenAPI document with the bearer scheme and the Swagger UI', async () => {
    const doc = await request(t.http).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/login', '/v1/audit/verify', '/v1/admin/api-keys']),
    );
    const ui = await request(t.http).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('exposes Prometheus metrics with request durations by route and queue depths', async () => {
    await request(t.http).get('/health/live');
    const res = await request(t.http).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*route="\/health\/live"[^}]*status="200"/,
    );
    expect(res.text).toMatch(/queue_jobs\{queue="maintenance",state="waiting"\}/);
  });

  it('allows CORS only for configured origins', async () => {
    const res = await request(t.http)
      .options('/v1/auth/login')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
