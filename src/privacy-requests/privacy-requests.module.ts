import { PrivacyRequestValueMoves } from './privacy-request-value-moves';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentModule } from 'src/consent/consent.module';
import { DataStoresModule } from 'src/data-stores/data-stores.module';
import { HealthModule } from 'src/health/health.module';
import { IncidentsModule } from 'src/incidents/incidents.module';
import { DeadlineCalendars } from './deadlines/deadline-calendars.service';
import { ErasureCertificates } from './certificates/erasure-certificates.service';
import { AdminPrivacyRequestsController } from './admin/admin-privacy-requests.controller';
import { PrivacyRequestAdminService } from './admin/privacy-request-admin.service';
import { PrivacyRequestTaskEntity } from './entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import { ExportLinks } from './export/export-link.service';
import { ExportPackageBuilder } from './export/export-package.builder';
import { ExportPartWriter } from './export/export-part.writer';
import { CorrectionChecker } from './intake/correction-checker.service';
import { PrivacyRequestIntakeService } from './intake/privacy-request-intake.service';
import { VerificationMailer } from './intake/verification-mailer.service';
import { ManualTaskReminderProcessor } from './manual/manual-task-reminder.processor';
import { ManualTaskReminderScheduler } from './manual/manual-task-reminder.scheduler';
import { ManualTaskReminderService } from './manual/manual-task-reminder.service';
import { MANUAL_TASK_REMINDER_QUEUE } from './manual/manual-task-reminders';
import { ManualTasksService } from './manual/manual-tasks.service';
import { MailTransport } from './notifications/mail-transport.service';
import { SubjectMailOutboxRepository } from './notifications/subject-mail-outbox.repository';
import { SubjectMailOutbox } from './notifications/subject-mail-outbox.service';
import { SubjectMailSender } from './notifications/subject-mail-sender.service';
import { SubjectMailSweeper } from './notifications/subject-mail-sweeper.service';
import { SUBJECT_MAIL_QUEUE } from './notifications/subject-mail.jobs';
import { SubjectMailProcessor } from './notifications/subject-mail.processor';
import { PrivacyRequestCommits } from './privacy-request-commit.service';
import { PrivacyRequestRepository } from './privacy-request.repository';
import { PrivacyRequestViewService } from './privacy-request-view.service';
import { PrivacyRequestsController } from './privacy-requests.controller';
import { PublicPrivacyRequestsController } from './public-privacy-requests.controller';
import { RequestRetention } from './retention/request-retention.service';
import { RETENTION_QUEUE } from './retention/retention.jobs';
import { RetentionProcessor } from './retention/retention.processor';
import { RetentionScheduler } from './retention/retention.scheduler';
import { StatusTokens } from './status/status-tokens.service';
import { SubjectStatusService } from './status/subject-status.service';
import { SubjectProtector } from './subject-protector.service';
import { PRIVACY_REQUEST_QUEUE } from './workflow/privacy-request.jobs';
import { PrivacyRequestProcessor } from './workflow/privacy-request.processor';
import { Reconciler } from './workflow/reconciler.service';
import { RequestFinisher } from './workflow/request-finisher.service';
import { TaskRunner } from './workflow/task-runner.service';
import { WorkflowQueue } from './workflow/workflow-queue.service';

@Module({})
export class PrivacyRequestsModule {
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: PrivacyRequestsModule,
      imports: [
        TypeOrmModule.forFeature([PrivacyRequestEntity, PrivacyRequestTaskEntity]),
        BullModule.registerQueue({ name: PRIVACY_REQUEST_QUEUE }),
        BullModule.registerQueue({ name: MANUAL_TASK_REMINDER_QUEUE }),
        BullModule.registerQueue({ name: RETENTION_QUEUE }),
        BullModule.registerQueue({ name: SUBJECT_MAIL_QUEUE }),
        DataStoresModule.register(options),
        ConsentModule.register(options),
        IncidentsModule,
        HealthModule,
      ],
      controllers: [
        PrivacyRequestsController,
        PublicPrivacyRequestsController,
        AdminPrivacyRequestsController,
      ],
      providers: [
        PrivacyRequestRepository,
        DeadlineCalendars,
        SubjectProtector,
        PrivacyRequestCommits,
        ErasureCertificates,
        PrivacyRequestIntakeService,
        CorrectionChecker,
        PrivacyRequestViewService,
        PrivacyRequestAdminService,
        VerificationMailer,
        MailTransport,
        SubjectMailOutboxRepository,
        SubjectMailOutbox,
        SubjectMailSender,
        StatusTokens,
        SubjectStatusService,
        WorkflowQueue,
        ExportLinks,
        ExportPartWriter,
        ExportPackageBuilder,
        TaskRunner,
        RequestFinisher,
        ManualTasksService,
        PrivacyRequestValueMoves,
        ManualTaskReminderService,
        RequestRetention,
        ...(options.workers
          ? [
              PrivacyRequestProcessor,
              Reconciler,
              ManualTaskReminderScheduler,
              ManualTaskReminderProcessor,
              RetentionProcessor,
              RetentionScheduler,
              SubjectMailProcessor,
              SubjectMailSweeper,
            ]
          : []),
      ],
      exports: [DeadlineCalendars],
    };
  }
}
