import { Inject, Injectable } from '@nestjs/common';
import type { EnvelopeCrypto } from '@libs/crypto';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { FieldCryptoError, FieldCryptoErrorCode } from './crypto.error';
import type {
  DecryptRequestDto,
  DecryptResponseDto,
  EncryptRequestDto,
  EncryptResponseDto,
} from './dto/field-crypto.dto';
import { ENVELOPE_CRYPTO } from './envelope-crypto.token';

export const MAX_FIELDS_PER_CALL = 1000;
/** Normalisation of every blind index the service hands out, over HTTP and in-process alike. */
export const BLIND_INDEX_OPTIONS = { trim: true, lowercase: true } as const;

/** The batch endpoints: limits, one key resolution per batch, the failing field named on errors. */
@Injectable()
export class FieldCryptoService {
  private readonly maxFieldBytes: number;
  private readonly maxCiphertextChars: number;

  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.maxFieldBytes = config.crypto.maxFieldBytes;
    // base64url of plaintext plus the header (alias, version, subject key id, nonce, tag).
    this.maxCiphertextChars = Math.ceil(((this.maxFieldBytes + 128) * 4) / 3);
  }

  async encrypt(body: EncryptRequestDto): Promise<EncryptResponseDto> {
    const names = this.checkCount(body.fields);
    for (const name of names) {
      if (Buffer.byteLength(body.fields[name], 'utf8') > this.maxFieldBytes) {
        throw this.tooLarge(name);
      }
    }
    const wanted = body.blindIndex ?? [];
    const missing = wanted.filter((name) => !Object.hasOwn(body.fields, name));
    if (missing.length > 0) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.InvalidArgument,
        'blindIndex names fields that are not in the request.',
        missing.map((field) => ({ field, message: 'not one of fields' })),
      );
    }
    let fields: Record<string, string>;
    try {
      fields = await this.crypto.fields.encryptMany(body.fields, {
        keyAlias: body.keyAlias,
        subjectId: body.subjectId,
        context: body.context,
      });
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    if (body.blindIndex === undefined) {
      return { fields };
    }
    const blindIndexes: Record<string, string> = {};
    for (const name of wanted) {
      blindIndexes[name] = this.blindIndex(name, body.fields[name]);
    }
    return { fields, blindIndexes };
  }

  async decrypt(ctx: RequestContext, body: DecryptRequestDto): Promise<DecryptResponseDto> {
    const names = this.checkCount(body.fields);
    for (const name of names) {
      if (body.fields[name].length > this.maxCiphertextChars) {
        throw this.tooLarge(name);
      }
    }
    const options = { context: body.context };
    try {
      const fields = await this.crypto.fields.decryptMany(body.fields, options);
      await this.audit.record(ctx, {
        action: 'crypto.decrypt',
        details: { fieldCount: names.length },
      });
      return { fields };
    } catch (error) {
      const failure = await this.locateFailure(body.fields, options, error);
      await this.audit.record(ctx, {
        action: 'crypto.decrypt',
        outcome: 'failure',
        details: { fieldCount: names.length, reason: failure.code },
      });
      throw failure;
    }
  }

  blindIndex(field: string, value: string): string {
    if (Buffer.byteLength(value, 'utf8') > this.maxFieldBytes) {
      throw this.tooLarge('value');
    }
    try {
      return this.crypto.blindIndex.compute(field, value, BLIND_INDEX_OPTIONS);
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
  }

  private checkCount(fields: Record<string, string>): string[] {
    const names = Object.keys(fields);
    if (names.length > MAX_FIELDS_PER_CALL) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.TooManyFields,
        `At most ${MAX_FIELDS_PER_CALL} fields may be sent in one call.`,
      );
    }
    return names;
  }

  private tooLarge(field: string): FieldCryptoError {
    return new FieldCryptoError(
      FieldCryptoErrorCode.FieldTooLarge,
      `A field is larger than ${this.maxFieldBytes} bytes.`,
      [{ field, message: 'too large' }],
    );
  }

  /** Only on the failure path: decrypt field by field to name the first one that fails. */
  private async locateFailure(
    fields: Record<string, string>,
    options: { context?: Record<string, string> },
    error: unknown,
  ): Promise<FieldCryptoError> {
    for (const [name, ciphertext] of Object.entries(fields)) {
      try {
        await this.crypto.fields.decrypt(ciphertext, options);
      } catch (fieldError) {
        return FieldCryptoError.from(fieldError, name);
      }
    }
    return FieldCryptoError.from(error);
  }
}
