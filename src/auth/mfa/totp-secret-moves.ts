import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { ServiceValueMovesRepository } from 'src/crypto/reseal/service-value-moves.repository';
import { SECRET_LABEL } from './mfa.service';
import { TOTP_SECRET_COLUMNS, TotpSecretsRepository } from './totp-secrets.repository';

const MOVE = 'admin_users.totp_secret';

/**
 * Before the service answers, TOTP secrets (confirmed and pending) sealed before secrets named
 * their user are sealed anew for their user, so that a secret opens in its own user's row only.
 * Once every secret is bound the move is recorded in `service_value_moves` and not run again, so
 * a value of the former kind put in a row later is refused rather than bound to that row's user.
 */
@Injectable()
export class TotpSecretMoves implements OnApplicationBootstrap {
  private readonly logger = new Logger(TotpSecretMoves.name);

  constructor(
    private readonly secrets: TotpSecretsRepository,
    private readonly keys: ServiceKeys,
    private readonly moves: ServiceValueMovesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.moves.isDone(MOVE)) {
      return;
    }
    let moved = 0;
    let failed = 0;
    for (const column of TOTP_SECRET_COLUMNS) {
      for (const { userId, sealed } of await this.secrets.findSealed(column)) {
        const bound = this.bound(userId, sealed);
        if (bound === undefined) {
          failed += 1;
        } else if (bound !== null) {
          await this.secrets.replaceSealed(column, userId, sealed, bound);
          moved += 1;
        }
      }
    }
    if (failed === 0) {
      await this.moves.markDone(MOVE, moved);
    }
    if (moved > 0) {
      this.logger.log(`Sealed ${moved} TOTP secrets for their users`);
    }
  }

  /** The secret sealed for its user; null when it already is, undefined when it does not open. */
  private bound(userId: string, sealed: string): string | null | undefined {
    try {
      this.keys.open(SECRET_LABEL, sealed, userId);
      return null;
    } catch {
      // Not sealed for this user: read it as sealed before secrets named their user.
    }
    try {
      return this.keys.seal(SECRET_LABEL, this.keys.open(SECRET_LABEL, sealed), userId);
    } catch {
      this.logger.warn(`TOTP secret of user ${userId} cannot be opened; left as it is`);
      return undefined;
    }
  }
}
