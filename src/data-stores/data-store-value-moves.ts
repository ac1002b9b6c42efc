import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OwnValueResealer } from 'src/crypto/reseal/own-value-resealer';
import { DataStoreConnectors } from './data-store-connectors.service';

/**
 * Before the service answers, store connections sealed under the context (or keyring) the public
 * crypto API could present are moved to their reserved one (see `OwnValueResealer`).
 */
@Injectable()
export class DataStoreValueMoves implements OnApplicationBootstrap {
  constructor(
    private readonly resealer: OwnValueResealer,
    private readonly connectors: DataStoreConnectors,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.resealer.move(this.connectors.connections);
  }
}
