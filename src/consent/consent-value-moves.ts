import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OwnValueResealer } from 'src/crypto/reseal/own-value-resealer';
import { ConsentLedgerRepository } from './ledger/consent-ledger.repository';
import { ConsentSubjects } from './ledger/consent-subject';
import { ReceiptSigner } from './receipts/receipt-signer.service';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * Before the service answers, the consent module's own values sealed under contexts the public
 * crypto API could present are moved to their reserved ones (see `OwnValueResealer`): the signing
 * keys and the ledger's sealed subject ids; webhook URLs stored plain are sealed. (Subject indexes move earlier, see
 * `ConsentSubjectIndexMove`.)
 */
@Injectable()
export class ConsentValueMoves implements OnApplicationBootstrap {
  constructor(
    private readonly resealer: OwnValueResealer,
    private readonly signer: ReceiptSigner,
    private readonly ledger: ConsentLedgerRepository,
    private readonly subjects: ConsentSubjects,
    private readonly webhooks: WebhooksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.resealer.move(this.signer.privateKeys);
    await this.resealer.move(this.subjects.sealedColumn(this.ledger.subjectColumn()));
    await this.resealer.move(this.webhooks.urls);
  }
}
