import { authenticator } from 'otplib';
import { Client } from 'pg';
import type { Page } from 'puppeteer-core';
import request from 'supertest';
import { createApiKey, createUser } from './support/factories';
import { collectErrors, seriousAxeViolations, step } from './support/browser';
import { BrowserApp, startBrowserApp } from './support/browser-app';
import { adminToken, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/**
 * The console and the queue board from a real browser. Requests wait for approval
 * (REQUEST_APPROVAL=manual), so they stay open and listed whatever the workers do.
 */
describe('console (/console) and the queue board in a real browser', () => {
  let served: BrowserApp;
  let t: TestApp;
  let base: string;
  let db: Client;
  let page: Page;
  let errors: string[];
  /** Paths that answered 404: only the optional endpoints the console probes may. */
  const missing = new Set<string>();
  const OPTIONAL = ['/v1/admin/security/alerts'];
  let user: { email: string; password: string; token: string };
  let totpSecret: string;
  let backupCodes: string[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    served = await startBrowserApp('console_pages', { env: { REQUEST_APPROVAL: 'manual' } });
    ({ t, base } = served);
    const admin = await adminToken(t.http);

    user = await createUser(t.http, admin, ['admin', 'dpo']);
    const enroll = await request(t.http)
      .post('/v1/auth/mfa/totp/enroll')
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    totpSecret = enroll.body.secret;
    const confirmed = await request(t.http)
      .post('/v1/auth/mfa/totp/confirm')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ code: authenticator.generate(totpSecret) })
      .expect(200);
    backupCodes = confirmed.body.backupCodes;

    const writer = (await createApiKey(t.http, admin, ['requests:write'])).key;
    const file = async (type: string, jurisdiction: string, daysAgo: number): Promise<string> => {
      const res = await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${writer}`)
        .send({
          type,
          jurisdiction,
          subject: { email: `zoë.${type}@example.test`.normalize('NFC') },
          receivedAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
        })
        .expect(201);
      return res.body.id as string;
    };
    ids.erasure = await file('erasure', 'GDPR', 2);
    ids.access = await file('access', 'CCPA', 20);
    ids.overdue = await file('access', 'UK_GDPR', 10);
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    // A request past its due date, as one would be after a month of waiting.
    await db.query(`UPDATE privacy_requests SET due_at = now() - interval '2 days' WHERE id = $1`, [
      ids.overdue,
    ]);

    page = await served.chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    errors = collectErrors(page);
    page.on('response', (r) => {
      if (r.status() === 404) {
        missing.add(new URL(r.url()).pathname);
      }
    });
  });

  /** Console errors, less the browser's note of each 404 from an optional endpoint. */
  const unexpectedErrors = (): string[] => {
    const probes = [...missing].filter((p) => OPTIONAL.includes(p)).length;
    let allowed = probes;
    return errors.filter((e) => !(e.includes('404 (Not Found)') && allowed-- > 0));
  };

  afterAll(async () => {
    await db?.end();
    await served?.close();
  });

  beforeEach(() => {
    errors.length = 0;
  });

  const visible = (selector: string) => page.waitForSelector(selector, { visible: true });
  const text = (selector: string) => page.$eval(selector, (e) => e.textContent ?? '');

  /**
   * A TOTP code is taken once (confirming enrolment spent this step's), and the service allows a
   * step of clock drift: the app's code for the next step is what a fast-clocked phone shows.
   */
  const nextStepCode = (): string =>
    authenticator.clone({ epoch: Date.now() + 30_000 }).generate(totpSecret);

  async function logIn(secondFactor = nextStepCode()): Promise<void> {
    await page.goto(`${base}/console`, { waitUntil: 'networkidle0' });
    await page.type('#login-email', user.email);
    await page.type('#login-password', user.password);
    await page.click('#login-form button[type=submit]');
    await visible('#mfa-code');
    await page.type('#mfa-code', secondFactor);
    await page.click('#mfa-form button[type=submit]');
    await visible('#requests-table tbody tr');
  }

  it('the login form uses a password field, passes axe-core and loads without console errors', async () => {
    await step(page, 'console-login-form', async () => {
      const res = await page.goto(`${base}/console`, { waitUntil: 'networkidle0' });
      const csp = res?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-(inline|eval)/);
      expect(await page.$('input#login-password[type=password]')).not.toBeNull();
      expect(await page.$('#app')).not.toBeNull();
      expect(await page.$eval('#app', (a) => (a as unknown as { hidden: boolean }).hidden)).toBe(
        true,
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('an admin logs in with password and TOTP and sees requests soonest due first, the overdue one marked', async () => {
    await step(page, 'console-login-list', async () => {
      await logIn();
      const rows = await page.$$eval('#requests-table tbody tr', (trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-request-id'),
          overdue: tr.querySelector('.badge.overdue')?.textContent ?? null,
        })),
      );
      // CCPA's 45 days from 20 days ago end before GDPR's month from 2 days ago.
      expect(rows.map((r) => r.id)).toEqual([ids.overdue, ids.access, ids.erasure]);
      expect(rows.map((r) => r.overdue)).toEqual(['Overdue', null, null]);
      expect(await text('#message')).toBe('Logged in.');
      expect([...missing].filter((p) => !OPTIONAL.includes(p))).toEqual([]);
      expect(unexpectedErrors()).toEqual([]);
    });
  });

  it('filters narrow the list', async () => {
    await step(page, 'console-filters', async () => {
      await page.select('#filter-type', 'erasure');
      await page.click('#filters button[type=submit]');
      await page.waitForFunction(
        'document.querySelectorAll("#requests-table tbody tr").length === 1',
      );
      expect(
        await page.$eval('#requests-table tbody tr', (tr) => tr.getAttribute('data-request-id')),
      ).toBe(ids.erasure);
      await page.select('#filter-type', '');
      await page.click('#filter-overdue');
      await page.click('#filters button[type=submit]');
      await page.waitForFunction(
        `document.querySelector("#requests-table tbody tr")?.getAttribute("data-request-id") === "${ids.overdue}" && document.querySelectorAll("#requests-table tbody tr").length === 1`,
      );
      await page.click('#filter-overdue');
      await page.click('#filters button[type=submit]');
      await page.waitForFunction(
        'document.querySelectorAll("#requests-table tbody tr").length === 3',
      );
    });
  });

  it('a request opens with its tasks and events, and the DPO extends it with a reason through the page', async () => {
    await step(page, 'console-extend', async () => {
      await page.click(`#requests-table tr[data-request-id="${ids.erasure}"] button`);
      await visible('#detail-section');
      expect(await text('#detail-heading')).toContain(ids.erasure);
      expect(await text('#events')).toContain('privacy_request.');
      expect(await page.$$('#tasks-table tbody tr')).toHaveLength(1);

      const reason = 'Zoë’s data sits in several systems: we need more time';
      await page.click('#action-form button[value=extend]');
      expect(await text('#alert')).toBe('Please give a reason.');
      await page.type('#reason', reason);
      await page.click('#action-form button[value=extend]');
      await page.waitForFunction(
        'document.getElementById("message").textContent.startsWith("The deadline is extended to")',
      );
      const stored = await db.query<{ extended_due_at: Date | null }>(
        'SELECT extended_due_at FROM privacy_requests WHERE id = $1',
        [ids.erasure],
      );
      expect(stored.rows[0].extended_due_at).not.toBeNull();
      const detail = await request(t.http)
        .get(`/v1/privacy-requests/${ids.erasure}`)
        .set('Authorization', `Bearer ${user.token}`)
        .expect(200);
      expect(detail.body.extensionReason).toBe(reason);
      expect(await text('#detail-facts')).toContain(reason);

      // A second extension is refused by the API, and the page says why.
      await page.type('#reason', 'again');
      await page.click('#action-form button[value=extend]');
      await page.waitForFunction(
        'document.getElementById("alert").textContent.includes("cannot be done")',
      );
      expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    });
  });

  it('shows the deadlines summary as charts with their figures, and passes axe-core logged in', async () => {
    await step(page, 'console-sla', async () => {
      await page.click('#close-detail');
      await visible('#sla-figures div');
      expect(await text('#sla-figures')).toContain('Overdue1');
      expect(
        await page.$$eval('#chart-type-data tbody tr', (trs) => trs.map((tr) => tr.textContent)),
      ).toEqual(['Get a copy of my data2', 'Delete my data1']);
      // Chart.js drew on the canvas: it has pixels that are not transparent.
      const drawn = await page.$eval('#chart-type', (c) => {
        const canvas = c as unknown as {
          width: number;
          height: number;
          getContext(k: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
        };
        return canvas
          .getContext('2d')
          .getImageData(0, 0, canvas.width, canvas.height)
          .data.some((v, i) => i % 4 === 3 && v > 0);
      });
      expect(drawn).toBe(true);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
  });

  it('shows incidents and the security alerts the server has recorded', async () => {
    await step(page, 'console-registers', async () => {
      expect(await text('#incidents')).toBe('No incidents recorded.');
      const alerts = await request(t.http)
        .get('/v1/admin/security/alerts')
        .set('Authorization', `Bearer ${user.token}`);
      expect(alerts.status).toBe(200);
      // Alerts are detected in batches: the page may have loaded before the first was recorded.
      const shown = await text('#alerts');
      const kinds = (alerts.body as { items: { kind: string }[] }).items.map((a) => a.kind);
      expect(shown === 'No security alerts.' || kinds.some((k) => shown.includes(k))).toBe(true);
    });
  });

  it('fits a phone width without sideways scrolling of the page', async () => {
    await step(page, 'console-phone', async () => {
      await page.setViewport({ width: 360, height: 740 });
      // The charts follow the new width on their next resize observation.
      await page
        .waitForFunction(
          'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
          { timeout: 3_000 },
        )
        .catch(() => undefined);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      await page.setViewport({ width: 1280, height: 900 });
    });
  });

  it('the queue board opens from the console with its cookie, loads its own assets and nothing from other hosts', async () => {
    await step(page, 'console-board', async () => {
      const opened = new Promise<Page>((resolve) =>
        served.chromium.browser.once(
          'targetcreated',
          (target: { page(): Promise<Page | null> }) => {
            void target.page().then((p) => p && resolve(p));
          },
        ),
      );
      await page.click('#board-link');
      const board = await opened;
      const boardErrors = collectErrors(board);
      const foreign: string[] = [];
      board.on('request', (r) => {
        if (!r.url().startsWith(base) && !r.url().startsWith('data:')) {
          foreign.push(r.url());
        }
      });
      await board.reload({ waitUntil: 'networkidle0' });
      await board.waitForFunction(
        'document.body.innerText.includes("privacy-requests") && !document.body.innerText.includes("Loading")',
        { timeout: 20_000 },
      );
      expect(boardErrors).toEqual([]);
      expect(foreign).toEqual([]);
      const cookie = (await board.cookies(`${base}/admin/queues/`)).find(
        (c) => c.name === 'queue_board_session',
      );
      expect(cookie).toMatchObject({
        path: '/admin/queues',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
      });
      await board.close();
    });
  });

  it('logging out from the console removes the board cookie', async () => {
    await step(page, 'console-logout', async () => {
      await page.click('#logout');
      await visible('#login-step');
      expect(await text('#message')).toBe('You are logged out.');
      const cookies = await page.cookies(`${base}/admin/queues/`);
      expect(cookies.find((c) => c.name === 'queue_board_session')).toBeUndefined();
    });
  });

  it('the board cookie is tied to the admin session: revoking the session closes the board at once', async () => {
    await step(page, 'console-board-revoked', async () => {
      await logIn(backupCodes[0]);
      const board = await served.chromium.browser.newPage();
      expect((await board.goto(`${base}/admin/queues/api/queues`))?.status()).toBe(200);
      const cookie = (await board.cookies(`${base}/admin/queues/`)).find(
        (c) => c.name === 'queue_board_session',
      );
      await request(t.http)
        .post('/v1/auth/logout')
        .set('Authorization', `Bearer ${cookie?.value}`)
        .expect(204);
      expect((await board.goto(`${base}/admin/queues/api/queues`))?.status()).toBe(401);
      await board.close();
    });
  });
});
