import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { FlowProducer, Job, Queue } from 'bullmq';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import {
  finishJobId,
  PRIVACY_REQUEST_QUEUE,
  PrivacyRequestJob,
  taskJobId,
} from './privacy-request.jobs';
import { WORKFLOW_ATTEMPTS, WORKFLOW_BACKOFF } from './task-retries';

export const PRIVACY_REQUEST_FLOW = 'privacy-requests-flow';

const JOB_OPTIONS = { attempts: WORKFLOW_ATTEMPTS, backoff: WORKFLOW_BACKOFF };

/** A run the caller has just committed: what the flow needs, without reading it back. */
export interface QueuedRun {
  generation: number;
  taskIds: string[];
}

/**
 * How the queue holds a request's current run: `alive` (waiting, delayed, running), `missing`
 * (Redis lost it, or it was never added), `gave-up` (a job failed for good: out of budget, or
 * failed by BullMQ for stalling, or its failure could not be recorded), `done` (the finishing
 * step ran).
 */
export type RunState = 'alive' | 'missing' | 'gave-up' | 'done';

export interface RunLook {
  state: RunState;
  /** For `gave-up`: whether BullMQ failed a job for stalling (its worker died too often). */
  stalled: boolean;
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

  add(requestId: string, run: QueuedRun): Promise<unknown> {
    const { generation } = run;
    return this.flows.add({
      name: PrivacyRequestJob.Finish,
      queueName: PRIVACY_REQUEST_QUEUE,
      data: { requestId, generation },
      opts: { jobId: finishJobId(requestId, generation), ...JOB_OPTIONS },
      children: run.taskIds.map((taskId) => ({
        name: PrivacyRequestJob.RunTask,
        queueName: PRIVACY_REQUEST_QUEUE,
        data: { requestId, taskId, generation },
        opts: { jobId: taskJobId(taskId, generation), ...JOB_OPTIONS, failParentOnFailure: true },
      })),
    });
  }

  /**
   * How the queue holds the request's current run, judged by the finishing job and, while it
   * waits for its children, by the job of every task PostgreSQL says is unfinished.
   */
  async look(request: PrivacyRequestEntity, unfinishedTaskIds: string[]): Promise<RunLook> {
    const finish = await this.queue.getJob(finishJobId(request.id, request.generation));
    const state = await stateOf(finish);
    if (state === 'missing' || state === 'completed') {
      return { state: state === 'missing' ? 'missing' : 'done', stalled: false };
    }
    if (state === 'failed') {
      return { state: 'gave-up', stalled: stalledOut(finish) };
    }
    if (state === 'waiting-children') {
      for (const taskId of unfinishedTaskIds) {
        const child = await this.queue.getJob(taskJobId(taskId, request.generation));
        const childState = await stateOf(child);
        if (childState === 'missing' || childState === 'failed') {
          return { state: 'gave-up', stalled: stalledOut(child) };
        }
      }
    }
    return { state: 'alive', stalled: false };
  }

  /** Drops a run that was replaced (best effort: a job a worker holds stays, and is stale). */
  async discard(requestId: string, generation: number): Promise<void> {
    const finish = await this.queue.getJob(finishJobId(requestId, generation));
    await finish?.remove({ removeChildren: true }).catch(() => undefined);
  }
}

async function stateOf(job: Job | undefined): Promise<string> {
  return job ? await job.getState() : 'missing';
}

/** BullMQ's own reason when it fails a job whose worker stopped renewing its lock too often. */
function stalledOut(job: Job | undefined): boolean {
  return /stalled more than allowable limit/.test(job?.failedReason ?? '');
}
