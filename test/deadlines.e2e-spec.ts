import { DateTime } from 'luxon';
import request from 'supertest';
import {
  acknowledgementDeadline,
  extendedDeadline,
  initialDeadline,
  Jurisdiction,
  RequestType,
} from 'src/privacy-requests/deadlines/deadline-rules';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

const DAY_MS = 24 * 60 * 60 * 1000;

interface View {
  id: string;
  jurisdiction: Jurisdiction;
  receivedAt: string;
  dueAt: string;
  dueRule: string;
  extendedDueAt?: string;
  extendedRule?: string;
  extensionReason?: string;
  acknowledgeBy?: string;
  acknowledgeRule?: string;
  acknowledgedAt?: string;
  events: Array<{ action: string; details: Record<string, unknown> }>;
}

describe('deadlines in the jurisdiction’s own time', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let writer: string;
  let reader: string;
  let dpo: string;

  beforeAll(async () => {
    own = await ownDatabase('deadlines');
    t = await createTestApp({
      ...own.env,
      // No workers: requests stay open so they can be extended and listed as open.
      WORKERS: 'false',
      DEFAULT_JURISDICTION: 'UK_GDPR',
      PRIVACY_TIME_ZONE_GDPR: 'Europe/Berlin',
      PRIVACY_HOLIDAYS: dayList(3, 11, 19),
      PRIVACY_HOLIDAYS_CCPA: dayList(-5, 7, 26),
    });
    const admin = await adminToken(t.http);
    writer = (await createApiKey(t.http, admin, ['requests:write'])).key;
    reader = admin;
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
  });

  afterAll(async () => {
    await t?.close();
    await own?.drop();
  });

  /** Local dates `days` from today, so holidays fall inside the periods under test. */
  function dayList(...days: number[]): string {
    return days.map((d) => new Date(Date.now() + d * DAY_MS).toISOString().slice(0, 10)).join(',');
  }

  const file = (body: Record<string, unknown>) =>
    request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ subject: { email: uniqueEmail('deadline') }, ...body });

  async function view(id: string): Promise<View> {
    const res = await request(t.http)
      .get(`/v1/privacy-requests/${id}`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(200);
    return res.body as View;
  }

  it('agrees with the engine for backend requests received on every day of the last month, late in the UTC evening', async () => {
    const cases: Array<[Jurisdiction, RequestType]> = [
      ['GDPR', 'access'],
      ['UK_GDPR', 'erasure'],
      ['CCPA', 'access'],
      ['CCPA', 'opt_out_sale'],
    ];
    const today = DateTime.utc().startOf('day');
    for (let back = 29; back >= 1; back--) {
      // 23:30 UTC is already the next day in Europe and still the same day in California.
      const receivedAt = today.minus({ days: back }).set({ hour: 23, minute: 30 }).toJSDate();
      for (const [jurisdiction, type] of cases) {
        const calendar = t.config.privacyRequests.calendars[jurisdiction];
        const res = await file({ type, jurisdiction, receivedAt: receivedAt.toISOString() });
        expect(res.status).toBe(201);
        const expected = initialDeadline(jurisdiction, type, receivedAt, calendar);
        expect(res.body.dueAt).toBe(expected.dueAt.toISOString());
        const v = await view(res.body.id);
        expect(v.receivedAt).toBe(receivedAt.toISOString());
        expect(v.dueRule).toBe(expected.rule);
        expect(DateTime.fromISO(v.dueAt, { zone: calendar.zone }).toFormat('HH:mm:ss.SSS')).toBe(
          '23:59:59.999',
        );
        const ack = acknowledgementDeadline(jurisdiction, type, receivedAt, calendar);
        expect(v.acknowledgeBy).toBe(ack?.dueAt.toISOString());
        expect(v.acknowledgeRule).toBe(ack?.rule);
      }
    }
  });

  it('counts GDPR days in the configured zone and its holidays', () => {
    const { GDPR, CCPA, UK_GDPR } = t.config.privacyRequests.calendars;
    expect(GDPR.zone).toBe('Europe/Berlin');
    expect(CCPA.holidays.size).toBe(6);
    expect(UK_GDPR.holidays.size).toBe(3);
  });

  it('gives a CCPA request to know an acknowledgement date and records when the receipt was confirmed', async () => {
    const before = Date.now();
    const res = await file({ type: 'access', jurisdiction: 'CCPA' }).expect(201);
    const v = await view(res.body.id);
    expect(v.acknowledgeRule).toBe('ccpa-acknowledge-10-business-days');
    expect(Date.parse(v.acknowledgeBy ?? '')).toBeGreaterThan(before + 10 * DAY_MS);
    // A backend vouches for the subject: the request is queued, so receipt is confirmed at once.
    expect(Date.parse(v.acknowledgedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(v.acknowledgedAt ?? '')).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('gives GDPR requests and CCPA opt-outs no acknowledgement', async () => {
    for (const body of [
      { type: 'access', jurisdiction: 'GDPR' },
      { type: 'opt_out_sharing', jurisdiction: 'CCPA' },
    ]) {
      const v = await view((await file(body).expect(201)).body.id);
      expect(v.acknowledgeBy).toBeUndefined();
      expect(v.acknowledgedAt).toBeUndefined();
    }
  });

  it('files a request naming no jurisdiction under DEFAULT_JURISDICTION, and an opt-out under the CCPA', async () => {
    const access = await view((await file({ type: 'access' }).expect(201)).body.id);
    expect(access.jurisdiction).toBe('UK_GDPR');
    expect(access.dueRule).toBe('gdpr-1-calendar-month');
    const optOut = await view((await file({ type: 'opt_out_sale' }).expect(201)).body.id);
    expect(optOut.jurisdiction).toBe('CCPA');
    expect(optOut.dueRule).toBe('ccpa-15-business-days');
  });

  it('refuses a receipt time in the future or more than 30 days back with a 422 problem', async () => {
    const cases: Array<[string, string]> = [
      [new Date(Date.now() + 10 * 60 * 1000).toISOString(), 'must not be in the future'],
      [new Date(Date.now() - 31 * DAY_MS).toISOString(), 'must be at most 30 days back'],
    ];
    for (const [receivedAt, message] of cases) {
      const res = await file({ type: 'access', receivedAt }).expect(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'receivedAt', message }]);
    }
  });

  it('refuses a malformed receipt time with a 400 problem', async () => {
    for (const receivedAt of [
      '2026-11-31T10:00:00Z',
      '2026-11-20T10:00:00',
      'yesterday',
      1764000000,
    ]) {
      const res = await file({ type: 'access', receivedAt }).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.body)).toContain('receivedAt');
    }
  });

  it('extends from receipt, keeps the reason and the rule beside the new date, and shows them', async () => {
    const receivedAt = DateTime.utc().minus({ days: 20 }).set({ hour: 23, minute: 30 }).toJSDate();
    const created = await file({
      type: 'erasure',
      jurisdiction: 'GDPR',
      receivedAt: receivedAt.toISOString(),
    }).expect(201);
    const id = created.body.id as string;
    const reason = 'Complex request: the CRM, the shop and Zoë’s archive hold data';
    const extended = await request(t.http)
      .post(`/v1/admin/privacy-requests/${id}/extend`)
      .set('Authorization', `Bearer ${dpo}`)
      .send({ reason })
      .expect(200);
    const expected = extendedDeadline(
      'GDPR',
      'erasure',
      receivedAt,
      t.config.privacyRequests.calendars.GDPR,
    );
    expect(extended.body.dueAt).toBe(expected?.dueAt.toISOString());

    const v = await view(id);
    expect(v.dueAt).toBe(created.body.dueAt);
    expect(v.extendedDueAt).toBe(expected?.dueAt.toISOString());
    expect(v.extendedRule).toBe('gdpr-extended-3-calendar-months');
    expect(v.extensionReason).toBe(reason);
    // The audit trail keeps the reason's length only: it is free text and may name people.
    const event = v.events.find((e) => e.action === 'privacy_request.extended');
    expect(event?.details).toMatchObject({ reasonLength: reason.length });
    expect(JSON.stringify(v.events)).not.toContain('Zoë');

    const list = await request(t.http)
      .get('/v1/admin/privacy-requests?limit=500')
      .set('Authorization', `Bearer ${dpo}`)
      .expect(200);
    const row = (list.body.items as Array<Record<string, unknown>>).find((r) => r.id === id);
    expect(row).toMatchObject({
      dueAt: expected?.dueAt.toISOString(),
      dueRule: 'gdpr-extended-3-calendar-months',
      extendedDueAt: expected?.dueAt.toISOString(),
      extensionReason: reason,
    });

    await request(t.http)
      .post(`/v1/admin/privacy-requests/${id}/extend`)
      .set('Authorization', `Bearer ${dpo}`)
      .send({ reason: 'again' })
      .expect(409);
  });

  it('lists acknowledgement dates beside the due date', async () => {
    const erasure = (await file({ type: 'erasure', jurisdiction: 'CCPA' }).expect(201)).body
      .id as string;
    const list = await request(t.http)
      .get('/v1/admin/privacy-requests?limit=500')
      .set('Authorization', `Bearer ${dpo}`)
      .expect(200);
    const row = (list.body.items as Array<Record<string, unknown>>).find((r) => r.id === erasure);
    const v = await view(erasure);
    expect(row).toMatchObject({
      dueRule: 'ccpa-45-days',
      acknowledgeBy: v.acknowledgeBy,
      acknowledgedAt: v.acknowledgedAt,
    });
    expect(row?.acknowledgeBy).toEqual(expect.any(String));
  });
});
