import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHmac } from 'node:crypto';
import { IANAZone } from 'luxon';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { DEFAULT_PHONE_REGIONS } from '@libs/dlp';
import type { Calendar, Jurisdiction } from 'src/privacy-requests/deadlines/deadline-rules';
import { HostAllowList } from 'src/common/outbound/host-allow-list';
import { effectiveRedisPrefix, parseRedisUrl } from 'src/queue/redis-connection';
import { AppConfig } from './app-config';
import { buildCryptoConfig, type CryptoConfig } from './crypto-config';
import { EnvSchema } from './env.schema';
import { readDotEnv } from './dot-env';
import { readTlsFiles, type TlsFiles } from './tls-config';
import { resolveMasterKey, resolvePreviousMasterKeys } from './master-key';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` (process env wins), validates every variable, and fails with one line per bad value. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const merged: Env = { ...readDotEnv(cwd), ...env };
  const defined = Object.fromEntries(
    Object.entries(merged).filter(([, v]) => v !== undefined && v !== ''),
  );
  const schema = plainToInstance(EnvSchema, defined, { exposeDefaultValues: true });
  const problems = validateSync(schema, { stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property} ${message}`,
    ),
  );
  const production = schema.NODE_ENV === 'production';
  const hasBootstrapEmail = Boolean(schema.BOOTSTRAP_ADMIN_EMAIL);
  if (hasBootstrapEmail !== Boolean(schema.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (schema.ALERT_WEBHOOK_URL && !schema.ALERT_WEBHOOK_SECRET) {
    problems.push('ALERT_WEBHOOK_SECRET is required with ALERT_WEBHOOK_URL (it signs every alert)');
  }
  if (production && !schema.SMTP_URL) {
    problems.push('SMTP_URL is required when NODE_ENV=production');
  }
  if (production && !schema.METRICS_TOKEN) {
    problems.push('METRICS_TOKEN is required when NODE_ENV=production (/metrics asks for it)');
  }
  if (schema.OIDC_ISSUER && !schema.OIDC_CLIENT_ID) {
    problems.push('OIDC_CLIENT_ID is required with OIDC_ISSUER');
  }
  if (production && schema.PRIVACY_TEST_CRASH_AT !== undefined) {
    problems.push('PRIVACY_TEST_CRASH_AT is for tests and refused when NODE_ENV=production');
  }
  if (production && schema.PASSWORD_HASH_COST < 17) {
    problems.push('PASSWORD_HASH_COST must be at least 17 when NODE_ENV=production');
  }
  const idle = durationSeconds(schema.SESSION_IDLE_TIMEOUT);
  if (idle < 60 || idle > durationSeconds(schema.SESSION_MAX_AGE)) {
    problems.push('SESSION_IDLE_TIMEOUT must be at least 1m and at most SESSION_MAX_AGE');
  }
  let allowedHosts: HostAllowList | null = null;
  try {
    allowedHosts = dataStoreAllowList(schema.DATA_STORE_ALLOWED_HOSTS, production);
  } catch (e) {
    problems.push(`DATA_STORE_ALLOWED_HOSTS ${(e as Error).message}`);
  }
  let tls: TlsFiles | null = null;
  try {
    tls = readTlsFiles(schema.TLS_CERT_FILE, schema.TLS_KEY_FILE);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const calendars = jurisdictionCalendars(schema, problems);
  const phoneRegions = dlpPhoneRegions(schema.DLP_PHONE_REGIONS, problems);
  const retentionMonths = requestRetentionMonths(schema.REQUEST_RETENTION);
  if (retentionMonths < MIN_RETENTION_MONTHS) {
    problems.push(
      `REQUEST_RETENTION must be at least ${MIN_RETENTION_MONTHS} months (CCPA §7101 keeps request records 24 months); got ${schema.REQUEST_RETENTION}`,
    );
  }
  let redisPrefix = schema.REDIS_PREFIX;
  try {
    redisPrefix = effectiveRedisPrefix(parseRedisUrl(schema.REDIS_URL), schema.REDIS_PREFIX);
  } catch (e) {
    problems.push(`REDIS_URL ${(e as Error).message}`);
  }
  let masterKey: Buffer | undefined;
  try {
    masterKey = resolveMasterKey(schema, cwd);
  } catch (e) {
    problems.push((e as Error).message);
  }
  let crypto: CryptoConfig | undefined;
  if (masterKey) {
    try {
      crypto = buildCryptoConfig(
        schema,
        masterKey,
        cwd,
        resolvePreviousMasterKeys(schema, masterKey),
      );
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length > 0 || !masterKey || !crypto) {
    throw new ConfigError(problems);
  }
  const port = schema.PORT;
  const publicBaseUrl = (schema.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return new AppConfig({
    env: schema.NODE_ENV,
    port,
    tls,
    databaseUrl: schema.DATABASE_URL,
    dbMigrate: schema.DB_MIGRATE,
    redis: { url: schema.REDIS_URL, prefix: redisPrefix },
    workers: schema.WORKERS,
    bootstrapAdmin:
      schema.BOOTSTRAP_ADMIN_EMAIL && schema.BOOTSTRAP_ADMIN_PASSWORD
        ? { email: schema.BOOTSTRAP_ADMIN_EMAIL, password: schema.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    masterKey,
    crypto,
    smtp: { url: schema.SMTP_URL, from: schema.SMTP_FROM, dir: schema.MAIL_DIR },
    publicBaseUrl,
    logLevel: schema.LOG_LEVEL,
    corsOrigins: schema.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    auth: {
      // A separate secret can be rotated alone; deriving keeps development to one key.
      tokenSecret: schema.AUTH_TOKEN_SECRET
        ? Buffer.from(schema.AUTH_TOKEN_SECRET, 'utf8')
        : createHmac('sha256', masterKey).update('auth-token-signing').digest(),
      accessTokenTtlSeconds: schema.ACCESS_TOKEN_TTL,
      sessionIdleSeconds: durationSeconds(schema.SESSION_IDLE_TIMEOUT),
      sessionMaxAgeSeconds: durationSeconds(schema.SESSION_MAX_AGE),
      mfaRequired: schema.MFA_REQUIRED ?? production,
      passwordHashCost: schema.PASSWORD_HASH_COST,
      webauthn: {
        rpId: schema.WEBAUTHN_RP_ID ?? new URL(publicBaseUrl).hostname,
        rpName: 'Privacy Service',
        origins: (schema.WEBAUTHN_ORIGINS ?? new URL(publicBaseUrl).origin)
          .split(',')
          .map((o) => o.trim().replace(/\/+$/, ''))
          .filter(Boolean),
      },
      oidc:
        schema.OIDC_ISSUER && schema.OIDC_CLIENT_ID
          ? {
              issuer: schema.OIDC_ISSUER,
              clientId: schema.OIDC_CLIENT_ID,
              clientSecret: schema.OIDC_CLIENT_SECRET ?? null,
              rolesClaim: schema.OIDC_ROLES_CLAIM,
              redirectUri: schema.OIDC_REDIRECT_URI ?? `${publicBaseUrl}/v1/auth/oidc/callback`,
              scopes: schema.OIDC_SCOPES,
            }
          : null,
    },
    rateLimits: {
      apiKeyPerMinute: schema.RATE_LIMIT_API_KEY_DEFAULT,
      userPerMinute: schema.RATE_LIMIT_USER_PER_MINUTE,
      anonymousPerIp: schema.RATE_LIMIT_ANONYMOUS_PER_IP,
      whenRedisDown: schema.RATE_LIMIT_REDIS_DOWN,
      loginPerIp: schema.RATE_LIMIT_LOGIN_PER_IP,
      loginPerAccount: schema.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      publicPerIp: schema.RATE_LIMIT_PUBLIC_PER_IP,
    },
    securityAlerts: {
      webhookUrl: schema.ALERT_WEBHOOK_URL ?? null,
      webhookSecret: schema.ALERT_WEBHOOK_SECRET ?? null,
      decryptSpikeFields: schema.ALERT_DECRYPT_SPIKE_FIELDS,
      exportDownloadsPerAddress: schema.ALERT_EXPORT_DOWNLOADS_PER_ADDRESS,
      exportDownloadsTotal: schema.ALERT_EXPORT_DOWNLOADS_TOTAL,
    },
    idempotencyKeyTtlSeconds: durationSeconds(schema.IDEMPOTENCY_KEY_TTL),
    bodyLimit: schema.BODY_LIMIT,
    metricsToken: schema.METRICS_TOKEN ?? null,
    trustProxy: schema.TRUST_PROXY,
    webhooks: { allowPrivateNetworks: schema.WEBHOOK_PRIVATE_NETWORKS ?? !production },
    dataStores: { allowedHosts, maxResponseBytes: schema.DATA_STORE_MAX_RESPONSE_BYTES },
    dlp: { phoneRegions, recognizerBudgetMs: schema.DLP_RECOGNIZER_BUDGET_MS },
    privacyRequests: {
      exportDir: schema.EXPORT_DIR,
      exportLinkTtlSeconds: durationSeconds(schema.EXPORT_LINK_TTL),
      exportLinkMaxDownloads: schema.EXPORT_LINK_MAX_DOWNLOADS ?? null,
      calendars,
      defaultJurisdiction: schema.DEFAULT_JURISDICTION,
      retentionMonths,
      reconcileEveryMs: schema.PRIVACY_RECONCILE_INTERVAL_MS,
      taskRetryBudgetMs: durationSeconds(schema.PRIVACY_TASK_RETRY_BUDGET) * 1000,
      taskStallLimit: schema.PRIVACY_TASK_STALL_LIMIT,
      testCrashAt: schema.PRIVACY_TEST_CRASH_AT ?? null,
      approval: schema.REQUEST_APPROVAL,
      manualTaskReminderDays: schema.MANUAL_TASK_REMINDER_DAYS,
    },
  });
}

/**
 * Production reaches only the listed hosts (none when unset); elsewhere an unset list allows any
 * host, since development stores usually run on the same machine.
 */
function dataStoreAllowList(list: string | undefined, production: boolean): HostAllowList | null {
  if (list !== undefined) {
    return HostAllowList.parse(list);
  }
  return production ? new HostAllowList([]) : null;
}

const MIN_RETENTION_MONTHS = 24;

/** `24mo` or `2y`, in months. */
function requestRetentionMonths(value: string): number {
  return value.endsWith('y') ? Number(value.slice(0, -1)) * 12 : Number(value.slice(0, -2));
}

/** Each jurisdiction's zone and holidays (its own added to PRIVACY_HOLIDAYS). */
function jurisdictionCalendars(
  schema: EnvSchema,
  problems: string[],
): Record<Jurisdiction, Calendar> {
  const dates = (list: string | undefined): string[] => (list ?? '').split(',').filter(Boolean);
  const all = dates(schema.PRIVACY_HOLIDAYS);
  const calendar = (jurisdiction: Jurisdiction): Calendar => {
    const name = `PRIVACY_TIME_ZONE_${jurisdiction}` as const;
    const zone = schema[name];
    if (!IANAZone.isValidZone(zone)) {
      problems.push(`${name} must be an IANA time zone such as Europe/Brussels; got ${zone}`);
    }
    const own = dates(schema[`PRIVACY_HOLIDAYS_${jurisdiction}`]);
    return { zone, holidays: new Set([...all, ...own]) };
  };
  return { GDPR: calendar('GDPR'), UK_GDPR: calendar('UK_GDPR'), CCPA: calendar('CCPA') };
}

function durationSeconds(value: string): number {
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[value.slice(-1)];
  return unit === undefined ? Number(value) : Number(value.slice(0, -1)) * unit;
}

/** The regions of DLP_PHONE_REGIONS, upper-cased; each must be one libphonenumber knows. */
function dlpPhoneRegions(raw: string | undefined, problems: string[]): readonly string[] {
  const regions = [...new Set((raw ?? '').split(',').map((r) => r.trim().toUpperCase()))];
  // An unset list takes the default; a malformed one is already reported by the schema.
  if (raw === undefined || regions.some((r) => !/^[A-Z]{2}$/.test(r))) {
    return DEFAULT_PHONE_REGIONS;
  }
  const unknown = regions.filter((r) => !isSupportedCountry(r));
  if (unknown.length > 0) {
    problems.push(`DLP_PHONE_REGIONS names regions without phone metadata: ${unknown.join(', ')}`);
  }
  return regions;
}
