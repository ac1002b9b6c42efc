import request from 'supertest';
import { createUser } from './support/factories';
import { collectErrors, seriousAxeViolations, step } from './support/browser';
import { BrowserApp, startBrowserApp } from './support/browser-app';
import { SoftAuthenticator } from './support/soft-authenticator';
import { adminToken } from './support/test-app';

jest.setTimeout(120_000);

/**
 * The console's passkey login in Chromium, whose virtual authenticator (DevTools protocol) holds
 * the same key the user enrolled. Served as `localhost`: WebAuthn takes no IP address as RP id.
 */
describe('console login with a passkey in a real browser', () => {
  let served: BrowserApp;

  beforeAll(async () => {
    served = await startBrowserApp('console_passkey', { host: 'localhost' });
  });

  afterAll(async () => {
    await served?.close();
  });

  it('offers the passkey after the password and logs in with it', async () => {
    const { t, base, chromium } = served;
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
