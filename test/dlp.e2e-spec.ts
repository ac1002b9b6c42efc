import { createHmac, hkdfSync } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface Finding {
  entity: string;
  start: number;
  end: number;
  score: number;
  path?: string;
}

describe('DLP over HTTP', () => {
  let t: TestApp;
  let scanKey: string;
  let otherKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await adminToken(t.http);
    scanKey = (await createApiKey(t.http, admin, ['dlp:scan'])).key;
    otherKey = (await createApiKey(t.http, admin, ['consent:read'])).key;
  });
  afterAll(() => t.close());

  const post = (path: string, key: string, body: unknown) =>
    request(t.http)
      .post(path)
      .set('Authorization', `Bearer ${key}`)
      .send(body as object);

  it('scan: findings with UTF-16 offsets, also after emoji', async () => {
    const text = '😀🎉 mail jane.doe@example.com, card 4111 1111 1111 1111';
    const res = await post('/v1/dlp/scan', scanKey, { text }).expect(200);
    const findings = (res.body as { findings: Finding[] }).findings;
    const email = findings.find((f) => f.entity === 'EMAIL_ADDRESS');
    const card = findings.find((f) => f.entity === 'CREDIT_CARD');
    expect(email).toBeDefined();
    expect(text.slice(email!.start, email!.end)).toBe('jane.doe@example.com');
    expect(email!.start).toBe(text.indexOf('jane'));
    expect(text.slice(card!.start, card!.end)).toBe('4111 1111 1111 1111');
    expect(email!.score).toBeGreaterThan(0);
  });

  it('scan: JSON findings carry a JSONPath and offsets into that string', async () => {
    const json = { user: { email: 'x jane.doe@example.com', tags: ['ok', '078-05-1120'] } };
    const res = await post('/v1/dlp/scan', scanKey, { json }).expect(200);
    const findings = (res.body as { findings: Finding[] }).findings;
    expect(findings).toContainEqual(
      expect.objectContaining({ entity: 'EMAIL_ADDRESS', path: '$.user.email', start: 2, end: 22 }),
    );
  });

  it('scan: entities and minScore filter the findings', async () => {
    const text = 'jane.doe@example.com from 192.168.10.20';
    const only = await post('/v1/dlp/scan', scanKey, { text, entities: ['IP_ADDRESS'] }).expect(
      200,
    );
    expect((only.body as { findings: Finding[] }).findings.map((f) => f.entity)).toEqual([
      'IP_ADDRESS',
    ]);
    const high = await post('/v1/dlp/scan', scanKey, { text, minScore: 0.9 }).expect(200);
    expect((high.body as { findings: Finding[] }).findings.map((f) => f.entity)).toEqual([
      'EMAIL_ADDRESS',
    ]);
  });

  it('redact: default replace, and each operator', async () => {
    const text = 'mail jane.doe@example.com now';
    const plain = await post('/v1/dlp/redact', scanKey, { text }).expect(200);
    expect(plain.body).toMatchObject({ text: 'mail <EMAIL_ADDRESS> now' });
    const op = (o: object) =>
      post('/v1/dlp/redact', scanKey, { text, operators: { EMAIL_ADDRESS: o } }).expect(200);
    expect((await op({ type: 'redact' })).body.text).toBe('mail  now');
    expect((await op({ type: 'replace', value: '[x]' })).body.text).toBe('mail [x] now');
    expect((await op({ type: 'mask', char: '#', keepLast: 4 })).body.text).toBe(
      `mail ${'#'.repeat(16)}.com now`,
    );
    const key = hkdfSync(
      'sha256',
      t.config.masterKey,
      Buffer.alloc(0),
      'privacy-service/dlp/hash-operator',
      32,
    );
    const hmac = createHmac('sha256', Buffer.from(key))
      .update('jane.doe@example.com')
      .digest('hex');
    const hashed = (await op({ type: 'hash' })).body.text as string;
    expect(hashed).toBe(`mail ${hmac} now`);
    expect((await op({ type: 'hash' })).body.text).toBe(hashed);
    const encrypted = (await op({ type: 'encrypt' })).body.text as string;
    expect(encrypted).not.toContain('jane.doe');
    expect(encrypted).toMatch(/^mail \S{20,} now$/);
  });

  it('redact: JSON input returns a redacted copy', async () => {
    const res = await post('/v1/dlp/redact', scanKey, {
      json: { a: [{ email: 'jane.doe@example.com' }], n: 1 },
    }).expect(200);
    expect(res.body).toMatchObject({ json: { a: [{ email: '<EMAIL_ADDRESS>' }], n: 1 } });
    expect(res.body.findings[0]).toMatchObject({ path: '$.a[0].email' });
  });

  it('entities: any authenticated caller; scan needs dlp:scan', async () => {
    const res = await request(t.http)
      .get('/v1/dlp/entities')
      .set('Authorization', `Bearer ${otherKey}`)
      .expect(200);
    const names = (res.body as { items: { entity: string }[] }).items.map((i) => i.entity);
    expect(names).toEqual(expect.arrayContaining(['EMAIL_ADDRESS', 'SECRET', 'PERSON']));
    await post('/v1/dlp/scan', otherKey, { text: 'x' }).expect(403);
    await post('/v1/dlp/redact', otherKey, { text: 'x' }).expect(403);
    await request(t.http).post('/v1/dlp/scan').send({ text: 'x' }).expect(401);
  });

  it('400 on bad input, 413 when too large, with no input echoed', async () => {
    const bad = await post('/v1/dlp/scan', scanKey, { text: 'a', entities: ['NOPE'] }).expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    await post('/v1/dlp/scan', scanKey, {}).expect(400);
    await post('/v1/dlp/scan', scanKey, { text: 'a', json: {} }).expect(400);
    await post('/v1/dlp/scan', scanKey, { text: 'a', minScore: 2 }).expect(400);
    await post('/v1/dlp/scan', scanKey, { text: 'a', extra: 1 }).expect(400);
    const op = await post('/v1/dlp/redact', scanKey, {
      text: 'jane.doe@example.com',
      operators: { EMAIL_ADDRESS: { type: 'mask', char: '##' } },
    }).expect(400);
    expect(JSON.stringify(op.body)).not.toContain('jane.doe');
    await post('/v1/dlp/redact', scanKey, {
      text: 'a',
      operators: { X: { type: 'redact' } },
    }).expect(400);
    await post('/v1/dlp/redact', scanKey, {
      text: 'a',
      operators: { DEFAULT: { type: 'zap' } },
    }).expect(400);
    const big = await post('/v1/dlp/scan', scanKey, { text: 'a'.repeat(1_100_000) });
    expect(big.status).toBe(413);
  });
});
