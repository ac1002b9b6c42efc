import { Injectable, Logger } from '@nestjs/common';
import { FieldCryptoError, FieldCryptoErrorCode } from '../crypto.error';
import { PersonalDataCipher } from '../personal-data.cipher';
import type { SealedColumn } from './sealed-column';
import { ServiceValueMovesRepository } from './service-value-moves.repository';

const PAGE = 200;

export interface ResealReport {
  moved: number;
  /** Rows that could not be opened (their code logged); the move is tried again next start. */
  failed: number;
}

/**
 * Moves the service's own stored values to their reserved contexts (and internal keyring) at
 * start-up, in pages by row key. Idempotent: a value already moved is left as it is, and a
 * column whose every row has moved is recorded in `service_value_moves` and not read again.
 * Resumable: a start that stops midway leaves moved rows moved, and the next one goes on. Values
 * of a shredded subject stay as they are: nobody can open them any more.
 */
@Injectable()
export class OwnValueResealer {
  private readonly logger = new Logger(OwnValueResealer.name);

  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly moves: ServiceValueMovesRepository,
  ) {}

  async move(column: SealedColumn): Promise<ResealReport> {
    const report: ResealReport = { moved: 0, failed: 0 };
    if (await this.moves.isDone(column.name)) {
      return report;
    }
    let after: string | null = null;
    for (;;) {
      const rows = await column.page(after, PAGE);
      for (const row of rows) {
        await this.moveRow(column, row.key, row.ciphertext, report);
      }
      if (rows.length < PAGE) {
        break;
      }
      after = rows[rows.length - 1].key;
    }
    if (report.failed === 0) {
      await this.moves.markDone(column.name, report.moved);
    }
    if (report.moved > 0 || report.failed > 0) {
      this.logger.log(
        `Moved ${report.moved} values of ${column.name} to the service's reserved context${
          report.failed > 0 ? `; ${report.failed} could not be opened and stay as they were` : ''
        }`,
      );
    }
    return report;
  }

  private async moveRow(
    column: SealedColumn,
    key: string,
    ciphertext: string,
    report: ResealReport,
  ): Promise<void> {
    let sealed: string | null;
    try {
      sealed = column.isPlain?.(ciphertext)
        ? await this.cipher.encrypt(ciphertext, {
            context: column.contexts(key).context,
            keyAlias: column.keyAlias,
          })
        : await this.cipher.resealOwn(ciphertext, column.contexts(key), {
            keyAlias: column.keyAlias,
            subjectOf: column.subjectOf?.bind(column),
          });
    } catch (error) {
      if (error instanceof FieldCryptoError && error.code === FieldCryptoErrorCode.Shredded) {
        return;
      }
      report.failed += 1;
      const code = error instanceof FieldCryptoError ? error.code : (error as Error).name;
      this.logger.warn(`Value of ${column.name} row ${key} not moved (${code})`);
      return;
    }
    if (sealed !== null) {
      await column.replace(key, ciphertext, sealed);
      report.moved += 1;
    }
  }
}
