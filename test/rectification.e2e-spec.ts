import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { ownDatabase } from './support/own-database';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

const SUBJECT = 'zoe@example.com';
const DDL = [
  `CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, full_name VARCHAR(40),
     age INT, city VARCHAR(100))`,
  `CREATE INDEX people_email_idx ON people (email)`,
  `CREATE TABLE notes (id INT PRIMARY KEY, person_id INT NOT NULL REFERENCES people(id),
     nickname VARCHAR(40))`,
];
/** The subject, and bystanders whose addresses a careless comparison takes for hers. */
const PEOPLE: Array<[number, string, string, number, string]> = [
  [1, SUBJECT, 'Zoe Nunez', 40, 'Leeds'],
  [2, 'zoë@example.com', 'Zoë Other', 30, 'York'],
  [3, 'zoe@example.com ', 'Zoe Spaced', 31, 'Hull'],
  [4, 'zoe@exämple.com', 'Zoe Accent', 32, 'Bath'],
  [5, 'max@example.com', 'Max Moved', 50, 'Ely'],
];
const NOTES: Array<[number, number, string]> = [
  [10, 1, 'Z'],
  [11, 2, 'Other'],
  [12, 5, 'Max'],
];
const COLLECTIONS = [
  {
    name: 'people',
    identity: { field: 'email', type: 'email' },
    fields: [{ name: 'email' }, { name: 'full_name' }, { name: 'age' }, { name: 'city' }],
  },
  {
    name: 'notes',
    fields: [{ name: 'nickname' }],
    references: [{ field: 'person_id', to: 'people.id' }],
  },
];

type Row = Record<string, unknown>;
type Task = { dataStore: string; result?: object };

/** Each store's result as the request records it, by store. */
const results = (done: Row) =>
  Object.fromEntries((done.tasks as Task[]).map((x) => [x.dataStore, x.result]));

describe('rectification', () => {
  let t: TestApp;
  let token: string;
  let writer: string;
  let dbs: ScratchDatabases;
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  const store = new TestHttpStore('http-store-signing-secret-rect');

  beforeAll(async () => {
    dbs = await createScratchDatabases('rect');
    const pg = new Client({ connectionString: dbs.postgresUrl });
    await pg.connect();
    const my = await createConnection({ uri: dbs.mysqlUrl });
    for (const ddl of DDL) {
      await pg.query(ddl);
      await my.query(ddl);
    }
    for (const row of PEOPLE) {
      await pg.query('INSERT INTO people VALUES ($1, $2, $3, $4, $5)', row);
    }
    for (const row of NOTES) {
      await pg.query('INSERT INTO notes VALUES ($1, $2, $3)', row);
    }
    await my.query('INSERT INTO people VALUES ?', [PEOPLE]);
    await my.query('INSERT INTO notes VALUES ?', [NOTES]);
    await pg.end();
    await my.end();
    store.seed(SUBJECT);
    const storeUrl = await store.start();
    // A database of its own: no other file's stores take part in these requests, and no other
    // file's clean-up removes these stores (one removed before a request makes no task there).
    own = await ownDatabase('rectification');
    t = await createTestApp(own.env);
    token = await adminToken(t.http);
    writer = (await createApiKey(t.http, token, ['requests:write', 'requests:read'])).key;
    for (const [type, connection] of [
      ['postgres', { url: dbs.postgresUrl }],
      ['mysql', { url: dbs.mysqlUrl }],
      ['http', { url: storeUrl, secret: store.secret }],
    ] as const) {
      await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${token}`)
        .send({
          name: `rect-${type}`,
          type,
          connection,
          collections: type === 'http' ? [] : COLLECTIONS,
        })
        .expect(201);
    }
  });

  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await store.stop();
    await dbs?.drop();
  });

  const file = (body: object) =>
    request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type: 'rectification', subject: { email: SUBJECT }, ...body });

  async function settle(id: string): Promise<Row> {
    for (let i = 0; i < 150; i++) {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${writer}`)
        .expect(200);
      if (['completed', 'failed', 'rejected'].includes(res.body.status as string)) {
        return res.body as Row;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('request did not settle');
  }

  async function tables(): Promise<Record<'postgres' | 'mysql', { people: Row[]; notes: Row[] }>> {
    const pg = new Client({ connectionString: dbs.postgresUrl });
    await pg.connect();
    const p = {
      people: (await pg.query('SELECT * FROM people ORDER BY id')).rows as Row[],
      notes: (await pg.query('SELECT * FROM notes ORDER BY id')).rows as Row[],
    };
    await pg.end();
    const my = await createConnection({ uri: dbs.mysqlUrl });
    const [people] = await my.query('SELECT * FROM people ORDER BY id');
    const [notes] = await my.query('SELECT * FROM notes ORDER BY id');
    await my.end();
    return { postgres: p, mysql: { people: people as Row[], notes: notes as Row[] } };
  }

  it("writes the corrections to exactly the subject's rows in PostgreSQL, MariaDB and the HTTP backend", async () => {
    const before = await tables();
    const since = new Date().toISOString();
    const corrections = [
      { collection: 'people', field: 'full_name', value: 'Zoë Ñúñez' },
      { field: 'age', value: 41 },
      { field: 'nickname', value: 'Zoë' },
    ];
    const filed = await file({ corrections }).expect(201);
    expect(filed.body.status).toBe('queued');
    const done = await settle(filed.body.id as string);
    expect(done.status).toBe('completed');
    // Each store's own count first: a store that took no part, or changed no row, is named.
    expect(results(done)).toEqual({
      'rect-http': { collections: [{ collection: '*', action: 'reported', rows: 1 }] },
      'rect-mysql': {
        collections: [
          { collection: 'people', action: 'updated', rows: 1 },
          { collection: 'notes', action: 'updated', rows: 1 },
        ],
      },
      'rect-postgres': {
        collections: [
          { collection: 'people', action: 'updated', rows: 1 },
          { collection: 'notes', action: 'updated', rows: 1 },
        ],
      },
    });

    const after = await tables();
    for (const engine of ['postgres', 'mysql'] as const) {
      expect(after[engine].people[0]).toMatchObject({
        id: 1,
        email: SUBJECT,
        full_name: 'Zoë Ñúñez',
        age: 41,
        city: 'Leeds',
      });
      expect(after[engine].people.slice(1)).toEqual(before[engine].people.slice(1));
      expect(after[engine].notes).toEqual([
        { id: 10, person_id: 1, nickname: 'Zoë' },
        ...before[engine].notes.slice(1),
      ]);
    }
    const call = store.calls.find((c) => c.requestId === filed.body.id);
    expect(call).toEqual({
      requestId: filed.body.id,
      type: 'rectification',
      subject: { email: SUBJECT },
      corrections,
    });

    // Counts per collection, never a value, in the request's view and in the audit trail.
    const audit = await request(t.http)
      .get('/v1/audit/events')
      .query({ limit: 500, since })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    // Other files write to the same trail meanwhile; only request and store events are ours.
    const ours = (audit.body.items as Array<{ action: string }>).filter((e) =>
      /^(privacy_request|data_store)\./.test(e.action),
    );
    const trail = JSON.stringify([done, ours]);
    expect(trail).toContain(filed.body.id as string);
    for (const value of ['Ñúñez', 'Zoë', '"age"', 'full_name']) {
      expect(trail).not.toContain(value);
    }
  });

  it('corrects an identity and the rows reached through it: those rows are found first', async () => {
    const filed = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({
        type: 'rectification',
        subject: { email: 'max@example.com' },
        corrections: [
          { field: 'email', value: 'max.new@example.com' },
          { field: 'nickname', value: 'Maxi' },
        ],
      })
      .expect(201);
    const done = await settle(filed.body.id as string);
    expect(done.status).toBe('completed');
    // The notes are reached through the old address, so they come first; the backend holds no Max.
    const moved = {
      collections: [
        { collection: 'notes', action: 'updated', rows: 1 },
        { collection: 'people', action: 'updated', rows: 1 },
      ],
    };
    expect(results(done)).toEqual({
      'rect-http': { collections: [{ collection: '*', action: 'reported', rows: 0 }] },
      'rect-mysql': moved,
      'rect-postgres': moved,
    });
    const after = await tables();
    for (const engine of ['postgres', 'mysql'] as const) {
      expect(after[engine].people.find((p) => p.id === 5)?.email).toBe('max.new@example.com');
      expect(after[engine].notes.find((n) => n.id === 12)?.nickname).toBe('Maxi');
    }
  });

  it.each([
    [
      'a field no store describes',
      [{ field: 'shoe_size', value: 'secret-44' }],
      'corrections[0].field',
      /shoe_size/,
    ],
    [
      'a field of another collection',
      [{ collection: 'notes', field: 'city', value: 'secret-city' }],
      'corrections[0].field',
      /notes\.city/,
    ],
    [
      'a value longer than its column',
      [{ field: 'full_name', value: 'secret-' + 'Ñ'.repeat(40) }],
      'corrections[0].value',
      /full_name must be at most 40 characters/,
    ],
    [
      'a value of the wrong type',
      [{ field: 'age', value: 'secret-forty' }],
      'corrections[0].value',
      /age must be an integer/,
    ],
  ])(
    'answers 422 for %s, naming the field and never the value',
    async (_, corrections, field, message) => {
      const res = await file({ corrections }).expect(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const errors = res.body.errors as Array<{ field: string; message: string }>;
      expect(errors.map((e) => e.field)).toContain(field);
      expect(errors.map((e) => e.message).join(' ')).toMatch(message);
      expect(JSON.stringify(res.body)).not.toContain('secret');
    },
  );

  it('answers 422 for a rectification without corrections, and for corrections on another type', async () => {
    await file({}).expect(422);
    await file({ type: 'access', corrections: [{ field: 'age', value: 1 }] }).expect(422);
  });

  it('answers 422 for a rectification through the public form, which cannot carry corrections', async () => {
    await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type: 'rectification', email: SUBJECT })
      .expect(422);
  });

  it('answers 400 for a value that is neither text, number, boolean nor null', async () => {
    await file({ corrections: [{ field: 'age', value: { n: 1 } }] }).expect(400);
  });
});
