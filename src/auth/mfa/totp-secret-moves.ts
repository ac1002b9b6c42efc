import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { ServiceValueMovesRepository } from 'src/crypto/reseal/service-value-moves.repository';
import { SECRET_LABEL } from './mfa.service';

const COLUMNS = ['totp_secret', 'totp_pending_secret'] as const;
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: ServiceKeys,
    private readonly moves: ServiceValueMovesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.moves.isDone(MOVE)) {
      return;
    }
    let moved = 0;
    let failed = 0;
    for (const column of COLUMNS) {
      const rows = await this.dataSource.query<Array<{ id: string; sealed: string }>>(
        `SELECT id::text AS id, ${column} AS sealed FROM admin_users WHERE ${column} IS NOT NULL`,
      );
      for (const { id, sealed } of rows) {
        const bound = this.bound(id, sealed);
        if (bound === undefined) {
          failed += 1;
        } else if (bound !== null) {
          // Only if the row still holds what was read: a secret changed meanwhile is left alone.
          await this.dataSource.query(
            `UPDATE admin_users SET ${column} = $3 WHERE id = $1 AND ${column} = $2`,
            [id, sealed, bound],
          );
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
