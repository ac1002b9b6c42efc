import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const HOUR = 3600_000;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString();

describe('breach register', () => {
  let t: TestApp;
  let admin: string;
  let dpo: string;
  let auditor: string;
  let readerKey: string;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
    auditor = (await createUser(t.http, admin, ['auditor'])).token;
    readerKey = (await createApiKey(t.http, admin, ['requests:read'])).key;
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const report = (token: string, body: object) =>
    request(t.http).post('/v1/admin/incidents').set('Authorization', `Bearer ${token}`).send(body);
  const notify = (token: string, id: string, body: object) =>
    request(t.http)
      .post(`/v1/admin/incidents/${id}/notifications`)
      .set('Authorization', `Bearer ${token}`)
      .send(body);
  const sla = async (): Promise<{ incidents: Record<string, number> }> =>
    (
      await request(t.http)
        .get('/v1/admin/privacy-requests/sla')
        .set('Authorization', `Bearer ${auditor}`)
        .expect(200)
    ).body;

  it('a DPO records a breach and gets the authority deadline 72 h after detection', async () => {
    const res = await report(dpo, {
      title: 'Fichier clients envoyé à la mauvaise adresse — Müller & Søn',
      detectedAt: '2026-11-30T23:30:00+01:00',
      description: 'Export of 40 customer rows mailed to a supplier.',
      affectedSubjects: 40,
      dataCategories: ['contact', 'données de commande'],
    }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      notifyAuthorityBy: '2026-12-03T22:30:00.000Z',
    });
    const one = await request(t.http)
      .get(`/v1/admin/incidents/${res.body.id}`)
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(one.body).toMatchObject({
      title: 'Fichier clients envoyé à la mauvaise adresse — Müller & Søn',
      detectedAt: '2026-11-30T22:30:00.000Z',
      affectedSubjects: 40,
      dataCategories: ['contact', 'données de commande'],
      authorityNotifiedAt: null,
      notifications: [],
    });
  });

  it('an admin writes too; an auditor and a requests:read key cannot', async () => {
    await report(admin, { title: 'Lost laptop', detectedAt: iso(HOUR) }).expect(201);
    await report(auditor, { title: 'Lost laptop', detectedAt: iso(HOUR) }).expect(403);
    await report(readerKey, { title: 'Lost laptop', detectedAt: iso(HOUR) }).expect(403);
    await request(t.http)
      .get('/v1/admin/incidents')
      .set('Authorization', `Bearer ${readerKey}`)
      .expect(403);
    await request(t.http).get('/v1/admin/incidents').expect(401);
  });

  it('logs notifications of the authority and of the subjects, readable by an auditor', async () => {
    const { body } = await report(dpo, { title: 'Phished mailbox', detectedAt: iso(30 * HOUR) });
    await notify(auditor, body.id, { party: 'authority', at: iso(HOUR) }).expect(403);
    const toldAt = iso(2 * HOUR);
    await notify(dpo, body.id, { party: 'authority', at: toldAt }).expect(201);
    const after = await notify(admin, body.id, { party: 'subjects', at: iso(HOUR) }).expect(201);
    expect(after.body.notifications.map((n: { party: string }) => n.party)).toEqual([
      'authority',
      'subjects',
    ]);
    expect(after.body.authorityNotifiedAt).toBe(toldAt);
    expect(after.body.subjectsNotifiedAt).not.toBeNull();
    const events: Array<{ action: string; details: object }> = await db.query(
      `SELECT action, details FROM audit_events WHERE target_type = 'incident' AND target_id = $1 ORDER BY seq`,
      [body.id],
    );
    expect(events.map((e) => e.action)).toEqual([
      'incident.created',
      'incident.notification_recorded',
      'incident.notification_recorded',
    ]);
    expect(events[1].details).toMatchObject({ party: 'authority', late: false });
    expect(JSON.stringify(events)).not.toContain('Phished');
  });

  it('lists the register newest first, a page at a time', async () => {
    const ids: string[] = [];
    for (const title of ['page one', 'page two', 'page three']) {
      ids.push((await report(dpo, { title, detectedAt: iso(HOUR) }).expect(201)).body.id);
    }
    const first = await request(t.http)
      .get('/v1/admin/incidents?limit=2')
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const second = await request(t.http)
      .get(`/v1/admin/incidents?limit=2&cursor=${first.body.nextCursor}`)
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(second.body.items[0].id).toBe(ids[0]);
  });

  it('the SLA summary counts unreported incidents past or within 24 h of their 72 h', async () => {
    const before = (await sla()).incidents;
    await report(dpo, { title: 'past', detectedAt: iso(73 * HOUR) }).expect(201);
    await report(dpo, { title: 'near', detectedAt: iso(60 * HOUR) }).expect(201);
    await report(dpo, { title: 'fresh', detectedAt: iso(HOUR) }).expect(201);
    const reported = await report(dpo, { title: 'told', detectedAt: iso(80 * HOUR) }).expect(201);
    await notify(dpo, reported.body.id, { party: 'authority', at: iso(2 * HOUR) }).expect(201);
    const now = (await sla()).incidents;
    expect(now.open - before.open).toBe(3);
    expect(now.pastDeadline - before.pastDeadline).toBe(1);
    expect(now.dueWithin24Hours - before.dueWithin24Hours).toBe(1);
    const late: Array<{ details: { late: boolean } }> = await db.query(
      `SELECT details FROM audit_events WHERE action = 'incident.notification_recorded' AND target_id = $1`,
      [reported.body.id],
    );
    expect(late[0].details.late).toBe(true);
  });

  it.each([
    ['a detection in the future', { title: 'x', detectedAt: iso(-2 * HOUR) }, 422],
    ['no title', { detectedAt: iso(HOUR) }, 400],
    ['a title over 200 characters', { title: 'x'.repeat(201), detectedAt: iso(HOUR) }, 400],
    [
      'a description over 4000 characters',
      { title: 'x', detectedAt: iso(HOUR), description: 'y'.repeat(4001) },
      400,
    ],
    ['a date that is not RFC 3339', { title: 'x', detectedAt: 'yesterday' }, 400],
    ['a negative subject count', { title: 'x', detectedAt: iso(HOUR), affectedSubjects: -1 }, 400],
    ['an unknown field', { title: 'x', detectedAt: iso(HOUR), severity: 'high' }, 400],
  ])('refuses %s as problem+json', async (_label, body, status) => {
    const res = await report(dpo, body).expect(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a notification before detection, in the future, or of an unknown party or incident', async () => {
    const { body } = await report(dpo, { title: 'x', detectedAt: iso(10 * HOUR) });
    await notify(dpo, body.id, { party: 'authority', at: iso(11 * HOUR) }).expect(422);
    await notify(dpo, body.id, { party: 'authority', at: iso(-HOUR) }).expect(422);
    await notify(dpo, body.id, { party: 'press', at: iso(HOUR) }).expect(400);
    await notify(dpo, '00000000-0000-4000-8000-000000000000', {
      party: 'authority',
      at: iso(HOUR),
    }).expect(404);
  });
});
