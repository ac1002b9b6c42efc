import { Inject, Injectable } from '@nestjs/common';
import type { EnvelopeCrypto } from '@libs/crypto';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { MetricsService } from 'src/health/metrics.service';
import { assertKeyAliasAllowed, isKeyAliasAllowed } from './access/key-alias.access';
import { FieldCryptoError, FieldCryptoErrorCode } from './crypto.error';
import type {
  DecryptRequestDto,
  DecryptResponseDto,
  EncryptRequestDto,
  EncryptResponseDto,
  RewrapRequestDto,
  RewrapResponseDto,
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
  private readonly defaultAlias: string;

  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    private readonly audit: AuditService,
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.maxFieldBytes = config.crypto.maxFieldBytes;
    this.defaultAlias = config.crypto.defaultAlias;
    // base64url of plaintext plus the header (alias, version, subject key id, nonce, tag).
    this.maxCiphertextChars = Math.ceil(((this.maxFieldBytes + 128) * 4) / 3);
  }

  async encrypt(ctx: RequestContext, body: EncryptRequestDto): Promise<EncryptResponseDto> {
    await this.checkAlias(ctx, 'crypto.encrypt', body.keyAlias ?? this.defaultAlias);
    if (body.blindIndex !== undefined) {
      await this.checkAlias(ctx, 'crypto.encrypt', this.defaultAlias);
    }
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
    // A subject that already has a key keeps its own keyring, whatever alias was asked for.
    const first = names.length > 0 ? fields[names[0]] : undefined;
    const alias =
      first !== undefined
        ? this.crypto.fields.describe(first).alias
        : (body.keyAlias ?? this.defaultAlias);
    if (first !== undefined) {
      await this.checkAlias(ctx, 'crypto.encrypt', alias);
    }
    this.count('encrypt', new Map([[alias, names.length]]));
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
    this.checkCiphertextSizes(body.fields, names);
    const aliases = await this.checkCiphertextAliases(ctx, 'crypto.decrypt', body.fields);
    const options = { context: body.context };
    try {
      const fields = await this.crypto.fields.decryptMany(body.fields, options);
      this.count('decrypt', aliases);
      await this.audit.record(ctx, {
        action: 'crypto.decrypt',
        details: { fieldCount: names.length },
      });
      return { fields };
    } catch (error) {
      const failure = await this.locateFailure(body.fields, error, (c) =>
        this.crypto.fields.decrypt(c, options),
      );
      await this.audit.record(ctx, {
        action: 'crypto.decrypt',
        outcome: 'failure',
        details: { fieldCount: names.length, reason: failure.code },
      });
      throw failure;
    }
  }

  /** Re-encryption under the active key versions; the plaintext stays inside the library call. */
  async rewrap(ctx: RequestContext, body: RewrapRequestDto): Promise<RewrapResponseDto> {
    const names = this.checkCount(body.fields);
    this.checkCiphertextSizes(body.fields, names);
    const aliases = await this.checkCiphertextAliases(ctx, 'crypto.rewrap', body.fields);
    const options = { context: body.context };
    try {
      const fields = await this.crypto.fields.rewrapMany(body.fields, options);
      this.count('rewrap', aliases);
      await this.audit.record(ctx, {
        action: 'crypto.rewrap',
        details: { fieldCount: names.length },
      });
      return { fields };
    } catch (error) {
      const failure = await this.locateFailure(body.fields, error, (c) =>
        this.crypto.fields.rewrapValues([c], options),
      );
      await this.audit.record(ctx, {
        action: 'crypto.rewrap',
        outcome: 'failure',
        details: { fieldCount: names.length, reason: failure.code },
      });
      throw failure;
    }
  }

  /** Blind indexes are keyed by a service-wide secret, so they count as the default alias. */
  async blindIndexFor(ctx: RequestContext, field: string, value: string): Promise<string> {
    await this.checkAlias(ctx, 'crypto.blind-index', this.defaultAlias);
    return this.blindIndex(field, value);
  }

  /**
   * 403 (audited as denied) when the caller's API key is limited to other aliases. Exported
   * for every crypto operation through `assertKeyAliasAllowed`.
   */
  async checkAlias(ctx: RequestContext, action: string, alias: string): Promise<void> {
    if (isKeyAliasAllowed(ctx.caller, alias)) {
      return;
    }
    await this.audit.record(ctx, {
      action,
      outcome: 'denied',
      target: { type: 'key', id: alias },
      details: { reason: FieldCryptoErrorCode.KeyAliasForbidden },
    });
    assertKeyAliasAllowed(ctx.caller, alias);
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

  private checkCiphertextSizes(fields: Record<string, string>, names: string[]): void {
    for (const name of names) {
      if (fields[name].length > this.maxCiphertextChars) {
        throw this.tooLarge(name);
      }
    }
  }

  /**
   * The alias each ciphertext names, checked before any key is used, with how many fields name
   * it. Unreadable ciphertexts are left to the decryption, which names the failing field.
   */
  private async checkCiphertextAliases(
    ctx: RequestContext,
    action: string,
    fields: Record<string, string>,
  ): Promise<Map<string, number>> {
    // Every caller: the internal keyrings are refused even to unrestricted keys and users.
    const aliases = this.crypto.fields.aliasCounts(Object.values(fields));
    for (const alias of aliases.keys()) {
      await this.checkAlias(ctx, action, alias);
    }
    return aliases;
  }

  /** One call per keyring it touched, and its fields; in memory, nothing awaited. */
  private count(operation: 'encrypt' | 'decrypt' | 'rewrap', aliases: Map<string, number>): void {
    for (const [keyAlias, fields] of aliases) {
      this.metrics.cryptoOperations.inc({ operation, key_alias: keyAlias });
      this.metrics.cryptoFields.inc({ operation, key_alias: keyAlias }, fields);
    }
  }

  private tooLarge(field: string): FieldCryptoError {
    return new FieldCryptoError(
      FieldCryptoErrorCode.FieldTooLarge,
      `A field is larger than ${this.maxFieldBytes} bytes.`,
      [{ field, message: 'too large' }],
    );
  }

  /** Only on the failure path: retry field by field to name the first one that fails. */
  private async locateFailure(
    fields: Record<string, string>,
    error: unknown,
    attempt: (ciphertext: string) => Promise<unknown>,
  ): Promise<FieldCryptoError> {
    for (const [name, ciphertext] of Object.entries(fields)) {
      try {
        await attempt(ciphertext);
      } catch (fieldError) {
        return FieldCryptoError.from(fieldError, name);
      }
    }
    return FieldCryptoError.from(error);
  }
}
