import { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';
import type { ChildProcess } from 'node:child_process';
import { QueueConnectionLogger } from 'src/queue/queue-connection-logger';
import { exitOf, freePort, spawnRedis } from './support/spawn-service';

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('QueueConnectionLogger', () => {
  it('logs a queue losing Redis once, through the logger, and its return once', async () => {
    const port = await freePort();
    const startRedis = (): ChildProcess => spawnRedis(port);
    let redis = startRedis();
    const queue = new Queue('connection-logger-test', {
      connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null, retryStrategy: () => 100 },
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await until(() => redis.exitCode === null, 1000);
      await queue.waitUntilReady();
      const discovery = {
        getProviders: () => [{ instance: queue }],
      } as unknown as DiscoveryService;
      new QueueConnectionLogger(discovery).onApplicationBootstrap();

      redis.kill('SIGKILL');
      await exitOf(redis, 5000);
      await until(() => warn.mock.calls.length > 0, 10_000);
      // Retries every 100 ms go on; none of them logs again, nor reaches console.error.
      await new Promise((r) => setTimeout(r, 1500));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][1]).toBe(
        'Queue connection-logger-test: Redis unreachable; retrying',
      );
      expect(consoleError).not.toHaveBeenCalled();

      redis = startRedis();
      await until(() => log.mock.calls.length > 0, 10_000);
      expect(log.mock.calls.map((c) => c[0])).toEqual([
        'Queue connection-logger-test: Redis reachable again',
      ]);
    } finally {
      warn.mockRestore();
      log.mockRestore();
      consoleError.mockRestore();
      await queue.close();
      redis.kill('SIGKILL');
    }
  });
});
