import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { ownDatabase } from './support/own-database';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

/** The subject's address in its stored (punycode) form, its Unicode form, and its look-alikes. */
const ROWS: Array<[number, string]> = [
  [1, 'anna@xn--gmil-moa.com'],
  [2, 'anna@gmail.com'],
  [3, 'anna@gmäil.com'],
  [4, 'anna@gmaíl.com'],
  [5, 'annа@xn--gmil-moa.com'],
  [6, 'anna@xn--gmil-moa.com.evil.example'],
];
const SUBJECT_ROWS = [1, 3];
const DDL = `CREATE TABLE members (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(100))`;
const INDEX = `CREATE INDEX members_email_idx ON members (email)`;

describe('subject e-mail addresses at intake', () => {
  let t: TestApp;
  let token: string;
  let writer: string;
  let dbs: ScratchDatabases;
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  const mails: Array<{ to: string[]; body: string }> = [];
  let smtp: SMTPServer;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            body: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    dbs = await createScratchDatabases('intake');
    const pg = new Client({ connectionString: dbs.postgresUrl });
    await pg.connect();
    await pg.query(DDL);
    await pg.query(INDEX);
    await pg.end();
    const my = await createConnection({ uri: dbs.mysqlUrl });
    await my.query(DDL);
    await my.query(INDEX);
    await my.end();
    // A database of its own: its erasures reach only its stores, and other files' stay theirs.
    own = await ownDatabase('identity_intake');
    t = await createTestApp({
      ...own.env,
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'intake-exports-')),
    });
    token = await adminToken(t.http);
    writer = (await createApiKey(t.http, token, ['requests:write', 'requests:read'])).key;
    for (const [type, url] of [
      ['postgres', dbs.postgresUrl],
      ['mysql', dbs.mysqlUrl],
    ]) {
      await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${token}`)
        .send({
          name: `members-${type}`,
          type,
          connection: { url },
          collections: [
            {
              name: 'members',
              identity: { field: 'email', type: 'email' },
              fields: [{ name: 'email', erasure: 'delete' }],
            },
          ],
        })
        .expect(201);
    }
  });

  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await dbs?.drop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  async function seed(): Promise<void> {
    const pg = new Client({ connectionString: dbs.postgresUrl });
    await pg.connect();
    await pg.query('DELETE FROM members');
    for (const [id, email] of ROWS) {
      await pg.query('INSERT INTO members (id, email) VALUES ($1, $2)', [id, email]);
    }
    await pg.end();
    const my = await createConnection({ uri: dbs.mysqlUrl });
    await my.query('DELETE FROM members');
    await my.query('INSERT INTO members (id, email) VALUES ?', [ROWS]);
    await my.end();
  }

  async function remaining(): Promise<{ postgres: number[]; mysql: number[] }> {
    const pg = new Client({ connectionString: dbs.postgresUrl });
    await pg.connect();
    const p = await pg.query<{ id: number }>('SELECT id FROM members ORDER BY id');
    await pg.end();
    const my = await createConnection({ uri: dbs.mysqlUrl });
    const [m] = await my.query('SELECT id FROM members ORDER BY id');
    await my.end();
    return {
      postgres: p.rows.map((r) => r.id),
      mysql: (m as Array<{ id: number }>).map((r) => r.id),
    };
  }

  // Read as an admin: a public request belongs to no API key.
  async function settle(id: string): Promise<string> {
    for (let i = 0; i < 150; i++) {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      if (['completed', 'failed', 'rejected'].includes(res.body.status as string)) {
        return res.body.status as string;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('request did not settle');
  }

  const bystanders = ROWS.map(([id]) => id).filter((id) => !SUBJECT_ROWS.includes(id));

  it('an API erasure for a mixed-case address with a Unicode domain erases exactly that mailbox', async () => {
    await seed();
    const filed = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type: 'erasure', subject: { email: '  Anna@GMÄIL.com ' } })
      .expect(201);
    expect(await settle(filed.body.id as string)).toBe('completed');
    expect(await remaining()).toEqual({ postgres: bystanders, mysql: bystanders });
  });

  it('a public erasure mails the code to the normalised address and erases only its mailbox', async () => {
    await seed();
    const filed = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type: 'erasure', email: 'ANNA@gmäil.COM' })
      .expect(202);
    const mail = mails.find((m) => m.body.includes(filed.body.id as string));
    // The test server shows the envelope's domain in Unicode; the header is as it was sent.
    expect(mail?.body).toMatch(/^To: anna@xn--gmil-moa\.com\r?$/m);
    const code = /code is (\d{6})/.exec(mail?.body ?? '')?.[1];
    await request(t.http)
      .post(`/v1/public/privacy-requests/${filed.body.id}/verify`)
      .send({ code })
      .expect(200);
    expect(await settle(filed.body.id as string)).toBe('completed');
    expect(await remaining()).toEqual({ postgres: bystanders, mysql: bystanders });
  });

  it.each([
    [
      'a public e-mail',
      '/v1/public/privacy-requests',
      '{"type":"access","email":"anna\\ud800@example.com"}',
      'email',
    ],
    [
      "a subject's e-mail",
      '/v1/privacy-requests',
      '{"type":"access","subject":{"email":"anna@exa\\udc00mple.com"}}',
      'subject.email',
    ],
    [
      "a subject's id",
      '/v1/privacy-requests',
      '{"type":"access","subject":{"subjectId":"cust-\\ud83d"}}',
      'subject.subjectId',
    ],
  ])('refuses %s holding a lone surrogate with a 400 problem', async (_, path, raw, field) => {
    const res = await request(t.http)
      .post(path)
      .set('Authorization', `Bearer ${writer}`)
      .set('Content-Type', 'application/json')
      .send(raw)
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toContain('anna');
  });
});
