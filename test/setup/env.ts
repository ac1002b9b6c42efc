import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Environment of every e2e test worker: this run's servers and settings that suit tests. */
const defaults: Record<string, string | undefined> = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.E2E_DATABASE_URL,
  REDIS_URL: process.env.E2E_REDIS_URL,
  REDIS_PREFIX: process.env.E2E_REDIS_PREFIX,
  DB_MIGRATE: 'false',
  WORKERS: 'true',
  LOG_LEVEL: 'silent',
  MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  BOOTSTRAP_ADMIN_EMAIL: 'root-admin@example.test',
  BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-password-for-tests',
  // Tests log in often from one address; the rate-limit tests lower these on their own app.
  RATE_LIMIT_API_KEY_DEFAULT: '100000',
  RATE_LIMIT_USER_PER_MINUTE: '100000',
  RATE_LIMIT_ANONYMOUS_PER_IP: '100000',
  RATE_LIMIT_LOGIN_PER_IP: '100000',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000',
  RATE_LIMIT_PUBLIC_PER_IP: '100000',
  // Hashing at the production cost takes most of a second a login on this hardware; the
  // hasher's own spec covers the default.
  PASSWORD_HASH_COST: '12',
  // A store that keeps failing fails its task within seconds rather than half an hour; the fault
  // tests set their own budget.
  PRIVACY_TASK_RETRY_BUDGET: '12s',
  // Without SMTP_URL mails are written as files: never into the working tree.
  MAIL_DIR: join(tmpdir(), `privacy-e2e-mail-${process.pid}`),
};
for (const [k, v] of Object.entries(defaults)) {
  if (v !== undefined) {
    process.env[k] = v;
  }
}
