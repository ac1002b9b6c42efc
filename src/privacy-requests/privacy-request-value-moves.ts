import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OwnValueResealer } from 'src/crypto/reseal/own-value-resealer';
import { ManualTasksService } from './manual/manual-tasks.service';
import { SubjectMailOutbox } from './notifications/subject-mail-outbox.service';
import { PrivacyRequestRepository } from './privacy-request.repository';
import { SubjectProtector } from './subject-protector.service';

/**
 * Before the service answers, request subjects and corrections, mail reasons and manual tasks'
 * notes sealed under contexts (or the keyring) the
 * public crypto API could present are moved to their reserved ones, and completion webhook URLs
 * stored plain are sealed (see `OwnValueResealer`).
 */
@Injectable()
export class PrivacyRequestValueMoves implements OnApplicationBootstrap {
  constructor(
    private readonly resealer: OwnValueResealer,
    private readonly mails: SubjectMailOutbox,
    private readonly tasks: ManualTasksService,
    private readonly requests: PrivacyRequestRepository,
    private readonly protector: SubjectProtector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.resealer.move(this.mails.reasons);
    await this.resealer.move(this.tasks.notes);
    await this.resealer.move(this.protector.subjects(this.requests.subjectColumn()));
    await this.resealer.move(this.protector.corrections(this.requests.correctionsColumn()));
    await this.resealer.move(this.protector.webhookUrls(this.requests.webhookUrlColumn()));
  }
}
