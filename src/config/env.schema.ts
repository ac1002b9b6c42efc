import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import {
  DEFAULT_TIME_ZONES,
  Jurisdiction,
  JURISDICTIONS,
} from 'src/privacy-requests/deadlines/deadline-rules';

// eslint-disable-next-line security/detect-unsafe-regex -- linear: each repetition starts with a comma
const HOLIDAYS = /^(\d{4}-\d{2}-\d{2})?(,\d{4}-\d{2}-\d{2})*$/;
const HOLIDAYS_MESSAGE = 'must be comma-separated YYYY-MM-DD dates';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') {
    return value;
  }
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(v)) {
    return false;
  }
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** Environment variables as they arrive; names are part of the public contract. */
export class EnvSchema {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection string' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/privacy';

  /** One server, a Sentinel group or a Cluster; read by `parseRedisUrl`. */
  @Matches(/^rediss?(\+sentinel|\+cluster)?:\/\/.+/, {
    message:
      'must be a redis://, rediss://, redis+sentinel://, rediss+sentinel://, redis+cluster:// ' +
      'or rediss+cluster:// URL',
  })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespaces every Redis key (queues, rate limits, caches) so instances can share a server. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1-64 of [A-Za-z0-9:_-]' })
  REDIS_PREFIX = 'privacy';

  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATE = true;

  @Transform(toBool)
  @IsBoolean()
  WORKERS = true;

  @IsOptional()
  @IsString()
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'must be an e-mail address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters' })
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsString()
  MASTER_KEY?: string;

  @IsOptional()
  @IsString()
  MASTER_KEY_FILE?: string;

  /** Retired local root keys (comma-separated base64) that still unwrap older keyring keys. */
  @IsOptional()
  @IsString()
  MASTER_KEY_PREVIOUS?: string;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** HTTPS: PEM certificate chain and private key, both or neither. */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  /** Bearer token `/metrics` asks for; required in production, optional elsewhere. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @IsOptional()
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'must be an e-mail address' })
  SMTP_FROM = 'privacy@localhost';

  /** Outside production without SMTP_URL, every mail is written here as an .eml file. */
  @IsString()
  @MinLength(1)
  MAIL_DIR = '.data/mail';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated list of allowed browser origins; empty allows none. */
  @IsString()
  CORS_ORIGINS = '';

  /** Signs admin access tokens; derived from the master key when not set. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  AUTH_TOKEN_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  ACCESS_TOKEN_TTL = 900;

  /** Admin users without a second factor may only enrol one; unset: true in production only. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  MFA_REQUIRED?: boolean;

  /** WebAuthn relying party id (a host name); unset: the host of PUBLIC_BASE_URL. */
  @IsOptional()
  @Matches(/^[a-z0-9.-]{1,253}$/i, { message: 'must be a host name' })
  WEBAUTHN_RP_ID?: string;

  /** Origins passkey ceremonies may come from, comma-separated; unset: PUBLIC_BASE_URL's. */
  @IsOptional()
  @IsString()
  WEBAUTHN_ORIGINS?: string;

  /** OpenID Connect issuer for single sign-on (its discovery document is read on first use). */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  OIDC_ISSUER?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  OIDC_CLIENT_ID?: string;

  /** Unset: a public client (PKCE only, token endpoint auth `none`). */
  @IsOptional()
  @IsString()
  OIDC_CLIENT_SECRET?: string;

  /** Claim holding the user's roles (array or space/comma separated); dots reach into objects. */
  @Matches(/^[A-Za-z0-9_:/.-]{1,200}$/, { message: 'must be a claim name or a dotted path' })
  OIDC_ROLES_CLAIM = 'roles';

  /** Where the provider sends the browser back; unset: PUBLIC_BASE_URL/v1/auth/oidc/callback. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  OIDC_REDIRECT_URI?: string;

  // eslint-disable-next-line security/detect-unsafe-regex -- linear: each repetition starts with a space
  @Matches(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, { message: 'must start with openid' })
  OIDC_SCOPES = 'openid email profile';

  /** An admin session ends after this long unused: seconds, or a number with s, m, h or d. */
  @Matches(/^\d+[smhd]?$/, { message: 'must look like 1800, 30m or 1h' })
  SESSION_IDLE_TIMEOUT = '30m';

  /** An admin session ends this long after login, however busy: seconds, or with s, m, h or d. */
  @Matches(/^\d+[smhd]?$/, { message: 'must look like 43200, 12h or 1d' })
  SESSION_MAX_AGE = '12h';

  /**
   * log2 of scrypt's N for admin passwords: 17 is OWASP's minimum and the floor in production;
   * lower values only make test suites and development machines faster.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(20)
  PASSWORD_HASH_COST = 17;

  /** Requests per minute per API key, unless the key sets its own rateLimitPerMinute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_API_KEY_DEFAULT = 60000;

  /** Requests per minute per admin user. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER_PER_MINUTE = 1200;

  /** Requests per minute per address shared by every caller with no or invalid credentials. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ANONYMOUS_PER_IP = 60;

  /** `closed`: login, public and anonymous calls answer 503 while Redis is down; `open`: counted per process. */
  @IsIn(['closed', 'open'])
  RATE_LIMIT_REDIS_DOWN: 'closed' | 'open' = 'closed';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_IP = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_ACCOUNT = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PUBLIC_PER_IP = 30;

  /** Where security alerts are POSTed (signed with ALERT_WEBHOOK_SECRET); unset: not sent. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ALERT_WEBHOOK_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  ALERT_WEBHOOK_SECRET?: string;

  /**
   * Fields an API key decrypts in a minute before it can be a decrypt spike; a key with no
   * baseline yet needs 20 times as many.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ALERT_DECRYPT_SPIKE_FIELDS = 500;

  /** Access packages downloaded from one address within 10 minutes that raise an alert. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ALERT_EXPORT_DOWNLOADS_PER_ADDRESS = 5;

  /** Access packages downloaded across the service within 10 minutes that raise an alert. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ALERT_EXPORT_DOWNLOADS_TOTAL = 30;

  @Matches(/^\d+(kb|mb)$/i, { message: 'must look like 512kb or 2mb' })
  BODY_LIMIT = '2mb';

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  /**
   * Whether webhooks may target loopback, private and link-local addresses; by default only
   * outside production, where a receiver on the same machine is common.
   */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_PRIVATE_NETWORKS?: boolean;

  /**
   * Hosts http data stores may be reached on: comma-separated host names, addresses and CIDR
   * ranges (IPv4 and IPv6). Unset: any host outside production, none in production.
   */
  @IsOptional()
  @IsString()
  DATA_STORE_ALLOWED_HOSTS?: string;

  /** Longest answer read from an http data store, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  DATA_STORE_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  /** Where encrypted access packages are written. */
  @IsString()
  EXPORT_DIR = '.data/exports';

  /** How long an export link works: seconds, or a number with s, m, h or d. */
  @Matches(/^\d+[smhd]?$/, { message: 'must look like 604800, 12h or 7d' })
  EXPORT_LINK_TTL = '7d';

  /** How many times one export link downloads its package; unset: any number within its TTL. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EXPORT_LINK_MAX_DOWNLOADS?: number;

  /** Holidays of every jurisdiction: comma-separated local YYYY-MM-DD dates. */
  @Matches(HOLIDAYS, { message: HOLIDAYS_MESSAGE })
  PRIVACY_HOLIDAYS = '';

  /** Holidays of one jurisdiction, added to PRIVACY_HOLIDAYS. */
  @IsOptional()
  @Matches(HOLIDAYS, { message: HOLIDAYS_MESSAGE })
  PRIVACY_HOLIDAYS_GDPR?: string;

  @IsOptional()
  @Matches(HOLIDAYS, { message: HOLIDAYS_MESSAGE })
  PRIVACY_HOLIDAYS_UK_GDPR?: string;

  @IsOptional()
  @Matches(HOLIDAYS, { message: HOLIDAYS_MESSAGE })
  PRIVACY_HOLIDAYS_CCPA?: string;

  /** IANA time zones the jurisdictions count their days in (checked at start-up). */
  @IsString()
  PRIVACY_TIME_ZONE_GDPR = DEFAULT_TIME_ZONES.GDPR;

  @IsString()
  PRIVACY_TIME_ZONE_UK_GDPR = DEFAULT_TIME_ZONES.UK_GDPR;

  @IsString()
  PRIVACY_TIME_ZONE_CCPA = DEFAULT_TIME_ZONES.CCPA;

  /** Jurisdiction of a request that names none (opt-outs of sale and sharing excepted). */
  @IsIn(JURISDICTIONS)
  DEFAULT_JURISDICTION: Jurisdiction = 'GDPR';

  /**
   * ISO 3166 regions whose national phone formats the DLP scanner reads (international `+`
   * numbers always are); default: the EU, UK, CH, NO, US, CA, AU, IL, IN and BR.
   */
  @IsOptional()
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: each repetition starts with a comma
  @Matches(/^[A-Za-z]{2}(?:\s*,\s*[A-Za-z]{2})*$/, {
    message: 'must be a comma-separated list of two-letter region codes, e.g. US,GB,DE',
  })
  DLP_PHONE_REGIONS?: string;

  /** Time each custom DLP recognizer may spend on one scanned text, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  DLP_RECOGNIZER_BUDGET_MS = 1000;

  /** How long request records are kept: months (`24mo`) or years (`2y`); at least 24 months. */
  @Matches(/^\d{1,4}(mo|y)$/, { message: 'must look like 24mo or 3y' })
  REQUEST_RETENTION = '24mo';

  /** How often requests committed but not queued (or stuck) are re-enqueued. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  PRIVACY_RECONCILE_INTERVAL_MS = 60000;

  /**
   * How long a task keeps retrying after a transient failure (an outage of its store, Redis or
   * PostgreSQL) before it is given up: seconds, or a number with s, m, h or d.
   */
  @Matches(/^\d+[smhd]?$/, { message: 'must look like 1800, 30m or 2h' })
  PRIVACY_TASK_RETRY_BUDGET = '30m';

  /**
   * How many times a task's worker may die (or lose its lock) while running it before the task
   * is failed for good: a job that crashes every process that takes it ends, with its reason.
   * At most 49: below the queue's own stall limit (50), which would fail the job unrecorded.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(49)
  PRIVACY_TASK_STALL_LIMIT = 10;

  /**
   * Tests only, refused in production: the worker SIGKILLs itself at this point of an erasure,
   * `before-store-commit` (its write-ahead record made, the store's transaction still open) or
   * `after-store-commit` (the store committed, the task not yet recorded).
   */
  @IsOptional()
  @IsIn(['before-store-commit', 'after-store-commit'])
  PRIVACY_TEST_CRASH_AT?: 'before-store-commit' | 'after-store-commit';

  /**
   * How long an `Idempotency-Key` of POST /v1/consents and POST /v1/privacy-requests is
   * remembered with its answer: seconds, or a number with s, m, h or d.
   */
  @Matches(/^\d+[smhd]?$/, { message: 'must look like 86400, 24h or 1d' })
  IDEMPOTENCY_KEY_TTL = '24h';

  /** `manual`: verified requests wait as pending_approval until a DPO approves or rejects them. */
  @IsIn(['auto', 'manual'])
  REQUEST_APPROVAL: 'auto' | 'manual' = 'auto';

  /** Waiting manual-store tasks are reminded to DPOs once a day from this many days before due. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MANUAL_TASK_REMINDER_DAYS = 7;

  /** Root key provider of field encryption. */
  @IsIn(['local', 'aws-kms', 'pkcs11', 'rsa'])
  KEY_PROVIDER: 'local' | 'aws-kms' | 'pkcs11' | 'rsa' = 'local';

  /** Full KMS key ARN (KEY_PROVIDER=aws-kms); the region is taken from it. */
  @IsOptional()
  @Matches(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, {
    message: 'must be a full KMS key ARN',
  })
  KMS_KEY_ID?: string;

  /** A KMS-protocol endpoint other than AWS's (tests, VPC endpoints). */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  KMS_ENDPOINT?: string;

  /** Static KMS credentials; without them the AWS SDK default provider chain applies. */
  @IsOptional()
  @IsString()
  KMS_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  KMS_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @IsString()
  PKCS11_LIBRARY?: string;

  @IsOptional()
  @IsString()
  PKCS11_TOKEN_LABEL?: string;

  @IsOptional()
  @IsString()
  PKCS11_PIN?: string;

  @IsString()
  PKCS11_KEY_LABEL = 'privacy-root';

  /** Generate the non-extractable root key in the token when PKCS11_KEY_LABEL is absent. */
  @Transform(toBool)
  @IsBoolean()
  PKCS11_CREATE_KEY = false;

  @IsOptional()
  @IsString()
  RSA_PUBLIC_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  RSA_PRIVATE_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  RSA_PRIVATE_KEY_PASSPHRASE?: string;

  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 of [A-Za-z0-9._-]' })
  RSA_KEY_NAME = 'rsa-v1';

  /** Keyring alias used when a caller names none; created at start-up if missing. */
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 of [A-Za-z0-9._-]' })
  CRYPTO_DEFAULT_KEY_ALIAS = 'pii';

  /** Largest field (UTF-8 bytes of a value) the crypto endpoints accept. */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  @Max(1048576)
  CRYPTO_MAX_FIELD_BYTES = 65536;

  /**
   * Threads that seal and open batches of 64 fields or more off the event loop; 0 keeps them
   * inline. Default: one less than the cores Node may use, at most 4.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(16)
  CRYPTO_THREADS?: number;
}
