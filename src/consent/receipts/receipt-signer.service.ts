import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  type KeyLike,
  SignJWT,
} from 'jose';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { type SealedColumn, sealedColumnAt } from 'src/crypto/reseal/sealed-column';
import { signingKeyContexts } from './signing-key.context';
import { JwkDto, ReceiptClaimsDto, SigningKeyDto } from '../dto/receipt.dto';

export const RECEIPT_TYP = 'consent-receipt+jwt';
const ALG = 'ES256';
/** Another instance's rotation is picked up within this time; older keys stay valid meanwhile. */
const ACTIVE_KEY_TTL_MS = 60_000;

export interface ActiveKey {
  kid: string;
  key: KeyLike | Uint8Array;
  loadedAt: number;
}

/** Signs consent receipts (compact JWS, ES256) with a key kept encrypted in PostgreSQL. */
@Injectable()
export class ReceiptSigner {
  private active?: Promise<ActiveKey>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  get issuer(): string {
    return this.config.publicBaseUrl;
  }

  /**
   * The key to sign with. Fetch it before opening a transaction: loading it needs a connection
   * of its own, which a pool full of waiting transactions could never hand out.
   */
  async signingKey(): Promise<ActiveKey> {
    return this.activeKey();
  }

  async sign(
    { kid, key }: ActiveKey,
    claims: Omit<ReceiptClaimsDto, 'iss' | 'iat'>,
    at: Date,
  ): Promise<string> {
    const { sub, jti, ...rest } = claims;
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: ALG, kid, typ: RECEIPT_TYP })
      .setIssuer(this.issuer)
      .setSubject(sub)
      .setJti(jti)
      .setIssuedAt(Math.floor(at.getTime() / 1000))
      .sign(key);
  }

  /**
   * Another signed statement of the service (an erasure certificate) under the same published
   * keys, told apart from receipts by its `typ`.
   */
  async signStatement(
    typ: string,
    claims: JWTPayload & { sub: string; jti: string },
    at: Date,
  ): Promise<string> {
    const { kid, key } = await this.activeKey();
    const { sub, jti, ...rest } = claims;
    return new SignJWT(rest)
      .setProtectedHeader({ alg: ALG, kid, typ })
      .setIssuer(this.issuer)
      .setSubject(sub)
      .setJti(jti)
      .setIssuedAt(Math.floor(at.getTime() / 1000))
      .sign(key);
  }

  /** Every key ever used, so receipts signed before a rotation still verify. */
  async publicKeys(): Promise<JwkDto[]> {
    const rows = await this.dataSource.query<Array<{ public_jwk: JwkDto }>>(
      `SELECT public_jwk FROM consent_signing_keys ORDER BY created_at DESC`,
    );
    return rows.map((r) => r.public_jwk);
  }

  async rotate(ctx: RequestContext): Promise<SigningKeyDto> {
    const created = await this.dataSource.transaction(async (m) => {
      const [, retired] = await m.query<[unknown, number]>(
        `UPDATE consent_signing_keys SET status = 'retired', retired_at = now()
          WHERE status = 'active'`,
      );
      const key = await this.insertKey(m.query.bind(m));
      await this.audit.record(
        ctx,
        {
          action: 'consent.signing_key.rotate',
          target: { type: 'signing_key', id: key.kid },
          details: { retired },
        },
        m,
      );
      return key;
    });
    this.active = undefined;
    return created;
  }

  private async activeKey(): Promise<ActiveKey> {
    if (!this.active) {
      const loading = this.load();
      this.active = loading;
      loading.catch(() => {
        if (this.active === loading) {
          this.active = undefined;
        }
      });
    }
    const key = await this.active;
    if (Date.now() - key.loadedAt >= ACTIVE_KEY_TTL_MS) {
      this.active = undefined;
      return this.activeKey();
    }
    return key;
  }

  private async load(): Promise<ActiveKey> {
    let row = await this.findActive();
    if (!row) {
      await this.insertKey((sql, params) => this.dataSource.query(sql, params), true);
      row = await this.findActive();
    }
    if (!row) {
      throw new Error('No active receipt signing key');
    }
    const { context, legacy } = signingKeyContexts(row.kid);
    const jwk = JSON.parse(
      await this.cipher.decryptOwn(row.private_jwk_enc, context, legacy),
    ) as JWK;
    return { kid: row.kid, key: await importJWK(jwk, ALG), loadedAt: Date.now() };
  }

  private async findActive(): Promise<{ kid: string; private_jwk_enc: string } | undefined> {
    const rows = await this.dataSource.query<Array<{ kid: string; private_jwk_enc: string }>>(
      `SELECT kid, private_jwk_enc FROM consent_signing_keys WHERE status = 'active'`,
    );
    return rows[0];
  }

  /** With `ifNone`, loses quietly to another instance creating the first key at the same time. */
  private async insertKey(
    query: (sql: string, params: unknown[]) => Promise<unknown>,
    ifNone = false,
  ): Promise<SigningKeyDto> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
    const now = new Date();
    const kid = `ck_${now.toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(4).toString('hex')}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    const sealed = await this.cipher.encrypt(JSON.stringify(await exportJWK(privateKey)), {
      context: signingKeyContexts(kid).context,
      keyAlias: INTERNAL_ALIAS,
    });
    await query(
      `INSERT INTO consent_signing_keys (kid, public_jwk, private_jwk_enc, status, created_at)
       VALUES ($1, $2, $3, 'active', $4)
       ${ifNone ? "ON CONFLICT (status) WHERE status = 'active' DO NOTHING" : ''}`,
      [kid, JSON.stringify(publicJwk), sealed, now],
    );
    return { kid, createdAt: now.toISOString() };
  }

  /** The private keys as a column `OwnValueResealer` moves to the internal keyring at start-up. */
  readonly privateKeys: SealedColumn = {
    ...sealedColumnAt(
      { table: 'consent_signing_keys', column: 'private_jwk_enc', key: 'kid', keyType: 'text' },
      (sql, params) => this.dataSource.query(sql, params),
    ),
    keyAlias: INTERNAL_ALIAS,
    contexts: signingKeyContexts,
  };
}
