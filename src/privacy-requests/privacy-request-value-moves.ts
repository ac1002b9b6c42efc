import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OwnValueResealer } from 'src/crypto/reseal/own-value-resealer';
import { ManualTasksService } from './manual/manual-tasks.service';
import { SubjectMailOutbox } from './notifications/subject-mail-outbox.service';

/**
 * Before the service answers, mail reasons and manual tasks' notes sealed under contexts the
 * public crypto API could present are moved to their reserved ones (see `OwnValueResealer`).
 */
@Injectable()
export class PrivacyRequestValueMoves implements OnApplicationBootstrap {
  constructor(
    private readonly resealer: OwnValueResealer,
    private readonly mails: SubjectMailOutbox,
    private readonly tasks: ManualTasksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.resealer.move(this.mails.reasons);
    await this.resealer.move(this.tasks.notes);
  }
}
