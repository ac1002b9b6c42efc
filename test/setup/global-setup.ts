import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { startContainer } from './containers';
import {
  DEFAULT_POSTGRES,
  DEFAULT_REDIS,
  postgresAnswers,
  redisAnswers,
  withDatabase,
} from './services';
import { STATE_FILE, TestRunState } from './state';

/** Provides PostgreSQL (a fresh database for this run, migrated) and Redis (a fresh key prefix). */
export default async function globalSetup(): Promise<void> {
  // Each project that needs the servers names this setup; one run shares one database.
  if (process.env.E2E_DATABASE_URL && existsSync(STATE_FILE)) {
    return;
  }
  const state: TestRunState = { containers: [] };
  const runId = `${Date.now()}_${randomBytes(3).toString('hex')}`;

  let postgres = process.env.DATABASE_URL ?? DEFAULT_POSTGRES;
  if (!(await postgresAnswers(withDatabase(postgres, 'postgres')))) {
    const c = await startContainer(
      'postgres:16-alpine',
      5432,
      { POSTGRES_HOST_AUTH_METHOD: 'trust' },
      /ready to accept connections.*\n.*ready to accept/s,
    );
    state.containers.push(c.getId());
    postgres = `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/postgres`;
  }
  let redis = process.env.REDIS_URL ?? DEFAULT_REDIS;
  if (!(await redisAnswers(redis))) {
    const c = await startContainer('redis:7-alpine', 6379, {}, /Ready to accept connections/);
    state.containers.push(c.getId());
    redis = `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
  }

  const database = `privacy_e2e_${runId}`;
  const admin = new Client({ connectionString: withDatabase(postgres, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const databaseUrl = withDatabase(postgres, database);
  const ds = new DataSource(typeormOptions(databaseUrl, false));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  // The service tier writes rows (stores among them) that would take part in the e2e tests'
  // requests; it gets a copy of the migrated database of its own.
  const serviceDatabase = `${database}_service`;
  const copier = new Client({ connectionString: withDatabase(postgres, 'postgres') });
  await copier.connect();
  await copier.query(`CREATE DATABASE "${serviceDatabase}" TEMPLATE "${database}"`);
  await copier.end();

  state.databaseUrl = databaseUrl;
  state.adminDatabaseUrl = withDatabase(postgres, 'postgres');
  state.databases = [database, serviceDatabase];
  state.redisUrl = redis;
  state.redisPrefix = `e2e_${runId}`;
  writeFileSync(STATE_FILE, JSON.stringify(state));
  // Test workers start after global setup and inherit these.
  process.env.E2E_DATABASE_URL = databaseUrl;
  process.env.E2E_SERVICE_DATABASE_URL = withDatabase(postgres, serviceDatabase);
  process.env.E2E_REDIS_URL = redis;
  process.env.E2E_REDIS_PREFIX = state.redisPrefix;
}
