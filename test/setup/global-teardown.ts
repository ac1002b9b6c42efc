import Redis from 'ioredis';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { STATE_FILE, TestRunState } from './state';

/** Drops this run's database and Redis keys, and stops any containers the setup started. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) {
    return;
  }
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TestRunState;
  rmSync(STATE_FILE, { force: true });
  if (state.adminDatabaseUrl && state.databases && !process.env.E2E_KEEP_DATABASE) {
    const admin = new Client({ connectionString: state.adminDatabaseUrl });
    await admin.connect();
    for (const database of state.databases) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
    await admin.end();
  }
  if (state.redisUrl && state.redisPrefix) {
    const redis = new Redis(state.redisUrl);
    // The run's own keys, and those of the prefixes each spec file derives from it.
    for (const match of [`${state.redisPrefix}:*`, `${state.redisPrefix}_*`]) {
      const stream = redis.scanStream({ match, count: 1000 });
      for await (const keys of stream as AsyncIterable<string[]>) {
        if (keys.length > 0) {
          await redis.unlink(...keys);
        }
      }
    }
    await redis.quit();
  }
  if (state.containers.length > 0) {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    for (const id of state.containers) {
      await client.container
        .getById(id)
        .stop()
        .catch(() => undefined);
    }
  }
}
