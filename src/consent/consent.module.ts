import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ConsentCache } from './check/consent-cache';
import { ConsentCheckService } from './check/consent-check.service';
import { ConsentValueMoves } from './consent-value-moves';
import { ConsentsController } from './consents.controller';
import { ConsentLedgerRepository } from './ledger/consent-ledger.repository';
import { ConsentLedgerService } from './ledger/consent-ledger.service';
import { ConsentQueryService } from './ledger/consent-query.service';
import { ConsentSubjects } from './ledger/consent-subject';
import {
  CONSENT_SUBJECT_INDEX_MOVED,
  ConsentSubjectIndexMove,
} from './ledger/consent-subject-index.move';
import { PurposesController } from './purposes/purposes.controller';
import { PurposesRepository } from './purposes/purposes.repository';
import { PurposesService } from './purposes/purposes.service';
import { JwksController } from './receipts/jwks.controller';
import { ReceiptSigner } from './receipts/receipt-signer.service';
import { SubjectConsentsController } from './subject-consents.controller';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.service';
import { CONSENT_WEBHOOK_QUEUE } from './webhooks/webhook.jobs';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * Purposes, the consent ledger, checks, GPC, signed receipts and change webhooks. Other
 * capabilities use `ConsentLedgerService` (withdrawAll at erasure, optOutCategory for opt-outs).
 */
@Module({})
export class ConsentModule {
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: ConsentModule,
      imports: [BullModule.registerQueue({ name: CONSENT_WEBHOOK_QUEUE })],
      controllers: [
        PurposesController,
        ConsentsController,
        SubjectConsentsController,
        JwksController,
        WebhooksController,
      ],
      providers: [
        ConsentCache,
        ConsentCheckService,
        ConsentLedgerRepository,
        ConsentLedgerService,
        ConsentQueryService,
        ConsentSubjects,
        ConsentSubjectIndexMove,
        CONSENT_SUBJECT_INDEX_MOVED,
        ConsentValueMoves,
        PurposesRepository,
        PurposesService,
        ReceiptSigner,
        WebhookDispatcher,
        WebhooksRepository,
        WebhooksService,
        ...(options.workers ? [WebhookDeliveryProcessor] : []),
      ],
      exports: [ConsentLedgerService, ReceiptSigner],
    };
  }
}
