import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { workerOf } from './queue-connection-logger';

/** How long running jobs get to finish; the process is cut at 30 s whatever happens. */
export const DRAIN_TIMEOUT_MS = 20_000;

/**
 * First step of a shutdown, before any queue, Redis client or the database is closed (those
 * close in `onApplicationShutdown`, which runs after every `beforeApplicationShutdown`): every
 * worker of this process stops taking jobs and its running jobs finish, so a deploy reruns
 * nothing and no job fails for a closed connection. Jobs still running after DRAIN_TIMEOUT_MS
 * are left to BullMQ's stall check, which hands them to another worker.
 */
@Injectable()
export class WorkerDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Queue');

  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((w): unknown => w.instance)
      .filter((i): i is WorkerHost => i instanceof WorkerHost)
      .flatMap((host) => workerOf(host) ?? []);
    if (workers.length === 0) {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.all(workers.map((w) => w.close())).then(() => true);
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS);
    });
    try {
      if (!(await Promise.race([drained, timedOut]))) {
        this.logger.warn(
          `Jobs still running after ${DRAIN_TIMEOUT_MS} ms of shutdown; left to another worker`,
        );
        await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
