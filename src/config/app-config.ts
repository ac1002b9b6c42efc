import type { HostAllowList } from 'src/common/outbound/host-allow-list';
import type { Calendar, Jurisdiction } from 'src/privacy-requests/deadlines/deadline-rules';
import type { CryptoConfig } from './crypto-config';
import type { TlsFiles } from './tls-config';

/** Typed, validated configuration. Built once by `loadConfig`; nothing else reads process.env. */
export class AppConfig {
  readonly env!: 'development' | 'production' | 'test';
  readonly port!: number;
  /** HTTPS certificate and key; null: plain HTTP. */
  readonly tls!: TlsFiles | null;
  readonly databaseUrl!: string;
  readonly dbMigrate!: boolean;
  readonly redis!: { url: string; prefix: string };
  readonly workers!: boolean;
  readonly bootstrapAdmin?: { email: string; password: string };
  /** The `local` provider's 32-byte root key. */
  readonly masterKey!: Buffer;
  readonly crypto!: CryptoConfig;
  /** `dir`: where mails go as .eml files when there is no `url` (never in production). */
  readonly smtp!: { url?: string; from: string; dir: string };
  readonly publicBaseUrl!: string;
  readonly logLevel!: string;
  readonly corsOrigins!: string[];
  readonly auth!: {
    tokenSecret: Buffer;
    accessTokenTtlSeconds: number;
    /** A session unused this long ends. */
    sessionIdleSeconds: number;
    /** A session ends this long after it opened. */
    sessionMaxAgeSeconds: number;
    /** Users without a second factor can only enrol one. */
    mfaRequired: boolean;
    /** log2 of scrypt's N for new password hashes; a stored hash keeps its own. */
    passwordHashCost: number;
    webauthn: { rpId: string; rpName: string; origins: string[] };
    /** Single sign-on; null when OIDC_ISSUER is not set. */
    oidc: {
      issuer: string;
      clientId: string;
      clientSecret: string | null;
      rolesClaim: string;
      redirectUri: string;
      scopes: string;
    } | null;
  };
  readonly rateLimits!: {
    /** Per API key a minute, unless the key has its own budget. */
    apiKeyPerMinute: number;
    userPerMinute: number;
    /** Shared by callers with no or invalid credentials, per address a minute. */
    anonymousPerIp: number;
    /** Login, public and anonymous budgets while Redis is down: refuse (503) or count per process. */
    whenRedisDown: 'closed' | 'open';
    /** Failed attempts per 15 minutes before each further attempt waits (growing delays). */
    loginPerIp: number;
    loginPerAccount: number;
    publicPerIp: number;
  };
  /**
   * Security alerts are also POSTed to the URL, signed with the secret (null: not sent); the
   * thresholds of the decrypt and download spike detectors.
   */
  readonly securityAlerts!: {
    webhookUrl: string | null;
    webhookSecret: string | null;
    decryptSpikeFields: number;
    exportDownloadsPerAddress: number;
    exportDownloadsTotal: number;
  };
  /** How long an Idempotency-Key and its answer are kept. */
  readonly idempotencyKeyTtlSeconds!: number;
  readonly bodyLimit!: string;
  /** The bearer token `/metrics` asks for; null: open (never in production). */
  readonly metricsToken!: string | null;
  readonly trustProxy!: boolean;
  readonly webhooks!: { allowPrivateNetworks: boolean };
  readonly dataStores!: {
    /** Hosts http stores may be reached on; null: any. */
    allowedHosts: HostAllowList | null;
    maxResponseBytes: number;
  };
  readonly dlp!: {
    /** Regions whose national phone formats scans read (DLP_PHONE_REGIONS). */
    phoneRegions: readonly string[];
    /** Time each custom recognizer may spend on one scanned text (DLP_RECOGNIZER_BUDGET_MS). */
    recognizerBudgetMs: number;
  };
  readonly privacyRequests!: {
    exportDir: string;
    exportLinkTtlSeconds: number;
    /** Downloads one export link allows; null: any number until it expires. */
    exportLinkMaxDownloads: number | null;
    /** Per jurisdiction, the zone its days are counted in and its holidays. */
    calendars: Record<Jurisdiction, Calendar>;
    /** For a request that names no jurisdiction (opt-outs of sale and sharing are CCPA's). */
    defaultJurisdiction: Jurisdiction;
    /** Request records older than this many months are purged (at least 24). */
    retentionMonths: number;
    reconcileEveryMs: number;
    /** A task failing transiently is retried (backoff doubling to a cap) for this long. */
    taskRetryBudgetMs: number;
    /** A task whose worker died (stalled) this many times while running it fails for good. */
    taskStallLimit: number;
    /** Tests only (never in production): where a worker SIGKILLs itself during an erasure. */
    testCrashAt: 'before-store-commit' | 'after-store-commit' | null;
    /** `manual`: verified requests wait for a DPO's approval. */
    approval: 'auto' | 'manual';
    manualTaskReminderDays: number;
  };

  constructor(values: Omit<AppConfig, 'isProduction'>) {
    Object.assign(this, values);
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}
