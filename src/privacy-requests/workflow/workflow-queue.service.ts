import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type { RequestType } from '../deadlines/deadline-rules';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import {
  finishJobId,
  PRIVACY_REQUEST_QUEUE,
  PrivacyRequestJob,
  RunData,
  runJobId,
  taskJobId,
} from './privacy-request.jobs';
import { WORKFLOW_ATTEMPTS, WORKFLOW_BACKOFF } from './task-retries';

const JOB_OPTIONS = { attempts: WORKFLOW_ATTEMPTS, backoff: WORKFLOW_BACKOFF };

/**
 * Job states `look` does not judge alive; `unknown` is also a job that is missing, or a run
 * queued as the earlier flow.
 */
const NOT_ALIVE = new Set<string>(['completed', 'failed', 'unknown']);

/** A request's current run. */
type RunOf = Pick<PrivacyRequestEntity, 'id' | 'generation'>;

/**
 * A run the caller has just committed: its generation, without reading it back, and the
 * request's type (which lets the run's load make the move to in_progress).
 */
export interface QueuedRun {
  generation: number;
  type?: RequestType;
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
 * Puts a committed request's run on the queue as one job, which runs the unfinished tasks and
 * then finishes the request. Job ids are deterministic, so enqueueing twice (the reconciler
 * racing intake) adds nothing.
 */
@Injectable()
export class WorkflowQueue {
  private readonly logger = new Logger(WorkflowQueue.name);

  constructor(
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
    await this.add(requestId, { generation: request.generation, type: request.type });
  }

  /**
   * Only the finishing step, under a generation the caller has just committed: the run finds
   * every task done.
   */
  finishSoon(requestId: string, generation: number): void {
    this.enqueueSoon(requestId, { generation });
  }

  add(requestId: string, run: QueuedRun): Promise<unknown> {
    const { generation, type } = run;
    const data: RunData = { requestId, generation, type };
    return this.queue.add(PrivacyRequestJob.Run, data, {
      jobId: runJobId(requestId, generation),
      ...JOB_OPTIONS,
    });
  }

  /**
   * Whether the request's current run is on its way (its job waiting, delayed or running), told
   * by one command that reads the job's state alone. False means only: look closer (`look`).
   */
  async isRunAlive(request: RunOf): Promise<boolean> {
    const state = await this.queue.getJobState(runJobId(request.id, request.generation));
    return !NOT_ALIVE.has(state);
  }

  /**
   * How the queue holds the request's current run, judged by its job; a run queued before a
   * deploy as the earlier flow is judged by its finishing job and, while that waits for its
   * children, by the job of every task PostgreSQL says is unfinished.
   */
  async look(request: RunOf, unfinishedTaskIds: string[]): Promise<RunLook> {
    const job = await this.queue.getJob(runJobId(request.id, request.generation));
    if (job) {
      return judged(job, await job.getState());
    }
    const finish = await this.queue.getJob(finishJobId(request.id, request.generation));
    const state = await stateOf(finish);
    if (state === 'waiting-children') {
      for (const taskId of unfinishedTaskIds) {
        const child = await this.queue.getJob(taskJobId(taskId, request.generation));
        const childState = await stateOf(child);
        if (childState === 'missing' || childState === 'failed') {
          return { state: 'gave-up', stalled: stalledOut(child) };
        }
      }
    }
    return judged(finish, state);
  }

  /** Drops a run that was replaced (best effort: a job a worker holds stays, and is stale). */
  async discard(requestId: string, generation: number): Promise<void> {
    const jobs = await Promise.all([
      this.queue.getJob(runJobId(requestId, generation)),
      this.queue.getJob(finishJobId(requestId, generation)),
    ]);
    for (const job of jobs) {
      await job?.remove({ removeChildren: true }).catch(() => undefined);
    }
  }
}

function judged(job: Job | undefined, state: string): RunLook {
  switch (state) {
    case 'missing':
      return { state: 'missing', stalled: false };
    case 'completed':
      return { state: 'done', stalled: false };
    case 'failed':
      return { state: 'gave-up', stalled: stalledOut(job) };
    default:
      return { state: 'alive', stalled: false };
  }
}

async function stateOf(job: Job | undefined): Promise<string> {
  return job ? await job.getState() : 'missing';
}

/** BullMQ's own reason when it fails a job whose worker stopped renewing its lock too often. */
function stalledOut(job: Job | undefined): boolean {
  return /stalled more than allowable limit/.test(job?.failedReason ?? '');
}
