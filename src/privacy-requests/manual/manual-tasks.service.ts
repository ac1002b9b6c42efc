import { Injectable } from '@nestjs/common';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { PersonalDataCipher, serviceContext } from 'src/crypto/personal-data.cipher';
import type { SealedColumn } from 'src/crypto/reseal/sealed-column';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { isActive, RequestStatus } from '../privacy-request.state';
import { WorkflowQueue } from '../workflow/workflow-queue.service';

/**
 * The note may say what was found or erased: sealed under the internal keyring in the reserved
 * context bound to its task, never logged; `legacy` is the context notes were sealed under
 * before, which the public crypto API could present.
 */
export const noteContexts = (
  taskId: string,
): { context: Record<string, string>; legacy: Record<string, string> } => ({
  context: serviceContext('privacy_request_tasks.note', { task: taskId }),
  legacy: { table: 'privacy_request_tasks', column: 'note', id: taskId },
});

/**
 * A person marks a manual store's waiting task done. When it was the request's last unfinished
 * task, the request's finishing step runs again under a new generation (committed with the task,
 * so the reconciler enqueues it should this process stop before it does).
 */
@Injectable()
export class ManualTasksService {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
    private readonly workflow: WorkflowQueue,
  ) {}

  /** The sealed notes as a column `OwnValueResealer` moves to the internal keyring. */
  get notes(): SealedColumn {
    return { ...this.requests.taskNoteColumn(), keyAlias: INTERNAL_ALIAS, contexts: noteContexts };
  }

  async complete(
    ctx: RequestContext,
    requestId: string,
    taskId: string,
    note: string,
  ): Promise<{ status: RequestStatus; finishing: boolean }> {
    const noteCiphertext = await this.cipher.encrypt(note, {
      context: noteContexts(taskId).context,
      keyAlias: INTERNAL_ALIAS,
    });
    const done = await this.requests.transaction(async (m) => {
      const request = await this.requests.lockById(m, requestId);
      if (!request) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
      }
      const status = await this.requests.findTaskStatus(m, requestId, taskId);
      if (!status) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.TaskNotFound, 'No such task');
      }
      if (!isActive(request.status) || status !== 'waiting') {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.TaskNotWaiting,
          `The task is ${status} and its request ${request.status}: only a waiting task of a running request is marked done`,
        );
      }
      await this.requests.completeWaitingTask(m, requestId, taskId, {
        noteCiphertext,
        by: ctx.caller?.id ?? null,
        result: { manual: { completedAt: new Date().toISOString(), noteLength: note.length } },
      });
      const left = await this.requests.countTasksNotCompleted(m, requestId);
      const generation = left === 0 ? await this.requests.bumpGeneration(m, requestId) : null;
      await this.audit.record(
        ctx,
        {
          action: 'privacy_request.task_completed',
          target: { type: 'privacy_request', id: requestId },
          details: { type: request.type, taskId, manual: true, noteLength: note.length, left },
        },
        m,
      );
      return { status: request.status, generation };
    });
    if (done.generation !== null) {
      this.workflow.finishSoon(requestId, done.generation);
    }
    return { status: done.status, finishing: done.generation !== null };
  }
}
