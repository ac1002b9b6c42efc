import { Injectable, Logger, type Provider } from '@nestjs/common';
import { ServiceValueMovesRepository } from 'src/crypto/reseal/service-value-moves.repository';
import { ConsentLedgerRepository } from './consent-ledger.repository';
import { ConsentSubjects, SUBJECT_REF_PREFIX } from './consent-subject';

const MOVE = 'consent.subject_ref';
/** Subjects re-indexed per statement. */
const CHUNK = 5000;

/**
 * Moves the ledger's subject indexes from the one the public API can compute to the reserved one
 * (which starts with `SUBJECT_REF_PREFIX`, so a moved index is never moved again), in chunks of
 * subjects, each subject's rows in the ledger, the current states and the signals in one
 * transaction under an advisory lock. A start that stops midway keeps the chunks done and the
 * next start goes on; the end is recorded in `service_value_moves`, so later starts skip it.
 */
@Injectable()
export class ConsentSubjectIndexMove {
  private readonly logger = new Logger(ConsentSubjectIndexMove.name);

  constructor(
    private readonly ledger: ConsentLedgerRepository,
    private readonly moves: ServiceValueMovesRepository,
    private readonly subjects: ConsentSubjects,
  ) {}

  async run(): Promise<number> {
    if (await this.moves.isDone(MOVE)) {
      return 0;
    }
    let moved = 0;
    for (;;) {
      const done = await this.ledger.transaction(async (m) => {
        await this.moves.lock(m, MOVE);
        const from = await this.ledger.findSubjectRefsWithout(m, SUBJECT_REF_PREFIX, CHUNK);
        if (from.length === 0) {
          await this.moves.markDone(MOVE, moved, m);
          return true;
        }
        await this.ledger.replaceSubjectRefs(
          m,
          from,
          from.map((ref) => this.subjects.refOfLegacy(ref)),
        );
        moved += from.length;
        return false;
      });
      if (done) {
        break;
      }
    }
    if (moved > 0) {
      this.logger.log(`Re-indexed ${moved} consent subjects under the service's reserved index`);
    }
    return moved;
  }
}

/**
 * Runs the move while the application is being built: Nest resolves every async provider before
 * any module starts (queue workers included), so no consent look-up can precede the move.
 */
export const CONSENT_SUBJECT_INDEX_MOVED: Provider = {
  provide: 'CONSENT_SUBJECT_INDEX_MOVED',
  inject: [ConsentSubjectIndexMove],
  useFactory: (move: ConsentSubjectIndexMove): Promise<number> => move.run(),
};
