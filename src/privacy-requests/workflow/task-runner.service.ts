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
import type { TaskResult } from '../privacy-request.types';
import { SubjectProtector } from '../subject-protector.service';

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
    const tasks = this.dataSource.getRepository(PrivacyRequestTaskEntity);
    const task = await tasks.findOneBy({ id: taskId });
    const request = await this.dataSource
      .getRepository(PrivacyRequestEntity)
      .findOneBy({ id: requestId });
    if (!task || !request || task.status === 'completed') {
      return;
    }
    if (!['queued', 'in_progress'].includes(request.status)) {
      return;
    }
    await this.markInProgress(request);
    await tasks.update(taskId, { status: 'in_progress', attempts: () => 'attempts + 1' });
    if (!task.dataStoreId) {
      throw new TaskFailure('the data store was removed');
    }
    const { connector } = await this.connectors.forStoreId(task.dataStoreId);
    const subject = await this.protector.open(request.subjectCiphertext);
    const ctx = { requestId };
    let result: TaskResult;
    let detail: string;
    switch (request.type) {
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
        const count = await connector.optOut(subject, request.type, ctx);
        result = { count };
        detail = `opted out ${count} records`;
        break;
      }
      default:
        return assertUnreachable(request.type);
    }
    await tasks.update(taskId, { status: 'completed', result, detail });
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

  private async markInProgress(request: PrivacyRequestEntity): Promise<void> {
    if (request.status !== 'queued') {
      return;
    }
    await this.dataSource.transaction(async (m) => {
      const locked = await m.findOne(PrivacyRequestEntity, {
        where: { id: request.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (locked?.status === 'queued') {
        await this.commits.setStatus(m, {}, locked, 'in_progress');
      }
    });
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
