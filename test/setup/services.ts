import Redis from 'ioredis';
import { Client } from 'pg';

/** Test services: the servers named by the environment when they answer, else containers. */
export interface ServiceUrls {
  postgres: string;
  redis: string;
}

export const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
