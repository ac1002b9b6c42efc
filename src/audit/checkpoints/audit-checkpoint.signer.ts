import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { ReceiptSigner } from 'src/consent/receipts/receipt-signer.service';
import { CheckpointRow } from './audit-checkpoint.repository';

export const CHECKPOINT_TYP = 'audit-checkpoint+jwt';

/** What a checkpoint asserts: `count` events up to and including `seq`, the last hashing to `head`. */
export interface Checkpoint {
  seq: string;
  count: number;
  head: string;
}

/**
 * Signs and checks checkpoints with the service's ES256 receipt key (published at
 * /.well-known/jwks.json), which the database holds only encrypted under the key hierarchy.
 */
@Injectable()
export class AuditCheckpointSigner {
  constructor(private readonly moduleRef: ModuleRef) {}

  async sign(checkpoint: Checkpoint): Promise<string> {
    return this.receipts().signStatement(
      CHECKPOINT_TYP,
      {
        sub: 'audit-log',
        jti: randomUUID(),
        seq: checkpoint.seq,
        count: checkpoint.count,
        head: checkpoint.head,
      },
      new Date(),
    );
  }

  /** The checkpoints whose signature holds and matches their row; null when one does not. */
  async verified(rows: CheckpointRow[]): Promise<Checkpoint[] | null> {
    if (rows.length === 0) {
      return [];
    }
    const receipts = this.receipts();
    const keys = createLocalJWKSet({ keys: await receipts.publicKeys() });
    const out: Checkpoint[] = [];
    for (const row of rows) {
      try {
        // No issuer check: it is PUBLIC_BASE_URL of whichever process wrote the checkpoint, and a
        // worker and an API behind different addresses sign with the same service key.
        const { payload } = await jwtVerify(row.signed, keys, {
          typ: CHECKPOINT_TYP,
          subject: 'audit-log',
        });
        if (
          payload.seq !== row.seq ||
          payload.count !== Number(row.eventCount) ||
          payload.head !== row.headHash
        ) {
          return null;
        }
        out.push({ seq: row.seq, count: Number(row.eventCount), head: row.headHash });
      } catch {
        return null;
      }
    }
    return out;
  }

  // The consent module records through the (global) audit module, so it cannot be imported here
  // without a cycle; the signer is looked up once the application is assembled.
  private receipts(): ReceiptSigner {
    return this.moduleRef.get(ReceiptSigner, { strict: false });
  }
}
