import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { postJson } from 'src/common/outbound/post-json';
import { AppConfig } from 'src/config/app-config';
import { ConsentLedgerService } from 'src/consent/ledger/consent-ledger.service';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { DataStoreEntity } from 'src/data-stores/entities/data-store.entity';
import { PrivacyRequestTaskEntity } from '../entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { ExportPackageBuilder } from '../export/export-package.builder';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { SubjectProtector } from '../subject-protector.service';

const SYSTEM = { caller: undefined };

/** What leftJoinAndMapMany sets on the request: its tasks, ordered by store name. */
type RequestWithTasks = PrivacyRequestEntity & { tasks: PrivacyRequestTaskEntity[] };

/** Runs after every task of a request: the request-wide steps, then `completed`. */
@Injectable()
export class RequestFinisher {
  private readonly logger = new Logger(RequestFinisher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly packages: ExportPackageBuilder,
    private readonly protector: SubjectProtector,
    private readonly consent: ConsentLedgerService,
    private readonly cipher: PersonalDataCipher,
    private readonly commits: PrivacyRequestCommits,
    private readonly config: AppConfig,
  ) {}

  async finish(requestId: string): Promise<void> {
    const requests = this.dataSource.getRepository(PrivacyRequestEntity);
    // The request and its tasks in one query (no take/skip, so TypeORM issues a single SELECT).
    const request = await requests
      .createQueryBuilder('r')
      .leftJoinAndMapMany('r.tasks', PrivacyRequestTaskEntity, 't', 't.requestId = r.id')
      .where('r.id = :requestId', { requestId })
      .orderBy('t.dataStoreName', 'ASC')
      .getOne();
    if (!request || !['queued', 'in_progress'].includes(request.status)) {
      return;
    }
    const { tasks } = request as RequestWithTasks;
    if (tasks.some((t) => t.status !== 'completed')) {
      // A child failed for good; the task runner already failed the request.
      return;
    }
    const subject = await this.protector.open(request.subjectCiphertext);
    const keyIds = SubjectProtector.keyIds(subject);
    switch (request.type) {
      case 'access': {
        const stores = await this.dataSource.getRepository(DataStoreEntity).find();
        const typeOf = new Map(
          tasks.map((t) => [t.id, stores.find((s) => s.id === t.dataStoreId)?.type ?? 'unknown']),
        );
        const built = await this.packages.build(request, tasks, typeOf);
        await requests.update(requestId, {
          exportPath: built.path,
          exportChecksum: built.checksum,
        });
        this.packages.removeParts(requestId);
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
    if (completed && request.webhookUrl) {
      await this.notify(request);
    }
  }

  /** From the status read at the start, or from the one it has moved to while still open. */
  private async complete(request: PrivacyRequestEntity, tasks: number): Promise<boolean> {
    let from = request.status;
    for (;;) {
      if (await this.commits.transition(SYSTEM, request, from, 'completed', { tasks })) {
        return true;
      }
      const now = await this.dataSource
        .getRepository(PrivacyRequestEntity)
        .findOne({ select: { status: true }, where: { id: request.id } });
      if (!now || !['queued', 'in_progress'].includes(now.status)) {
        return false;
      }
      from = now.status;
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
      if ((e as { code?: unknown }).code !== 'subject-shredded') {
        throw e;
      }
    }
  }

  /** Best effort, ids only: a webhook that fails is logged, the request stays completed. */
  private async notify(request: PrivacyRequestEntity): Promise<void> {
    const body = JSON.stringify({ id: request.id, type: request.type, status: 'completed' });
    try {
      await postJson(request.webhookUrl as string, body, {
        timeoutMs: 10000,
        allowPrivateNetworks: this.config.webhooks.allowPrivateNetworks,
      });
    } catch (e) {
      this.logger.warn(`Completion webhook of request ${request.id} failed (${(e as Error).name})`);
    }
  }
}
