import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue, QueueBase } from 'bullmq';
import { OutageNotice } from 'src/logging/outage-notice';

/**
 * Logs the Redis connection of every queue and worker going and coming back, once each way.
 * BullMQ retries on its own, but an `error` event nobody listens to ends up in `console.error`
 * on every retry, past the service's logger and its redaction.
 */
@Injectable()
export class QueueConnectionLogger implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queue');

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Queue) {
        this.watch(`Queue ${instance.name}`, instance);
      } else if (instance instanceof WorkerHost) {
        const worker = workerOf(instance as WorkerHost);
        if (worker !== undefined) {
          this.watch(`Worker ${worker.name}`, worker);
        }
      }
    }
  }

  /** Starts logging the connection of one queue or worker; `what` names it in the log. */
  watch(what: string, emitter: QueueBase): void {
    const outage = new OutageNotice(
      this.logger,
      `${what}: Redis unreachable; retrying`,
      `${what}: Redis reachable again`,
    );
    emitter.on('error', (error: Error) => outage.failed(error));
    void emitter.client.then(
      (client) => client.on('ready', () => outage.reached()),
      // A client that never connects has reported its errors through the emitter above.
      () => undefined,
    );
  }
}

/** The processor's worker; undefined when this process did not start it. */
export function workerOf(host: WorkerHost): WorkerHost['worker'] | undefined {
  try {
    return host.worker;
  } catch {
    return undefined;
  }
}
