import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

describe('reports', () => {
  let t: TestApp;
  let admin: string;
  let dpo: string;
  let auditor: string;
  let writer: string;
  let db: DataSource;
  let scratch: ScratchDatabases;
  let own: ScratchDatabases;

  // The app runs on a database of its own: the stores registered here must not take part in
  // other files' requests, nor theirs in these figures.
  beforeAll(async () => {
    scratch = await createScratchDatabases('reports');
    const pg = new Client({ connectionString: scratch.postgresUrl });
    await pg.connect();
    await pg.query(
      `CREATE TABLE kunden (id int PRIMARY KEY, email text NOT NULL, strasse text, notiz text)`,
    );
    await pg.end();
    own = await createScratchDatabases('reports_app');
    t = await createTestApp({
      DATABASE_URL: own.postgresUrl,
      DB_MIGRATE: 'true',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_reports_${randomBytes(3).toString('hex')}`,
    });
    admin = await adminToken(t.http);
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
    auditor = (await createUser(t.http, admin, ['auditor'])).token;
    writer = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
    await own?.drop();
  });

  const status = async (id: string): Promise<string> =>
    (
      await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${writer}`)
        .expect(200)
    ).body.status;

  async function completed(type: string, jurisdiction = 'CCPA'): Promise<string> {
    const res = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type, subject: { email: uniqueEmail('ccpa') }, jurisdiction })
      .expect(201);
    for (let i = 0; i < 100 && (await status(res.body.id)) !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await status(res.body.id)).toBe('completed');
    return res.body.id;
  }

  async function pending(type: string): Promise<string> {
    const res = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type, email: uniqueEmail('public'), jurisdiction: 'CCPA' })
      .expect(202);
    return res.body.id;
  }

  async function rejected(type: string): Promise<string> {
    const id = await pending(type);
    await request(t.http)
      .post(`/v1/admin/privacy-requests/${id}/reject`)
      .set('Authorization', `Bearer ${dpo}`)
      .send({ reason: 'identity could not be verified' })
      .expect(200);
    return id;
  }

  /** Moves a request's receipt (and its answer, kept `days` after it) into a past year. */
  async function receivedAt(id: string, at: string, days?: number): Promise<void> {
    await db.query(
      `UPDATE privacy_requests SET received_at = $2,
              responded_at = CASE WHEN responded_at IS NULL THEN NULL
                                  ELSE $2::timestamptz + make_interval(days => $3) END
        WHERE id = $1`,
      [id, at, days ?? 0],
    );
  }

  const metrics = (year: string | number, token = auditor) =>
    request(t.http)
      .get(`/v1/admin/reports/ccpa-metrics?year=${year}`)
      .set('Authorization', `Bearer ${token}`);

  it('counts a year of CCPA requests per type: received, complied, denied, median and mean days', async () => {
    // 2021 in California: access answered after 2, 4 and 9 days, and one received on
    // 31 December at 21:00 there (already 2022 in UTC) answered after 1 day.
    for (const [at, days] of [
      ['2021-03-01T12:00:00Z', 2],
      ['2021-06-15T12:00:00Z', 4],
      ['2021-11-30T12:00:00Z', 9],
      ['2022-01-01T05:00:00Z', 1],
    ] as const) {
      await receivedAt(await completed('access'), at, days);
    }
    await receivedAt(await rejected('erasure'), '2021-08-01T00:00:00Z', 10);
    await receivedAt(await pending('erasure'), '2021-12-20T00:00:00Z');
    // Not 2021 in California, or not CCPA.
    await receivedAt(await completed('access'), '2021-01-01T07:00:00Z', 3);
    await receivedAt(await completed('opt_out_sale', 'GDPR'), '2021-05-01T00:00:00Z', 1);

    const res = await metrics(2021).expect(200);
    expect(res.body.year).toBe(2021);
    expect(res.body.byType.access).toEqual({
      received: 4,
      compliedInWholeOrPart: 4,
      denied: 0,
      medianDaysToRespond: 3,
      meanDaysToRespond: 4,
    });
    expect(res.body.byType.erasure).toEqual({
      received: 2,
      compliedInWholeOrPart: 0,
      denied: 1,
      medianDaysToRespond: 10,
      meanDaysToRespond: 10,
    });
    expect(res.body.byType.opt_out_sale).toEqual({
      received: 0,
      compliedInWholeOrPart: 0,
      denied: 0,
      medianDaysToRespond: null,
      meanDaysToRespond: null,
    });
    expect(Object.keys(res.body.byType).sort()).toEqual([
      'access',
      'erasure',
      'opt_out_sale',
      'opt_out_sharing',
      'rectification',
    ]);
    expect((await metrics(2020).expect(200)).body.byType.access.received).toBe(1);
  });

  it('adds the aggregates that purged records left behind to the records still kept', async () => {
    // 2019 as the retention purge would have left it: two access requests answered after 5
    // days, one erasure denied after a day, one never answered.
    await db.query(
      `INSERT INTO privacy_request_metrics (year, jurisdiction, type, outcome, days_to_respond, requests)
       VALUES (2019, 'CCPA', 'access', 'complied', 5.00, 2), (2019, 'CCPA', 'erasure', 'denied', 1.00, 1),
              (2019, 'CCPA', 'erasure', 'unanswered', NULL, 1), (2019, 'GDPR', 'access', 'complied', 2.00, 4)`,
    );
    await receivedAt(await completed('access'), '2019-07-01T12:00:00Z', 11);
    const res = await metrics(2019).expect(200);
    expect(res.body.byType.access).toEqual({
      received: 3,
      compliedInWholeOrPart: 3,
      denied: 0,
      medianDaysToRespond: 5,
      meanDaysToRespond: 7,
    });
    expect(res.body.byType.erasure).toEqual({
      received: 2,
      compliedInWholeOrPart: 0,
      denied: 1,
      medianDaysToRespond: 1,
      meanDaysToRespond: 1,
    });
  });

  it("counts a request filed today in this year's figures, answered the same day", async () => {
    const year = Number(
      new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone: 'America/Los_Angeles' }).format(
        new Date(),
      ),
    );
    const before = (await metrics(year).expect(200)).body.byType.opt_out_sharing;
    await completed('opt_out_sharing');
    const after = (await metrics(year).expect(200)).body.byType.opt_out_sharing;
    expect(after.received - before.received).toBe(1);
    expect(after.compliedInWholeOrPart - before.compliedInWholeOrPart).toBe(1);
    expect(after.medianDaysToRespond).toBeGreaterThanOrEqual(0);
    expect(after.medianDaysToRespond).toBeLessThan(1);
  });

  it('gives CSV for Accept: text/csv, one line per type', async () => {
    const res = await metrics(2021).set('Accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('ccpa-metrics-2021.csv');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(
      'year,type,received,compliedInWholeOrPart,denied,medianDaysToRespond,meanDaysToRespond',
    );
    expect(lines).toContain('2021,access,4,4,0,3,4');
    expect(lines).toContain('2021,opt_out_sale,0,0,0,,');
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('');
  });

  it.each(['', 'abc', '1999', '2101', '2021.5'])(
    'refuses year=%s with a 400 problem',
    async (year) => {
      const res = await metrics(year).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  it('lets admin, dpo and auditor read reports, and no API key', async () => {
    await metrics(2021, admin).expect(200);
    await metrics(2021, dpo).expect(200);
    await metrics(2021, writer).expect(403);
    await request(t.http)
      .get('/v1/admin/reports/processing-record')
      .set('Authorization', `Bearer ${writer}`)
      .expect(403);
  });

  it('documents the reports, the breach register and the DPO workflow in OpenAPI, with examples', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: {
        schemas: Record<string, { properties: Record<string, { example?: unknown }> }>;
      };
    };
    const operations: Array<[string, string]> = [
      ['/v1/admin/reports/ccpa-metrics', 'get'],
      ['/v1/admin/reports/processing-record', 'get'],
      ['/v1/admin/incidents', 'post'],
      ['/v1/admin/incidents', 'get'],
      ['/v1/admin/incidents/{id}', 'get'],
      ['/v1/admin/incidents/{id}/notifications', 'post'],
      ['/v1/admin/privacy-requests/{id}/approve', 'post'],
      ['/v1/admin/privacy-requests/{id}/tasks/{taskId}/complete', 'post'],
    ];
    for (const [path, method] of operations) {
      const op = doc.paths[path]?.[method];
      expect({ path, method, security: op?.security }).toEqual({
        path,
        method,
        security: [{ bearer: [] }],
      });
      expect(String(op.description)).toMatch(/Access: /);
    }
    const csv = doc.paths['/v1/admin/reports/ccpa-metrics'].get.responses as Record<
      string,
      { content: Record<string, unknown> }
    >;
    expect(Object.keys(csv['200'].content)).toEqual(['application/json', 'text/csv']);
    for (const schema of ['CreateIncidentDto', 'RecordNotificationDto', 'CompleteTaskDto']) {
      const props = Object.values(doc.components.schemas[schema].properties);
      expect(props.every((p) => p.example !== undefined)).toBe(true);
    }
  });

  describe('processing record', () => {
    beforeAll(async () => {
      for (const p of [
        { key: 'orders', name: 'Order fulfilment', legalBasis: 'contract' },
        { key: 'newsletter', name: '=Newsletter, "weekly"', legalBasis: 'consent' },
      ]) {
        await request(t.http)
          .post('/v1/purposes')
          .set('Authorization', `Bearer ${dpo}`)
          .send({ ...p, description: 'test purpose' })
          .expect(201);
      }
      await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          name: 'kundendaten',
          type: 'postgres',
          connection: { url: scratch.postgresUrl },
          collections: [
            {
              name: 'kunden',
              identity: { field: 'email', type: 'email' },
              fields: [
                { name: 'email', category: 'contact', purposes: ['orders', 'newsletter'] },
                { name: 'strasse', category: 'coordonnées', purposes: ['orders'] },
                { name: 'notiz', category: 'notes' },
              ],
            },
          ],
        })
        .expect(201);
      await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          name: 'crm',
          type: 'http',
          connection: {
            url: 'https://crm.example.test/privacy',
            secret: 'crm-signing-secret-0123',
          },
          collections: [{ name: 'leads', fields: [{ name: 'score', purposes: ['profiling'] }] }],
        })
        .expect(201);
    });

    it('lists purposes with legal basis and the categories and stores of their fields', async () => {
      const res = await request(t.http)
        .get('/v1/admin/reports/processing-record')
        .set('Authorization', `Bearer ${auditor}`)
        .expect(200);
      expect(Date.parse(res.body.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(res.body.purposes).toEqual(
        expect.arrayContaining([
          {
            key: 'orders',
            name: 'Order fulfilment',
            legalBasis: 'contract',
            dataCategories: ['contact', 'coordonnées'],
            dataStores: ['kundendaten'],
          },
          expect.objectContaining({
            key: 'newsletter',
            legalBasis: 'consent',
            dataCategories: ['contact'],
          }),
        ]),
      );
      expect(res.body.dataStores).toEqual(
        expect.arrayContaining([
          {
            name: 'kundendaten',
            type: 'postgres',
            categories: ['contact', 'coordonnées', 'notes'],
            purposes: ['newsletter', 'orders'],
          },
        ]),
      );
      expect(res.body.recipients).toEqual(
        expect.arrayContaining([{ name: 'crm', host: 'crm.example.test' }]),
      );
      expect(res.body.unregisteredPurposes).toEqual([{ key: 'profiling', dataStores: ['crm'] }]);
      expect(res.body.keyProviders).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ alias: t.config.crypto.defaultAlias, provider: 'local' }),
        ]),
      );
      expect(res.body.retention.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toContain('crm-signing-secret');
    });

    it('gives CSV with quoting and formula cells neutralised', async () => {
      const res = await request(t.http)
        .get('/v1/admin/reports/processing-record')
        .set('Authorization', `Bearer ${dpo}`)
        .set('Accept', 'text/csv')
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe('record,key,name,legalBasis,type,categories,dataStores,recipient');
      expect(lines).toContain(
        `purpose,newsletter,"'=Newsletter, ""weekly""",consent,,contact,kundendaten,`,
      );
      expect(lines).toContain(
        'purpose,orders,Order fulfilment,contract,,contact; coordonnées,kundendaten,',
      );
      expect(lines).toContain('dataStore,,crm,,http,,,crm.example.test');
    });
  });
});
