import { Injectable, Logger } from '@nestjs/common';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { postJson } from 'src/common/outbound/post-json';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { ConsentLedgerService } from 'src/consent/ledger/consent-ledger.service';
import { FieldCryptoError, FieldCryptoErrorCode } from 'src/crypto/crypto.error';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { Settled, togetherOrAlone } from 'src/common/batching/together-or-alone';
import { WriteCoalescer } from 'src/common/batching/write-coalescer';
import { ExportPackageBuilder } from '../export/export-package.builder';
import type { OutboxEntry } from '../notifications/subject-mail.types';
import { SubjectMailOutbox } from '../notifications/subject-mail-outbox.service';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import {
  CompletionStep,
  FinishWork,
  PrivacyRequestRepository,
} from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import { SubjectProtector } from '../subject-protector.service';
import type { FinishedRun } from './task-runner.service';

/** A finished run on its way to its completion statement, with the subject's mail if any. */
interface Finishing {
  run: FinishedRun;
  mail?: OutboxEntry;
}

/** What a finished run's completion statement did, or what it failed with. */
type Completion = Settled<{ moved: boolean; kept: string[] }>;

/** Runs after every task of a request: the request-wide steps, then `completed`. */
@Injectable()
export class RequestFinisher {
  private readonly logger = new Logger(RequestFinisher.name);

  private readonly completions = new WriteCoalescer<Finishing, Completion>((items) =>
    this.completeTogether(items),
  );

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly packages: ExportPackageBuilder,
    private readonly protector: SubjectProtector,
    private readonly consent: ConsentLedgerService,
    private readonly cipher: PersonalDataCipher,
    private readonly commits: PrivacyRequestCommits,
    private readonly config: AppConfig,
    private readonly mails: SubjectMailOutbox,
  ) {}

  /** `generation`: the run the job belongs to; the job of a replaced run does nothing. */
  async finish(requestId: string, generation?: number): Promise<void> {
    const found = await this.requests.findFinishWork(requestId);
    if (!found) {
      return;
    }
    const { request, tasks } = found;
    if (!isActive(request.status)) {
      if (request.status === 'completed' && request.type === 'access') {
        // A rerun after a crash between completion and clean-up: the package is recorded.
        this.packages.removeParts(requestId);
      }
      return;
    }
    if (generation !== undefined && request.generation !== generation) {
      return;
    }
    if (tasks.some((t) => t.status !== 'completed')) {
      // A child failed for good (the task runner already failed the request), or a manual
      // store's task waits for a person: marking the last one done runs this step again.
      return;
    }
    const subject = await this.protector.open(request.subjectCiphertext, request.id);
    const keyIds = SubjectProtector.keyIds(subject);
    switch (request.type) {
      case 'access': {
        const stores = await this.requests.findStores();
        const typeOf = new Map(
          tasks.map((t) => [t.id, stores.find((s) => s.id === t.dataStoreId)?.type ?? 'unknown']),
        );
        const built = await this.packages.build(request, tasks, typeOf);
        // The package lives as long as a link issued at completion: deleted when that expires.
        const expiresAt = new Date(
          Date.now() + this.config.privacyRequests.exportLinkTtlSeconds * 1000,
        );
        await this.requests.setExport(requestId, built.path, built.checksum, expiresAt);
        break;
      }
      case 'erasure':
        // Withdrawal and shredding are idempotent, so a rerun after a crash changes nothing more.
        for (const id of keyIds) {
          await this.withdrawUnlessShredded(id);
        }
        for (const id of keyIds) {
          await this.cipher.shredSubject(id);
        }
        break;
      case 'rectification':
        // Each store's task wrote the corrections; nothing is kept by the service itself.
        break;
      case 'opt_out_sale':
      case 'opt_out_sharing':
        for (const id of keyIds) {
          await this.consent.optOutCategory(
            id,
            request.type === 'opt_out_sale' ? 'sale' : 'sharing',
            SYSTEM,
            'opt_out',
          );
        }
        break;
      default:
        return assertUnreachable(request.type);
    }
    const completed = await this.complete(request, tasks.length);
    if (request.type === 'access') {
      // Only once completion is recorded: a crash before it reruns this step from the parts.
      this.packages.removeParts(requestId);
    }
    if (completed && request.notify) {
      this.mails.sendSoon(request.id);
    }
    if (completed && request.webhookUrl) {
      await this.notify(request);
    }
  }

  /**
   * The finishing step of an erasure's run that completed every task of its request, without
   * reading the request again: the tasks' results, the keys' shred, the completion, its audit
   * event and the subject's completion mail in one statement, which completes the request only
   * while the subject has no consent granted, so a rerun after a crash finds either all of it or
   * none. Runs finishing while another such statement is on its way share the next one (see
   * `completeTogether`). When the request does not move (consent to withdraw first, a request
   * that left in_progress, or a run replaced) the results are recorded all the same and the step
   * runs as usual, on the request as it is now.
   */
  async finishRun(run: FinishedRun): Promise<void> {
    const { id, work } = run;
    const mail = work.notify ? await this.mails.entry('completion') : undefined;
    const completion = await this.completions.submit({ run, mail });
    if ('failed' in completion) {
      // The results are kept before the job is retried or gives up.
      await this.requests.completeTasks(run.done);
      throw completion.failed;
    }
    const { moved, kept } = completion.ok;
    for (const { taskId } of run.done.filter((d) => !kept.includes(d.taskId))) {
      this.logger.warn(`Task ${taskId} of request ${id} ran again; its first result kept`);
    }
    if (!moved) {
      return this.finish(id, work.generation);
    }
    if (work.notify) {
      this.mails.sendSoon(id);
    }
    if (work.webhookUrl) {
      await this.notify({ id, type: work.type, webhookUrl: work.webhookUrl });
    }
  }

  /**
   * Finished runs in one statement (one commit, one turn of the audit chain's lock), or, where
   * that fails, each alone (`togetherOrAlone`); once keys are shredded, every instance is told
   * once for all of them.
   */
  private async completeTogether(items: Finishing[]): Promise<Completion[]> {
    const answers = await togetherOrAlone(
      items,
      (item) => item.run.id,
      (some) => this.completeInOne(some),
    );
    if (answers.some((a) => 'ok' in a && a.ok.moved)) {
      try {
        await this.cipher.subjectsShredded();
      } catch (failed) {
        // As when the run's own step fails after its commit: retried, the run finds it done.
        answers.forEach((a, i) => {
          if ('ok' in a && a.ok.moved) {
            answers[i] = { failed };
          }
        });
      }
    }
    return answers;
  }

  private completeInOne(items: Finishing[]): Promise<Array<{ moved: boolean; kept: string[] }>> {
    const subjects = items.map(({ run }) => ({
      row: run.id,
      subjectIds: SubjectProtector.keyIds(run.subject),
    }));
    // The runs moved a queued request to in_progress, or found it there.
    return this.commits.completeRuns(
      items.map(({ run, mail }) => ({
        id: run.id,
        type: run.work.type,
        generation: run.work.generation,
        tasks: run.work.tasks.length,
        done: run.done,
        mail,
      })),
      'in_progress',
      (first) => this.erasureStep(subjects, first),
    );
  }

  /**
   * An erasure's own part of its completion statement: held back while consent is granted
   * (withdrawn first, as `finish` does, so no key is shredded before), the keys shredded with
   * the completion.
   */
  private erasureStep(
    subjects: Array<{ row: string; subjectIds: string[] }>,
    first: number,
  ): CompletionStep {
    const granted = this.consent.grantedCondition(subjects, first, 'r.id');
    const shred = this.cipher.shredAfterChange(subjects, first + granted.params.length);
    return {
      holdIf: granted.sql,
      then: shred.then,
      params: [...granted.params, ...shred.params],
    };
  }

  /**
   * The finishing step failed for good (its retry budget spent): the request fails with the
   * error's class as reason, audited. Returns whether it was recorded (false: it had left the
   * active statuses already).
   */
  async giveUp(requestId: string, error: unknown): Promise<boolean> {
    const reason = `finishing the request failed (${(error as Error)?.name ?? typeof error})`;
    this.logger.warn(`Request ${requestId}: ${reason}; given up`);
    return this.requests.transaction(async (m) => {
      const request = await this.requests.lockById(m, requestId);
      if (!request || !isActive(request.status)) {
        return false;
      }
      await this.requests.setFailureReason(m, requestId, reason);
      await this.commits.setStatus(m, SYSTEM, request, 'failed', { reason });
      return true;
    });
  }

  /**
   * From the status read at the start, or from the one it has moved to while still open; the
   * subject's completion mail is written to the outbox with the move.
   */
  private async complete(request: FinishWork['request'], tasks: number): Promise<boolean> {
    const mail = request.notify ? await this.mails.entry('completion') : undefined;
    let from = request.status;
    for (;;) {
      if (await this.commits.transition(SYSTEM, request, from, 'completed', { tasks }, mail)) {
        return true;
      }
      const now = await this.requests.findStatus(request.id);
      if (!now || !isActive(now)) {
        return false;
      }
      from = now;
    }
  }

  /**
   * Consent is withdrawn before any key is shredded, so a shredded subject (a rerun after a
   * crash between the two) has nothing left to withdraw.
   */
  private async withdrawUnlessShredded(subjectId: string): Promise<void> {
    try {
      await this.consent.withdrawAll(subjectId, SYSTEM, 'erasure');
    } catch (e) {
      if (!(e instanceof FieldCryptoError && e.code === FieldCryptoErrorCode.Shredded)) {
        throw e;
      }
    }
  }

  /** Best effort, ids only: a webhook that fails is logged, the request stays completed. */
  private async notify(
    request: Pick<FinishWork['request'], 'id' | 'type' | 'webhookUrl'>,
  ): Promise<void> {
    const body = JSON.stringify({ id: request.id, type: request.type, status: 'completed' });
    try {
      const url = await this.protector.openWebhookUrl(request.webhookUrl as string, request.id);
      await postJson(url, body, {
        timeoutMs: 10000,
        allowPrivateNetworks: this.config.webhooks.allowPrivateNetworks,
      });
    } catch (e) {
      this.logger.warn(`Completion webhook of request ${request.id} failed (${(e as Error).name})`);
    }
  }
}
