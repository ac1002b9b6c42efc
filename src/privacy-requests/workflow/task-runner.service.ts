import { Injectable } from '@nestjs/common';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { HttpStoreError } from 'src/data-stores/connectors/http.connector';
import { describeDriverError } from 'src/data-stores/connectors/sql.connector';
import { StoreError } from 'src/data-stores/connectors/store-error';
import { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import { ExportPartWriter } from '../export/export-part.writer';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { PrivacyRequestRepository, TaskWork } from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import type { TaskResult } from '../privacy-request.types';
import { SubjectProtector } from '../subject-protector.service';

/** Runs one store's part of a request. Idempotent: a completed task is never run again. */
@Injectable()
export class TaskRunner {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly connectors: DataStoreConnectors,
    private readonly protector: SubjectProtector,
    private readonly parts: ExportPartWriter,
    private readonly commits: PrivacyRequestCommits,
  ) {}

  async run(requestId: string, taskId: string): Promise<void> {
    const work = await this.requests.loadAndStartTask(requestId, taskId);
    if (!work || work.taskStatus === 'completed' || !isActive(work.status)) {
      return;
    }
    await this.start(requestId, work);
    if (!work.dataStoreId || !work.storeVersion) {
      throw new TaskFailure('the data store was removed');
    }
    const connector = await this.connectors.forStoreVersion(work.dataStoreId, work.storeVersion);
    const subject = await this.protector.open(work.subjectCiphertext);
    const ctx = { requestId };
    let result: TaskResult;
    let detail: string;
    switch (work.type) {
      case 'access': {
        const exported = await this.parts.write(requestId, taskId, connector, subject);
        result = { exported };
        detail = `exported ${exported.reduce((n, c) => n + c.records, 0)} records`;
        break;
      }
      case 'erasure': {
        const collections = await connector.erase(subject, ctx);
        // Proof of erasure: the same plan's paths, read again after the commit, find nothing.
        const remaining = await connector.remainingAfterErasure?.(subject);
        const left = Object.entries(remaining ?? {}).filter(([, n]) => n > 0);
        if (left.length > 0) {
          throw new StoreError(
            'permanent',
            'erasure-incomplete',
            `rows still reach the subject after erasure: ${left.map(([c, n]) => `${c} ${n}`).join(', ')}`,
            left[0][0],
          );
        }
        result = remaining ? { collections, remaining } : { collections };
        detail = `erased ${collections.reduce((n, c) => n + c.rows, 0)} rows`;
        break;
      }
      case 'opt_out_sale':
      case 'opt_out_sharing': {
        const count = await connector.optOut(subject, work.type, ctx);
        result = { count };
        detail = `opted out ${count} records`;
        break;
      }
      default:
        return assertUnreachable(work.type);
    }
    await this.requests.completeTask(taskId, result, detail);
  }

  /** Records why the last attempt failed; the request fails with it when retries are spent. */
  async recordFailure(
    requestId: string,
    taskId: string,
    error: unknown,
    final: boolean,
  ): Promise<void> {
    const detail = describeFailure(error);
    await this.requests.transaction(async (m) => {
      await this.requests.recordTaskFailure(m, taskId, detail, final);
      if (!final) {
        return;
      }
      const request = await this.requests.lockById(m, requestId);
      if (request && isActive(request.status)) {
        await this.requests.setFailureReason(m, requestId, detail);
        await this.commits.setStatus(m, SYSTEM, request, 'failed', { taskId, reason: detail });
      }
    });
  }

  /**
   * A task that finds its request queued moves it to in_progress (the attempt is already
   * counted). The other tasks, started at the same moment, find it moved and leave it.
   */
  private async start(requestId: string, work: TaskWork): Promise<void> {
    if (work.status === 'queued') {
      await this.commits.transition(
        SYSTEM,
        { id: requestId, type: work.type },
        'queued',
        'in_progress',
      );
    }
  }
}

/** A failure no retry can fix. */
export class TaskFailure extends Error {}

/** What may be said about a failure: no personal data, no connection strings. */
function describeFailure(error: unknown): string {
  if (
    error instanceof TaskFailure ||
    error instanceof HttpStoreError ||
    error instanceof StoreError
  ) {
    return error.message;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return 'the store did not answer in time';
  }
  return describeDriverError(error);
}
