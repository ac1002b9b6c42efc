import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A column of `admin_users` that holds a sealed TOTP secret. */
export type TotpSecretColumn = 'totp_secret' | 'totp_pending_secret';

export const TOTP_SECRET_COLUMNS: readonly TotpSecretColumn[] = [
  'totp_secret',
  'totp_pending_secret',
];

export interface SealedTotpSecret {
  userId: string;
  sealed: string;
}

/** The sealed TOTP secrets of admin users, read and replaced as whole values. */
@Injectable()
export class TotpSecretsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findSealed(column: TotpSecretColumn): Promise<SealedTotpSecret[]> {
    return this.dataSource.query<SealedTotpSecret[]>(
      `SELECT id::text AS "userId", ${column} AS sealed FROM admin_users WHERE ${column} IS NOT NULL`,
    );
  }

  /** Replaces the value only if the row still holds `was`: a secret changed meanwhile stays. */
  async replaceSealed(
    column: TotpSecretColumn,
    userId: string,
    was: string,
    sealed: string,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE admin_users SET ${column} = $3 WHERE id = $1 AND ${column} = $2`,
      [userId, was, sealed],
    );
  }
}
