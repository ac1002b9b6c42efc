import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { FlowProducer, Queue } from 'bullmq';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import {
  finishJobId,
  PRIVACY_REQUEST_QUEUE,
  PrivacyRequestJob,
  taskJobId,
} from './privacy-request.jobs';

export const PRIVACY_REQUEST_FLOW = 'privacy-requests-flow';

const TASK_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  failParentOnFailure: true,
};

/** A run the caller has just committed: what the flow needs, without reading it back. */
export interface QueuedRun {
  generation: number;
  taskIds: string[];
}

/**
 * Puts a committed request on the queue as a flow: one child job per pending task, the finish
 * job as parent. Job ids are deterministic, so enqueueing twice (the reconciler racing intake)
 * adds nothing.
 */
@Injectable()
export class WorkflowQueue {
  private readonly logger = new Logger(WorkflowQueue.name);

  constructor(
    @InjectFlowProducer(PRIVACY_REQUEST_FLOW) private readonly flows: FlowProducer,
    @InjectQueue(PRIVACY_REQUEST_QUEUE) private readonly queue: Queue,
    private readonly requests: PrivacyRequestRepository,
  ) {}

  /**
   * After commit, without waiting: with Redis away the request stays committed and the
   * reconciler enqueues it once Redis answers again.
   */
  enqueueSoon(requestId: string, run?: QueuedRun): void {
    (run ? this.add(requestId, run) : this.enqueue(requestId)).catch((e: unknown) =>
      this.logger.warn(`Request ${requestId} not enqueued yet (${(e as Error).name})`),
    );
  }

  async enqueue(requestId: string): Promise<void> {
    const request = await this.requests.findById(requestId);
    if (!request || !isActive(request.status)) {
      return;
    }
    const taskIds = await this.requests.findUnfinishedTaskIds(requestId);
    await this.add(requestId, { generation: request.generation, taskIds });
  }

  /** Only the finishing step, under a generation the caller has just committed. */
  finishSoon(requestId: string, generation: number): void {
    this.enqueueSoon(requestId, { generation, taskIds: [] });
  }

  private async add(requestId: string, run: QueuedRun): Promise<void> {
    await this.flows.add({
      name: PrivacyRequestJob.Finish,
      queueName: PRIVACY_REQUEST_QUEUE,
      data: { requestId },
      opts: {
        jobId: finishJobId(requestId, run.generation),
        attempts: 5,
        backoff: TASK_OPTIONS.backoff,
      },
      children: run.taskIds.map((taskId) => ({
        name: PrivacyRequestJob.RunTask,
        queueName: PRIVACY_REQUEST_QUEUE,
        data: { requestId, taskId },
        opts: { jobId: taskJobId(taskId, run.generation), ...TASK_OPTIONS },
      })),
    });
  }

  /** Whether the request's current run is on the queue (in any state). */
  async isQueued(request: PrivacyRequestEntity): Promise<boolean> {
    const job = await this.queue.getJob(finishJobId(request.id, request.generation));
    return job !== undefined;
  }
}
