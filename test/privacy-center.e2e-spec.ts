import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import request from 'supertest';
import { uniqueEmail } from './support/factories';
import { collectErrors, seriousAxeViolations, step } from './support/browser';
import { BrowserApp, startBrowserApp } from './support/browser-app';
import { SmtpCapture } from './support/smtp-capture';
import { adminToken, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/** The day as the page writes it (`en`, long form), computed here from the instant and zone. */
const localDay = (at: string, zone: string): string =>
  new Intl.DateTimeFormat('en', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: zone,
  }).format(new Date(at));

describe('privacy center (/privacy) in a real browser', () => {
  const smtp = new SmtpCapture();
  let served: BrowserApp;
  let t: TestApp;
  let base: string;
  let admin: string;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    served = await startBrowserApp('privacy_center', {
      env: {
        SMTP_URL: await smtp.start(),
        EXPORT_DIR: mkdtempSync(join(tmpdir(), 'privacy-center-exports-')),
        PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      },
    });
    ({ t, base } = served);
    admin = await adminToken(t.http);
    page = await served.chromium.browser.newPage();
    errors = collectErrors(page);
  });

  afterAll(async () => {
    await served?.close();
    await smtp.stop();
  });

  beforeEach(() => {
    errors.length = 0;
  });

  const visible = (selector: string) => page.waitForSelector(selector, { visible: true });

  /** Fills the form and sends it; answers the address used. */
  async function fileRequest(type: string, jurisdiction: string): Promise<string> {
    const email = uniqueEmail('subject');
    await page.goto(`${base}/privacy`, { waitUntil: 'networkidle0' });
    await page.select('#type', type);
    await page.select('#jurisdiction', jurisdiction);
    await page.type('#email', email);
    await page.click('#request-form button[type=submit]');
    return email;
  }

  async function codeFor(email: string): Promise<string> {
    const mail = await smtp.waitFor(email, 'verification code');
    const code = /code is (\d{6})/.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    return code ?? '';
  }

  it('the page uses standard controls and loads with its CSP and no console error', async () => {
    await step(page, 'privacy-controls', async () => {
      const res = await page.goto(`${base}/privacy`, { waitUntil: 'networkidle0' });
      const csp = res?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(await page.$eval('select#type', (s) => s.options.length)).toBe(5);
      expect(await page.$('input#email[type=email][required]')).not.toBeNull();
      expect(await page.$('input#code[autocomplete="one-time-code"]')).not.toBeNull();
      expect(await page.$eval('#gpc-heading', (h) => h.textContent)).toBe('Global Privacy Control');
      expect(await page.$eval('label[for=type]', (l) => l.textContent)).toBe(
        'What would you like us to do?',
      );
      expect(errors).toEqual([]);
    });
  });

  it('has no serious or critical axe-core violations, and no sideways scrolling at a phone width', async () => {
    await step(page, 'privacy-axe', async () => {
      await page.setViewport({ width: 360, height: 740 });
      await page.goto(`${base}/privacy`, { waitUntil: 'networkidle0' });
      expect(await seriousAxeViolations(page)).toEqual([]);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      await page.setViewport({ width: 1280, height: 900 });
    });
  });

  it('a subject files an access request, enters the mailed code and sees the status and the local due date', async () => {
    await step(page, 'privacy-access-flow', async () => {
      const email = await fileRequest('access', 'GDPR');
      await visible('#code-step');
      expect(await page.$eval('#code-sent', (p) => p.textContent)).toContain(email);
      expect(await seriousAxeViolations(page)).toEqual([]);

      await page.type('#code', await codeFor(email));
      await page.click('#code-form button[type=submit]');
      const card = await visible('.request-card dl');
      expect(await page.$eval('#message', (m) => m.textContent)).toBe(
        'Thank you: your request is confirmed.',
      );
      const id = await page.$eval('.request-card', (c) => c.getAttribute('data-request-id'));
      const stored = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      const text = await card?.evaluate((dl) => dl.textContent ?? '');
      expect(text).toContain(id);
      expect(text).toContain(
        `${localDay(stored.body.dueAt as string, 'Europe/Brussels')} (Europe/Brussels time)`,
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('once the access package is ready, the page offers a link that downloads it', async () => {
    await step(page, 'privacy-download', async () => {
      const id = await page.$eval('.request-card', (c) => c.getAttribute('data-request-id'));
      for (let i = 0; i < 100; i++) {
        const r = await request(t.http)
          .get(`/v1/privacy-requests/${id}`)
          .set('Authorization', `Bearer ${admin}`);
        if (r.body.status === 'completed') {
          break;
        }
        await new Promise((r) => setTimeout(r, 300));
      }
      await page.reload({ waitUntil: 'networkidle0' });
      const link = await visible(`.request-card[data-request-id="${id}"] a.download`);
      const href = await link?.evaluate((a) => (a as unknown as { href: string }).href);
      expect(href).toMatch(new RegExp(`^${base}/v1/public/exports/`));
      const zip = await fetch(href ?? '');
      expect(zip.status).toBe(200);
      expect(zip.headers.get('content-type')).toBe('application/zip');
      expect(errors).toEqual([]);
    });
  });

  it('a wrong code is refused on the page, and the right one still works', async () => {
    await step(page, 'privacy-wrong-code', async () => {
      const email = await fileRequest('erasure', 'CCPA');
      await visible('#code-step');
      const code = await codeFor(email);
      await page.type('#code', code === '000000' ? '111111' : '000000');
      await page.click('#code-form button[type=submit]');
      await page.waitForFunction(
        'document.getElementById("alert").textContent.includes("That code is not right")',
      );
      await page.$eval('#code', (i) => ((i as unknown as { value: string }).value = ''));
      await page.type('#code', code);
      await page.click('#code-form button[type=submit]');
      await page.waitForFunction('document.getElementById("code-step").hidden');
      expect(await page.$$eval('.request-card', (cards) => cards.length)).toBe(2);
    });
  });

  it('an opt-out of sale needs no code and shows at once', async () => {
    await step(page, 'privacy-opt-out', async () => {
      await fileRequest('opt_out_sale', '');
      await page.waitForFunction(
        'document.getElementById("message").textContent.includes("It needs no code")',
      );
      expect(
        await page.$eval('#code-step', (s) => (s as unknown as { hidden: boolean }).hidden),
      ).toBe(true);
      const first = await visible('.request-card dl');
      expect(await first?.evaluate((dl) => dl.textContent)).toContain('America/Los_Angeles time');
      expect(errors).toEqual([]);
    });
  });
});
