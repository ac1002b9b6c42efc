import request from 'supertest';
import { createUser } from './support/factories';
import {
  collectErrors,
  launchBrowser,
  seriousAxeViolations,
  step,
  TestBrowser,
} from './support/browser';
import { ownDatabase } from './support/own-database';
import { SoftAuthenticator } from './support/soft-authenticator';
import { freePort } from './support/spawn-service';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/**
 * The console's passkey login in Chromium, whose virtual authenticator (DevTools protocol) holds
 * the same key the user enrolled. Served as `localhost`: WebAuthn takes no IP address as RP id.
 */
describe('console login with a passkey in a real browser', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let base: string;
  let chromium: TestBrowser;

  beforeAll(async () => {
    own = await ownDatabase('console_passkey');
    const port = await freePort();
    base = `http://localhost:${port}`;
    t = await createTestApp({ ...own.env, PUBLIC_BASE_URL: base });
    await t.app.listen(port, '127.0.0.1');
    chromium = await launchBrowser();
  });

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
    await own?.drop();
  });

  it('offers the passkey after the password and logs in with it', async () => {
    const admin = await adminToken(t.http);
    const user = await createUser(t.http, admin, ['dpo']);
    const key = new SoftAuthenticator(base, 'localhost');
    const options = await request(t.http)
      .post('/v1/auth/mfa/webauthn/register/options')
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    await request(t.http)
      .post('/v1/auth/mfa/webauthn/register/verify')
      .set('Authorization', `Bearer ${user.token}`)
      .send({ name: 'Laptop', response: key.create(options.body as { challenge: string }) })
      .expect(201);

    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await step(page, 'console-passkey', async () => {
      const cdp = await page.createCDPSession();
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'usb',
          hasResidentKey: false,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      await cdp.send('WebAuthn.addCredential', {
        authenticatorId,
        credential: {
          credentialId: key.credentialId.toString('base64'),
          isResidentCredential: false,
          rpId: 'localhost',
          privateKey: key.privateKeyPkcs8(),
          signCount: key.counter,
        },
      });

      await page.goto(`${base}/console`, { waitUntil: 'networkidle0' });
      await page.type('#login-email', user.email);
      await page.type('#login-password', user.password);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#passkey', { visible: true });
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.click('#passkey');
      await page.waitForSelector('#app', { visible: true });
      expect(await page.$eval('#message', (m) => m.textContent)).toBe('Logged in.');
      // A dpo may not open the queue board: the console asked (403) and hides its link.
      expect(
        await page.$eval(
          '#board-link',
          (a) => (a.parentElement as unknown as { hidden: boolean }).hidden,
        ),
      ).toBe(true);
      expect(errors.filter((e) => !/(403 \(Forbidden\)|404 \(Not Found\))/.test(e))).toEqual([]);
    });
  });
});
