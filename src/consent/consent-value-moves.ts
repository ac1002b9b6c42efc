import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OwnValueResealer } from 'src/crypto/reseal/own-value-resealer';
import { ReceiptSigner } from './receipts/receipt-signer.service';

/**
 * Before the service answers, the consent module's own values sealed under contexts the public
 * crypto API could present are moved to their reserved ones (see `OwnValueResealer`).
 */
@Injectable()
export class ConsentValueMoves implements OnApplicationBootstrap {
  constructor(
    private readonly resealer: OwnValueResealer,
    private readonly signer: ReceiptSigner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.resealer.move(this.signer.privateKeys);
  }
}
