import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const KEY = Buffer.alloc(32, 1).toString('base64');
/** The least a production start needs. */
const PRODUCTION = {
  MASTER_KEY: KEY,
  NODE_ENV: 'production',
  SMTP_URL: 'smtp://mail',
  METRICS_TOKEN: 'metrics-scrape-token-0123',
};
const scratchDirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

function problemsOf(env: Record<string, string>, cwd = scratch()): string[] {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    if (e instanceof ConfigError) {
      return e.problems;
    }
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({ MASTER_KEY: KEY }, scratch());
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/privacy');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.dbMigrate).toBe(true);
    expect(config.workers).toBe(true);
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.bootstrapAdmin).toBeUndefined();
  });

  it('gives admin sessions 30 minutes idle and 12 hours in all, and MFA_REQUIRED in production only', () => {
    const development = loadConfig({ MASTER_KEY: KEY }, scratch());
    expect(development.auth).toMatchObject({
      sessionIdleSeconds: 1800,
      sessionMaxAgeSeconds: 43200,
      mfaRequired: false,
      oidc: null,
    });
    expect(loadConfig(PRODUCTION, scratch()).auth.mfaRequired).toBe(true);
    expect(loadConfig({ ...PRODUCTION, MFA_REQUIRED: 'false' }, scratch()).auth.mfaRequired).toBe(
      false,
    );
  });

  it('hashes passwords at OWASP cost by default and never below it in production', () => {
    expect(loadConfig({ MASTER_KEY: KEY }, scratch()).auth.passwordHashCost).toBe(17);
    expect(
      loadConfig({ MASTER_KEY: KEY, PASSWORD_HASH_COST: '12' }, scratch()).auth.passwordHashCost,
    ).toBe(12);
    expect(
      problemsOf({
        ...PRODUCTION,
        PASSWORD_HASH_COST: '16',
      }),
    ).toEqual(['PASSWORD_HASH_COST must be at least 17 when NODE_ENV=production']);
  });

  it('takes a test crash point outside production only', () => {
    expect(
      loadConfig({ MASTER_KEY: KEY, PRIVACY_TEST_CRASH_AT: 'after-store-commit' }, scratch())
        .privacyRequests.testCrashAt,
    ).toBe('after-store-commit');
    expect(loadConfig({ MASTER_KEY: KEY }, scratch()).privacyRequests.testCrashAt).toBeNull();
    expect(
      problemsOf({
        ...PRODUCTION,
        PRIVACY_TEST_CRASH_AT: 'before-store-commit',
      }),
    ).toEqual(['PRIVACY_TEST_CRASH_AT is for tests and refused when NODE_ENV=production']);
  });

  it('refuses an idle timeout longer than the maximum age, and an OIDC issuer without a client', () => {
    expect(
      problemsOf({ MASTER_KEY: KEY, SESSION_IDLE_TIMEOUT: '13h', SESSION_MAX_AGE: '12h' }),
    ).toEqual([expect.stringContaining('SESSION_IDLE_TIMEOUT')]);
    expect(problemsOf({ MASTER_KEY: KEY, OIDC_ISSUER: 'https://id.example.com' })).toEqual([
      'OIDC_CLIENT_ID is required with OIDC_ISSUER',
    ]);
    const oidc = loadConfig(
      { MASTER_KEY: KEY, OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'privacy' },
      scratch(),
    ).auth.oidc;
    expect(oidc).toMatchObject({
      redirectUri: 'http://localhost:3000/v1/auth/oidc/callback',
      rolesClaim: 'roles',
      clientSecret: null,
    });
  });

  it('lets webhooks reach private networks outside production only, unless told', () => {
    expect(loadConfig({ MASTER_KEY: KEY }, scratch()).webhooks.allowPrivateNetworks).toBe(true);
    expect(loadConfig(PRODUCTION, scratch()).webhooks.allowPrivateNetworks).toBe(false);
    expect(
      loadConfig({ ...PRODUCTION, WEBHOOK_PRIVATE_NETWORKS: 'true' }, scratch()).webhooks
        .allowPrivateNetworks,
    ).toBe(true);
    expect(
      loadConfig({ MASTER_KEY: KEY, WEBHOOK_PRIVATE_NETWORKS: 'false' }, scratch()).webhooks
        .allowPrivateNetworks,
    ).toBe(false);
  });

  it('lets http stores reach any host outside production, none in production, unless listed', () => {
    expect(loadConfig({ MASTER_KEY: KEY }, scratch()).dataStores.allowedHosts).toBeNull();
    const none = loadConfig(PRODUCTION, scratch()).dataStores.allowedHosts;
    expect(none?.allowsHost('127.0.0.1')).toBe(false);
    expect(none?.allowsHost('crm.internal')).toBe(false);
    const listed = loadConfig(
      { ...PRODUCTION, DATA_STORE_ALLOWED_HOSTS: 'crm.internal, 10.0.0.0/8' },
      scratch(),
    ).dataStores.allowedHosts;
    expect(listed?.allowsHost('crm.internal')).toBe(true);
    expect(listed?.allowsHost('10.3.2.1')).toBe(true);
    expect(listed?.allowsHost('192.168.0.1')).toBe(false);
  });

  it('counts each jurisdiction in its own zone, with shared and own holidays', () => {
    const config = loadConfig(
      {
        MASTER_KEY: KEY,
        PRIVACY_TIME_ZONE_GDPR: 'Europe/Dublin',
        PRIVACY_HOLIDAYS: '2026-12-25',
        PRIVACY_HOLIDAYS_CCPA: '2026-11-26,2026-11-27',
      },
      scratch(),
    );
    const { calendars } = config.privacyRequests;
    expect(calendars.GDPR.zone).toBe('Europe/Dublin');
    expect(calendars.UK_GDPR.zone).toBe('Europe/London');
    expect(calendars.CCPA.zone).toBe('America/Los_Angeles');
    expect([...calendars.GDPR.holidays]).toEqual(['2026-12-25']);
    expect([...calendars.CCPA.holidays]).toEqual(['2026-12-25', '2026-11-26', '2026-11-27']);
    expect(config.privacyRequests.defaultJurisdiction).toBe('GDPR');
    expect(config.privacyRequests.retentionMonths).toBe(24);
  });

  it('refuses an unknown time zone, a bad holiday list and an unknown default jurisdiction', () => {
    expect(
      problemsOf({
        MASTER_KEY: KEY,
        PRIVACY_TIME_ZONE_CCPA: 'America/Springfield',
        PRIVACY_HOLIDAYS_UK_GDPR: '25/12/2026',
        DEFAULT_JURISDICTION: 'LGPD',
      }),
    ).toEqual([
      'PRIVACY_HOLIDAYS_UK_GDPR must be comma-separated YYYY-MM-DD dates',
      'DEFAULT_JURISDICTION must be one of the following values: GDPR, UK_GDPR, CCPA',
      'PRIVACY_TIME_ZONE_CCPA must be an IANA time zone such as Europe/Brussels; got America/Springfield',
    ]);
  });

  it('keeps request records at least 24 months', () => {
    expect(
      loadConfig({ MASTER_KEY: KEY, REQUEST_RETENTION: '3y' }, scratch()).privacyRequests
        .retentionMonths,
    ).toBe(36);
    expect(problemsOf({ MASTER_KEY: KEY, REQUEST_RETENTION: '12mo' })).toEqual([
      'REQUEST_RETENTION must be at least 24 months (CCPA §7101 keeps request records 24 months); got 12mo',
    ]);
    expect(problemsOf({ MASTER_KEY: KEY, REQUEST_RETENTION: '24 months' })).toEqual([
      'REQUEST_RETENTION must look like 24mo or 3y',
    ]);
  });

  it('reads the phone regions of DLP scans, each known to the phone metadata', () => {
    expect(loadConfig({ MASTER_KEY: KEY }, scratch()).dlp.phoneRegions).toContain('FR');
    expect(
      loadConfig({ MASTER_KEY: KEY, DLP_PHONE_REGIONS: 'us, gb,DE' }, scratch()).dlp.phoneRegions,
    ).toEqual(['US', 'GB', 'DE']);
    expect(problemsOf({ MASTER_KEY: KEY, DLP_PHONE_REGIONS: 'US,XX,UK' })).toEqual([
      'DLP_PHONE_REGIONS names regions without phone metadata: XX, UK',
    ]);
    expect(problemsOf({ MASTER_KEY: KEY, DLP_PHONE_REGIONS: 'USA' })).toEqual([
      'DLP_PHONE_REGIONS must be a comma-separated list of two-letter region codes, e.g. US,GB,DE',
    ]);
  });

  it('refuses a bad allow-list entry and a tiny response limit, naming the variable', () => {
    expect(
      problemsOf({
        MASTER_KEY: KEY,
        DATA_STORE_ALLOWED_HOSTS: 'crm.internal,10.0.0.0/40',
        DATA_STORE_MAX_RESPONSE_BYTES: '10',
      }),
    ).toEqual([
      'DATA_STORE_MAX_RESPONSE_BYTES must not be less than 1024',
      'DATA_STORE_ALLOWED_HOSTS entry 2 is not a valid CIDR range',
    ]);
  });

  it('gives one line per bad value, naming the variable', () => {
    const problems = problemsOf({
      MASTER_KEY: KEY,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      WORKERS: 'maybe',
    });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('postgres://');
    expect(problems.find((p) => p.startsWith('WORKERS'))).toBeDefined();
  });

  it('never echoes a secret value in an error', () => {
    const problems = problemsOf({ MASTER_KEY: 'c2hvcnQtc2VjcmV0LXZhbHVl' });
    expect(problems).toEqual(['MASTER_KEY must be 32 bytes encoded as base64']);
  });

  it('refuses to start in production without the secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'SMTP_URL is required when NODE_ENV=production',
        'MASTER_KEY or MASTER_KEY_FILE is required when NODE_ENV=production',
        'METRICS_TOKEN is required when NODE_ENV=production (/metrics asks for it)',
      ]),
    );
  });

  it('takes METRICS_TOKEN, never echoing a short one', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).join('\n')).toContain('METRICS_TOKEN');
    expect(problemsOf({ METRICS_TOKEN: 'short-token' })).toEqual([
      'METRICS_TOKEN must be at least 16 characters',
    ]);
    const cwd = scratch();
    expect(loadConfig({}, cwd).metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: 'metrics-scrape-token-0123' }, cwd).metricsToken).toBe(
      'metrics-scrape-token-0123',
    );
  });

  it('outside production, generates a development master key once and reuses it', () => {
    const cwd = scratch();
    const first = loadConfig({}, cwd).masterKey;
    const path = join(cwd, '.data', 'master.key');
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadConfig({}, cwd).masterKey.equals(first)).toBe(true);
  });

  it('reads MASTER_KEY_FILE and .env, with the process environment winning', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'key'), KEY);
    writeFileSync(
      join(cwd, '.env'),
      `# comment\nMASTER_KEY_FILE=key\nPORT="4000"\nLOG_LEVEL=debug\n`,
    );
    const config = loadConfig({ PORT: '5000' }, cwd);
    expect(config.masterKey.toString('base64')).toBe(readFileSync(join(cwd, 'key'), 'utf8'));
    expect(config.port).toBe(5000);
    expect(config.logLevel).toBe('debug');
  });

  it('needs the bootstrap admin e-mail and password together', () => {
    expect(problemsOf({ MASTER_KEY: KEY, BOOTSTRAP_ADMIN_EMAIL: 'a@b.c' })).toEqual([
      'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together',
    ]);
  });
});
