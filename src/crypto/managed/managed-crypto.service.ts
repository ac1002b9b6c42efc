import { Inject, Injectable } from '@nestjs/common';
import {
  MAX_MANAGED_DATA_BYTES,
  ManagedTokenCodec,
  ManagedTokenKind,
  type EnvelopeCrypto,
  type PublicJwk,
  type SignatureAlgorithm,
} from '@libs/crypto';
import type { RequestContext } from 'src/common/access/request-context.decorator';
import { FieldCryptoError, FieldCryptoErrorCode } from '../crypto.error';
import type { DataEncoding } from '../dto/managed-crypto.dto';
import { ENVELOPE_CRYPTO } from '../envelope-crypto.token';
import { FieldCryptoService } from '../field-crypto.service';

// eslint-disable-next-line security/detect-unsafe-regex -- linear: fixed four-character groups, a failing tail backtracks one group at a time
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** HMAC, signatures and their public keys under managed keyring keys. */
@Injectable()
export class ManagedCryptoService {
  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    private readonly fields: FieldCryptoService,
  ) {}

  async hmac(
    ctx: RequestContext,
    alias: string,
    data: string,
    encoding?: DataEncoding,
  ): Promise<string> {
    await this.fields.checkAlias(ctx, 'crypto.hmac', alias);
    const bytes = ManagedCryptoService.bytes(data, encoding);
    return this.run(() => this.crypto.managed.hmac(alias, bytes));
  }

  /** Checked against the alias the HMAC names, whether or not the caller gave one. */
  async verifyHmac(
    ctx: RequestContext,
    alias: string | undefined,
    data: string,
    encoding: DataEncoding | undefined,
    hmac: string,
  ): Promise<boolean> {
    const named = await this.run(() => ManagedTokenCodec.parse(hmac, ManagedTokenKind.Hmac).alias);
    await this.fields.checkAlias(ctx, 'crypto.hmac.verify', named);
    const bytes = ManagedCryptoService.bytes(data, encoding);
    return this.run(() => this.crypto.managed.verifyHmac(hmac, bytes, alias));
  }

  async sign(
    ctx: RequestContext,
    alias: string,
    data: string,
    encoding: DataEncoding | undefined,
    algorithm?: SignatureAlgorithm,
  ): Promise<string> {
    await this.fields.checkAlias(ctx, 'crypto.sign', alias);
    const bytes = ManagedCryptoService.bytes(data, encoding);
    return this.run(() => this.crypto.managed.sign(alias, bytes, algorithm));
  }

  async verify(
    ctx: RequestContext,
    alias: string,
    data: string,
    encoding: DataEncoding | undefined,
    signature: string,
  ): Promise<boolean> {
    await this.fields.checkAlias(ctx, 'crypto.verify', alias);
    const bytes = ManagedCryptoService.bytes(data, encoding);
    return this.run(() => this.crypto.managed.verify(alias, bytes, signature));
  }

  /** 404 for an alias that is unknown or not a signing key, so the type of others stays private. */
  async publicKeys(alias: string): Promise<PublicJwk[]> {
    try {
      return await this.crypto.managed.publicKeys(alias);
    } catch (error) {
      const mapped = FieldCryptoError.from(error);
      if (
        mapped.code === FieldCryptoErrorCode.UnknownKey ||
        mapped.code === FieldCryptoErrorCode.WrongKeyType
      ) {
        throw new FieldCryptoError(
          FieldCryptoErrorCode.KeyAliasNotFound,
          'No signing key with this alias.',
        );
      }
      throw mapped;
    }
  }

  private async run<T>(operation: () => T | Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const mapped = FieldCryptoError.from(error);
      // An alias that does not exist is a missing resource here, not a bad ciphertext.
      throw mapped.code === FieldCryptoErrorCode.UnknownKey
        ? new FieldCryptoError(
            FieldCryptoErrorCode.KeyAliasNotFound,
            'No key with this alias and version.',
          )
        : mapped;
    }
  }

  private static bytes(data: string, encoding: DataEncoding = 'utf8'): Buffer {
    if (encoding === 'base64' && !BASE64.test(data)) {
      throw new FieldCryptoError(FieldCryptoErrorCode.InvalidArgument, 'data is not base64.', [
        { field: 'data', message: 'not base64 (standard alphabet, padded)' },
      ]);
    }
    const bytes = Buffer.from(data, encoding);
    if (bytes.length > MAX_MANAGED_DATA_BYTES) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.FieldTooLarge,
        `data is limited to ${MAX_MANAGED_DATA_BYTES} bytes.`,
      );
    }
    return bytes;
  }
}
