import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import type { SealedColumn } from 'src/crypto/reseal/sealed-column';
import type { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { SubjectMailOutboxRepository } from './subject-mail-outbox.repository';
import { reasonContexts } from './reason.context';
import { SendMailData, sendJobId, SUBJECT_MAIL_QUEUE, SubjectMailJob } from './subject-mail.jobs';
import type { OutboxEntry, SubjectMailKind } from './subject-mail.types';

/** Up to about eight minutes of retries (2 s doubling) while the mail server is away. */
const SEND_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 2000 } };

/**
 * Writes subject mails to the outbox with the change they announce, and puts each on the queue
 * once that change has committed. The outbox is the truth: a row whose job is lost (Redis away
 * at commit) is put on the queue again by the sweeper.
 */
@Injectable()
export class SubjectMailOutbox {
  private readonly logger = new Logger(SubjectMailOutbox.name);

  constructor(
    private readonly outbox: SubjectMailOutboxRepository,
    private readonly cipher: PersonalDataCipher,
    @InjectQueue(SUBJECT_MAIL_QUEUE) private readonly queue: Queue<SendMailData>,
  ) {}

  /**
   * Whether the request's subject is told of its changes: when it asked to be (public requests,
   * backend requests with `notify`) and once it is verified, so an address someone else typed
   * in is mailed nothing beyond its code.
   */
  static tells(request: Pick<PrivacyRequestEntity, 'notify' | 'status'>): boolean {
    return request.notify && request.status !== 'pending_verification';
  }

  /** A row to write with the change; the reason is sealed, the due date kept as an instant. */
  async entry(
    kind: SubjectMailKind,
    facts: { dueAt?: Date; reason?: string } = {},
  ): Promise<OutboxEntry> {
    const id = randomUUID();
    return {
      id,
      kind,
      details: facts.dueAt ? { dueAt: facts.dueAt.toISOString() } : {},
      reasonCiphertext:
        facts.reason === undefined
          ? null
          : await this.cipher.encrypt(facts.reason, {
              context: reasonContexts(id).context,
              keyAlias: INTERNAL_ALIAS,
            }),
    };
  }

  /** In the caller's transaction, for a change that is not a status move (an extension). */
  async add(
    m: EntityManager,
    requestId: string,
    kind: SubjectMailKind,
    facts: { dueAt?: Date; reason?: string },
  ): Promise<void> {
    await this.outbox.insert(m, requestId, await this.entry(kind, facts));
  }

  openReason(ciphertext: string, mailId: string): Promise<string> {
    const { context, legacy } = reasonContexts(mailId);
    return this.cipher.decryptOwn(ciphertext, context, legacy);
  }

  /** The sealed reasons as a column `OwnValueResealer` moves to the internal keyring. */
  get reasons(): SealedColumn {
    return { ...this.outbox.reasonColumn(), keyAlias: INTERNAL_ALIAS, contexts: reasonContexts };
  }

  /** After commit, without waiting: the request's pending mails go on the queue. */
  sendSoon(requestId: string): void {
    this.outbox
      .findPendingIds(requestId)
      .then((ids) => Promise.all(ids.map((id) => this.enqueue(id))))
      .catch((e: unknown) =>
        this.logger.warn(`Mail of request ${requestId} not queued yet (${(e as Error).name})`),
      );
  }

  /** Once a mail is settled, the request's next ones, which waited for it, go on the queue. */
  async sendNext(requestId: string): Promise<void> {
    for (const id of await this.outbox.findPendingIds(requestId)) {
      await this.requeue(id);
    }
  }

  /** Deterministic job id: a row already on the queue is not added twice. */
  async enqueue(outboxId: string): Promise<void> {
    await this.queue.add(
      SubjectMailJob.Send,
      { outboxId },
      { jobId: sendJobId(outboxId), ...SEND_OPTIONS },
    );
  }

  /**
   * Puts a row on the queue again when its job is gone or finished without sending it (lost,
   * or it waited for an earlier mail); a job still waiting or running is left alone.
   */
  async requeue(outboxId: string): Promise<boolean> {
    const job = await this.queue.getJob(sendJobId(outboxId));
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') {
        return false;
      }
      await job.remove();
    }
    await this.enqueue(outboxId);
    return true;
  }
}
