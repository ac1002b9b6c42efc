import request from 'supertest';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

/** A distinctive value: no error body may ever contain it. */
const MARKER = 'zq-marker-7731';

function expectFieldProblem(res: request.Response, field: string): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  expect(res.text).not.toContain(MARKER);
}

const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

describe('Input limits before validation', () => {
  let t: TestApp;
  let admin: string;
  let requestsKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    ({ key: requestsKey } = await createApiKey(t.http, admin, ['requests:write', 'requests:read']));
  });
  afterAll(() => t.close());

  it('refuses a 4,000-deep JSON body with a 400 naming the body, before any credentials check', async () => {
    const deep = `{"type":"access","subject":${'['.repeat(4000)}${']'.repeat(4000)}}`;
    for (const auth of [`Bearer ${requestsKey}`, 'Bearer nothing']) {
      const res = await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(deep);
      expectFieldProblem(res, 'body');
    }
  });

  it('accepts nesting up to 32 levels and refuses 33', async () => {
    // The value of `x` makes the whole body `depth` levels deep.
    const nest = (depth: number) => '['.repeat(depth - 1) + ']'.repeat(depth - 1);
    const ok = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${requestsKey}`)
      .set('Content-Type', 'application/json')
      .send(`{"type":"access","subject":{"subjectId":"s-1"},"x":${nest(32)}}`);
    // 32 levels reach validation, which refuses the unknown field by name.
    expectFieldProblem(ok, 'x');
    const deep = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${requestsKey}`)
      .set('Content-Type', 'application/json')
      .send(`{"type":"access","subject":{"subjectId":"s-1"},"x":${nest(33)}}`);
    expectFieldProblem(deep, 'body');
  });

  it('refuses a lone UTF-16 surrogate in an e-mail field, naming the field', async () => {
    const email = `${MARKER}\ud800@example.com`;
    const intake = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${requestsKey}`)
      .send({ type: 'access', subject: { email } });
    expectFieldProblem(intake, 'subject.email');
    const user = await request(t.http)
      .post('/v1/admin/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ email, password: 'long enough password', roles: ['dpo'] });
    expectFieldProblem(user, 'email');
    const login = await request(t.http)
      .post('/v1/auth/login')
      .send({ email, password: 'long enough password' });
    expectFieldProblem(login, 'email');
  });

  it('refuses a NUL in a text field of a body', async () => {
    const res = await request(t.http)
      .post('/v1/purposes')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        key: 'nul-test',
        name: `${MARKER}\u0000`,
        description: 'd',
        legalBasis: 'consent',
      });
    expectFieldProblem(res, 'name');
  });

  it('refuses a NUL in a query parameter and in a path parameter', async () => {
    const query = await request(t.http)
      .get(`/v1/audit/events?actor=${MARKER}%00`)
      .set('Authorization', `Bearer ${admin}`);
    expectFieldProblem(query, 'actor');
    const path = await request(t.http)
      .get(`/v1/purposes/${MARKER}%00`)
      .set('Authorization', `Bearer ${admin}`);
    expectFieldProblem(path, 'key');
  });

  it('refuses a path parameter that is not percent-encoded UTF-8 without quoting it', async () => {
    const res = await request(t.http)
      .get(`/v1/purposes/${MARKER}%ED%A0%80`)
      .set('Authorization', `Bearer ${admin}`);
    expectFieldProblem(res, 'path');
  });

  it('refuses a privacy request without a subject with a 400 naming it', async () => {
    const res = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${requestsKey}`)
      .send({ type: 'access' });
    expectFieldProblem(res, 'subject');
  });

  it.each([
    ['/v1/admin/privacy-requests?dueBefore=2026-02-30', 'dueBefore'],
    ['/v1/admin/privacy-requests?dueBefore=2026-02-28T25:00:00Z', 'dueBefore'],
    ['/v1/audit/events?since=2026-W01', 'since'],
    ['/v1/audit/events?until=2026-001', 'until'],
  ])('refuses a date that is not a real calendar date: %s', async (path, field) => {
    const res = await request(t.http).get(path).set('Authorization', `Bearer ${admin}`);
    expectFieldProblem(res, field);
  });

  it('accepts real calendar dates in the same filters', async () => {
    await request(t.http)
      .get('/v1/admin/privacy-requests?dueBefore=2028-02-29')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    await request(t.http)
      .get('/v1/audit/events?since=2026-01-01T00:00:00Z')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
  });

  it('pages with the cursors it issues', async () => {
    const first = await request(t.http)
      .get('/v1/audit/events?limit=1')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await request(t.http)
      .get(`/v1/audit/events?limit=1&cursor=${first.body.nextCursor as string}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it.each([
    ['/v1/audit/events', { seq: '99999999999999999999999' }],
    ['/v1/audit/events', { seq: '1', extra: MARKER }],
    ['/v1/admin/privacy-requests', { d: MARKER, id: 'x' }],
    ['/v1/admin/privacy-requests', { d: '2026-02-30T00:00:00.000Z', id: MARKER }],
    ['/v1/admin/incidents', { c: '2026-01-01T00:00:00.000Z', id: `${MARKER}\u0000` }],
    ['/v1/purposes', { key: `${MARKER}\u0000` }],
    ['/v1/purposes', [MARKER]],
  ])('refuses a cursor the service did not issue on %s (%j)', async (path, position) => {
    const res = await request(t.http)
      .get(`${path}?cursor=${cursorOf(position)}`)
      .set('Authorization', `Bearer ${admin}`);
    expectFieldProblem(res, 'cursor');
  });

  it('refuses a re-encoded cursor with the same position', async () => {
    const first = await request(t.http)
      .get('/v1/audit/events?limit=1')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const position = JSON.parse(
      Buffer.from(first.body.nextCursor as string, 'base64url').toString('utf8'),
    ) as unknown;
    const spaced = Buffer.from(` ${JSON.stringify(position)}`).toString('base64url');
    const res = await request(t.http)
      .get(`/v1/audit/events?limit=1&cursor=${spaced}`)
      .set('Authorization', `Bearer ${admin}`);
    expectFieldProblem(res, 'cursor');
  });
});
