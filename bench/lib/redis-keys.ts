import Redis from 'ioredis';

/** A run's queues and caches under its own prefix, which would otherwise stay in the shared Redis. */
export async function dropRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 })) {
    const batch = keys as string[];
    if (batch.length > 0) {
      await redis.unlink(...batch);
    }
  }
  await redis.quit();
}
