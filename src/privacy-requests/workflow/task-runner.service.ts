import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { HttpStoreError } from 'src/data-stores/connectors/http.connector';
import { describeDriverError } from 'src/data-stores/connectors/sql.connector';
import { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import { PrivacyRequestTaskEntity } from '../entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { ExportPartWriter } from '../export/export-part.writer';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import type { RequestStatus, TaskResult, TaskStatus } from '../privacy-request.types';
import type { RequestType } from '../deadlines/deadline-rules';
import { SubjectProtector } from '../subject-protector.service';

/** What a task run needs, read in one query: the task, its request, its store's version. */
interface TaskWork {
  task_status: TaskStatus;
  data_store_id: string | null;
  type: RequestType;
  status: RequestStatus;
  subject_ciphertext: string;
  /** The store's updated_at; null when the store was removed. */
  store_version: Date | null;
}

/**
 * Reads the task's work and, when there is work to do (the task is not completed and its request
 * is open), counts the attempt and marks the task in progress, in the same round trip (a WITH
 * update runs whether or not the query reads it). The row returned is from before the update.
 */
const LOAD_AND_START_SQL = `
  WITH work AS (
    SELECT t.status AS task_status, t.data_store_id, r.type, r.status, r.subject_ciphertext,
           s.updated_at AS store_version
      FROM privacy_request_tasks t
      JOIN privacy_requests r ON r.id = t.request_id
      LEFT JOIN data_stores s ON s.id = t.data_store_id
     WHERE t.id = $1 AND t.request_id = $2
  ), started AS (
    UPDATE privacy_request_tasks
       SET status = 'in_progress', attempts = attempts + 1, updated_at = now()
     WHERE id = $1
       AND EXISTS (SELECT 1 FROM work
                    WHERE task_status <> 'completed' AND status IN ('queued', 'in_progress'))
  )
  SELECT * FROM work`;

/** Runs one store's part of a request. Idempotent: a completed task is never run again. */
@Injectable()
export class TaskRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connectors: DataStoreConnectors,
    private readonly protector: SubjectProtector,
    private readonly parts: ExportPartWriter,
    private readonly commits: PrivacyRequestCommits,
  ) {}

  async run(requestId: string, taskId: string): Promise<void> {
    const [work] = await this.dataSource.query<TaskWork[]>(LOAD_AND_START_SQL, [taskId, requestId]);
    if (!work || work.task_status === 'completed') {
      return;
    }
    if (!['queued', 'in_progress'].includes(work.status)) {
      return;
    }
    await this.start(requestId, work);
    if (!work.data_store_id || !work.store_version) {
      throw new TaskFailure('the data store was removed');
    }
    const connector = await this.connectors.forStoreVersion(work.data_store_id, work.store_version);
    const subject = await this.protector.open(work.subject_ciphertext);
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
        result = { collections };
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
    await this.dataSource.query(
      `UPDATE privacy_request_tasks SET status = 'completed', result = $2, detail = $3, updated_at = now() WHERE id = $1`,
      [taskId, JSON.stringify(result), detail],
    );
  }

  /** Records why the last attempt failed; the request fails with it when retries are spent. */
  async recordFailure(
    requestId: string,
    taskId: string,
    error: unknown,
    final: boolean,
  ): Promise<void> {
    const detail = describeFailure(error);
    await this.dataSource.transaction(async (m) => {
      await m.update(
        PrivacyRequestTaskEntity,
        { id: taskId },
        {
          detail,
          ...(final ? { status: 'failed' as const } : {}),
        },
      );
      if (!final) {
        return;
      }
      const request = await m.findOne(PrivacyRequestEntity, {
        where: { id: requestId },
        lock: { mode: 'pessimistic_write' },
      });
      if (request && ['queued', 'in_progress'].includes(request.status)) {
        await m.update(PrivacyRequestEntity, { id: requestId }, { failureReason: detail });
        await this.commits.setStatus(m, {}, request, 'failed', { taskId, reason: detail });
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
        {},
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
  if (error instanceof TaskFailure || error instanceof HttpStoreError) {
    return error.message;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return 'the store did not answer in time';
  }
  return describeDriverError(error);
}
