import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { PeriodicSweep } from 'src/queue/periodic-sweep';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { ActiveRun, PrivacyRequestRepository, RunState } from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import { WorkflowQueue } from './workflow-queue.service';

/** What one pass did, for the log and for callers that run a pass themselves. */
export interface ReconcileOutcome {
  /** Runs put (back) on the queue: lost by Redis, never added, or given up by the queue. */
  enqueued: number;
  /** Requests whose every task had failed for good, failed with that reason. */
  failed: number;
}

/**
 * PostgreSQL is the truth, judged together with the queue: every active request must have a
 * live run. A run Redis lost (a crash or an outage between commit and enqueue, Redis restarted
 * empty) is added again under the same job ids; a run the queue gave up on (a job failed for
 * stalling, or whose failure could not be recorded) is replaced by a new one, logged at warn
 * and audited; a request whose tasks are all done gets its finishing step; one whose tasks all
 * ended and some failed for good fails with that reason.
 */
@Injectable()
export class Reconciler extends PeriodicSweep {
  protected readonly logger = new Logger(Reconciler.name);

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly workflow: WorkflowQueue,
    private readonly commits: PrivacyRequestCommits,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    super('Reconcile pass', config.privacyRequests.reconcileEveryMs);
  }

  tick(): Promise<ReconcileOutcome> {
    return this.once(() => this.pass(), { enqueued: 0, failed: 0 });
  }

  /**
   * Most active requests' runs are simply on their way: judged by the list and a look at each
   * run job's state alone, all sent at once. Any other is read again and judged in full, so what
   * the pass does rests on its state as it is then; one that changes after the list (say, its
   * last task fails for good while its run is alive) is judged by the next pass.
   */
  private async pass(): Promise<ReconcileOutcome> {
    const outcome: ReconcileOutcome = { enqueued: 0, failed: 0 };
    const listed = await this.requests.findActiveRuns(500);
    const alive = await Promise.all(
      listed.map(async (r) => !endedWithFailures(r.tasks) && (await this.workflow.isRunAlive(r))),
    );
    for (const request of listed.filter((_, i) => !alive[i])) {
      const did = await this.reconcile(request);
      if (did === 'enqueued') {
        outcome.enqueued++;
      } else if (did === 'failed') {
        outcome.failed++;
      }
    }
    if (outcome.enqueued > 0 || outcome.failed > 0) {
      this.logger.log(`Re-enqueued ${outcome.enqueued} privacy requests, failed ${outcome.failed}`);
    }
    return outcome;
  }

  private async reconcile(request: ActiveRun): Promise<'enqueued' | 'failed' | undefined> {
    const now = await this.requests.findRunState(request.id);
    if (!now || !isActive(now.status) || now.generation !== request.generation) {
      // It moved since the pass listed it (finished, failed, or given a new run): the next pass
      // judges it as it will then be.
      return undefined;
    }
    const { tasks } = now;
    const unfinished = tasks.filter((t) => t.status === 'pending' || t.status === 'in_progress');
    const waiting = tasks.some((t) => t.status === 'waiting');
    const run = await this.workflow.look(
      request,
      unfinished.map((t) => t.id),
    );
    if (unfinished.length === 0 && !waiting) {
      if (endedWithFailures(tasks)) {
        const failed = tasks.filter((t) => t.status === 'failed').length;
        return (await this.failForGood(request, failed)) ? 'failed' : undefined;
      }
      // Every task is done: only the finishing step is left, unless it is on its way.
      if (run.state === 'alive') {
        return undefined;
      }
      const stalled = run.state === 'gave-up' ? run.stalled : undefined;
      return (await this.restart(request, stalled)) ? 'enqueued' : undefined;
    }
    if (run.state === 'missing') {
      await this.workflow.enqueue(request.id);
      return 'enqueued';
    }
    if (run.state === 'gave-up' || (run.state === 'done' && unfinished.length > 0)) {
      return (await this.restart(request, run.stalled)) ? 'enqueued' : undefined;
    }
    return undefined;
  }

  /**
   * A new run for the request's unfinished work (a task finished since finds itself done and
   * is skipped). `stalled`: the queue gave the old run up (BullMQ failed a job for stalling when
   * true); undefined when nothing was given up, and then there is nothing to audit and the new
   * run is one statement.
   */
  private async restart(request: ActiveRun, stalled?: boolean): Promise<boolean> {
    const generation =
      stalled === undefined
        ? await this.requests.restartRun(undefined, request.id, request.generation)
        : await this.restartAudited(request, stalled);
    if (generation === null) {
      return false;
    }
    if (stalled !== undefined) {
      this.logger.warn(
        `Request ${request.id}: the queue gave up its run (${stalled ? 'stalled' : 'failed'}); ` +
          `started run ${generation}`,
      );
    }
    await this.workflow.discard(request.id, request.generation);
    await this.workflow.add(request.id, { generation, type: request.type });
    return true;
  }

  /** The new run and its audit event (the queue gave the old one up), in one transaction. */
  private restartAudited(request: ActiveRun, stalled: boolean): Promise<number | null> {
    return this.requests.transaction(async (m) => {
      const next = await this.requests.restartRun(m, request.id, request.generation);
      if (next !== null) {
        await this.audit.record(
          SYSTEM,
          {
            action: 'privacy_request.run_restarted',
            outcome: 'failure',
            target: { type: 'privacy_request', id: request.id },
            details: {
              type: request.type,
              generation: next,
              reason: stalled ? 'stalled' : 'given up by the queue',
            },
          },
          m,
        );
      }
      return next;
    });
  }

  /** Every task ended and some failed for good: the request cannot proceed and fails. */
  private async failForGood(request: ActiveRun, failedTasks: number): Promise<boolean> {
    const reason = `${failedTasks} task(s) failed for good`;
    const done = await this.requests.transaction(async (m) => {
      const locked = await this.requests.lockById(m, request.id);
      if (!locked || !isActive(locked.status)) {
        return false;
      }
      await this.requests.setFailureReason(m, request.id, reason);
      await this.commits.setStatus(m, SYSTEM, locked, 'failed', { reason });
      return true;
    });
    if (done) {
      this.logger.warn(`Request ${request.id} failed: ${reason}`);
    }
    return done;
  }
}

/** Every task ended (none unfinished, none waiting for a person) and some failed for good. */
function endedWithFailures(tasks: RunState['tasks']): boolean {
  return (
    tasks.some((t) => t.status === 'failed') &&
    tasks.every((t) => t.status === 'completed' || t.status === 'failed')
  );
}
