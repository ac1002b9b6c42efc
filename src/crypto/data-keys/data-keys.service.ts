import { Inject, Injectable } from '@nestjs/common';
import type { ClientDataKey, EnvelopeCrypto } from '@libs/crypto';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { FieldCryptoError } from '../crypto.error';
import type {
  GenerateDataKeyRequestDto,
  GeneratedDataKeyDto,
  UnwrapDataKeyRequestDto,
  UnwrappedDataKeyDto,
} from '../dto/data-keys.dto';
import { ENVELOPE_CRYPTO } from '../envelope-crypto.token';
import { FieldCryptoService } from '../field-crypto.service';

/**
 * Data keys for client-side encryption. The audit names the alias and a count, never a key;
 * the plaintext key exists as a buffer only until it is encoded into the response.
 */
@Injectable()
export class DataKeysService {
  private readonly defaultAlias: string;

  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    private readonly fields: FieldCryptoService,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.defaultAlias = config.crypto.defaultAlias;
  }

  async generate(
    ctx: RequestContext,
    body: GenerateDataKeyRequestDto,
  ): Promise<GeneratedDataKeyDto> {
    const alias = body.keyAlias ?? this.defaultAlias;
    await this.fields.checkAlias(ctx, 'crypto.data-key.generate', alias);
    let key: ClientDataKey;
    try {
      key = await this.crypto.dataKeys.generate({
        keyAlias: alias,
        context: body.context,
        bytes: body.bytes,
      });
    } catch (error) {
      throw FieldCryptoError.from(error, 'keyAlias');
    }
    await this.audit.record(ctx, {
      action: 'crypto.data-key.generate',
      target: { type: 'key', id: key.alias },
      details: { count: 1, bytes: key.plaintext.length, keyringVersion: key.keyringVersion },
    });
    return { plaintextKey: DataKeysService.release(key.plaintext), wrappedKey: key.wrapped };
  }

  async unwrap(ctx: RequestContext, body: UnwrapDataKeyRequestDto): Promise<UnwrappedDataKeyDto> {
    let alias: string | undefined;
    try {
      alias = this.crypto.dataKeys.describe(body.wrappedKey).alias;
    } catch (error) {
      throw FieldCryptoError.from(error, 'wrappedKey');
    }
    await this.fields.checkAlias(ctx, 'crypto.data-key.unwrap', alias);
    let key: ClientDataKey;
    try {
      key = await this.crypto.dataKeys.unwrap(body.wrappedKey, { context: body.context });
    } catch (error) {
      const failure = FieldCryptoError.from(error, 'wrappedKey');
      await this.audit.record(ctx, {
        action: 'crypto.data-key.unwrap',
        outcome: 'failure',
        target: { type: 'key', id: alias },
        details: { count: 1, reason: failure.code },
      });
      throw failure;
    }
    await this.audit.record(ctx, {
      action: 'crypto.data-key.unwrap',
      target: { type: 'key', id: key.alias },
      details: { count: 1, keyringVersion: key.keyringVersion },
    });
    return { plaintextKey: DataKeysService.release(key.plaintext) };
  }

  /** Base64 for the response; the buffer is zeroed so no copy outlives the request but the body. */
  private static release(plaintext: Buffer): string {
    const text = plaintext.toString('base64');
    plaintext.fill(0);
    return text;
  }
}
