import { launchBrowser, TestBrowser } from './browser';
import { ownDatabase } from './own-database';
import { freePort } from './spawn-service';
import { createTestApp, TestApp } from './test-app';

export interface BrowserApp {
  t: TestApp;
  /** The app's address as the browser opens it, also its `PUBLIC_BASE_URL`. */
  base: string;
  chromium: TestBrowser;
  /** Closes the browser, then the app, then drops its database. */
  close(): Promise<void>;
}

export interface BrowserAppOptions {
  /** Extra environment for the app. */
  env?: Record<string, string>;
  /**
   * The host name the browser uses. `localhost` where WebAuthn is exercised: it takes no IP
   * address as relying-party id. The app listens on 127.0.0.1 either way.
   */
  host?: '127.0.0.1' | 'localhost';
}

/**
 * The real app on a database of its own (its sweepers act on their whole database, so other
 * files' rows stay out of its pages), listening on a free local port, and a headless Chromium
 * to open it. What was started is stopped again when a later step fails.
 */
export async function startBrowserApp(
  tag: string,
  { env = {}, host = '127.0.0.1' }: BrowserAppOptions = {},
): Promise<BrowserApp> {
  const own = await ownDatabase(tag);
  let t: TestApp | undefined;
  let chromium: TestBrowser | undefined;
  const close = async (): Promise<void> => {
    await chromium?.close();
    await t?.close();
    await own.drop();
  };
  try {
    const port = await freePort();
    const base = `http://${host}:${port}`;
    t = await createTestApp({ ...own.env, PUBLIC_BASE_URL: base, ...env });
    await t.app.listen(port, '127.0.0.1');
    chromium = await launchBrowser();
    return { t, base, chromium, close };
  } catch (error) {
    await close();
    throw error;
  }
}
