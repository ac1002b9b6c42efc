import { sign as signBytes, timingSafeEqual, verify as verifyBytes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { KeyringKeyType } from '../keys/keyring-key-type.enum';
import { KeyringManager } from '../keys/keyring.manager';
import { HmacSha256 } from '../primitives/hmac-sha256';
import { KeyMaterial } from './key-material';
import { ManagedTokenCodec, ManagedTokenKind } from './managed-token.codec';

export enum SignatureAlgorithm {
  ES256 = 'ES256',
  EdDSA = 'EdDSA',
}

const ALGORITHM_OF: Partial<Record<KeyringKeyType, SignatureAlgorithm>> = {
  [KeyringKeyType.EcdsaP256]: SignatureAlgorithm.ES256,
  [KeyringKeyType.Ed25519]: SignatureAlgorithm.EdDSA,
};

/** Largest `data` accepted by HMAC, sign and verify (bytes). */
export const MAX_MANAGED_DATA_BYTES = 64 * 1024;

/** A published verification key (JWK) with its `kid` `<alias>:<version>`. */
export interface PublicJwk {
  readonly kid: string;
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y?: string;
  readonly alg: SignatureAlgorithm;
  readonly use: 'sig';
}

/**
 * Keyed hashing and signatures under keyring keys of the matching type. Secrets come from the
 * keyring cache (so disabled versions and the minimum decryption version apply exactly as for
 * field ciphertexts); results name the key version, so they verify after rotations.
 */
export class ManagedKeys {
  /** Types never change for an alias and public keys never change for a version: safe to keep. */
  private readonly types = new Map<string, KeyringKeyType>();

  constructor(private readonly keyring: KeyringManager) {}

  async hmac(alias: string, data: Buffer): Promise<string> {
    ManagedKeys.assertData(data);
    await this.requireType(alias, [KeyringKeyType.HmacSha256]);
    const version = await this.keyring.activeVersion(alias);
    const mac = await this.withSecret(alias, version, KeyringKeyType.HmacSha256, (key) =>
      HmacSha256.compute(key, data),
    );
    return ManagedTokenCodec.encode(ManagedTokenKind.Hmac, alias, version, mac);
  }

  /** True when `token` is the HMAC of `data`; a token of another alias than `alias` is refused. */
  async verifyHmac(token: string, data: Buffer, alias?: string): Promise<boolean> {
    ManagedKeys.assertData(data);
    const parsed = ManagedTokenCodec.parse(token, ManagedTokenKind.Hmac);
    ManagedKeys.assertSameAlias(parsed.alias, alias);
    const expected = await this.withSecret(
      parsed.alias,
      parsed.version,
      KeyringKeyType.HmacSha256,
      (key) => HmacSha256.compute(key, data),
    );
    return expected.length === parsed.value.length && timingSafeEqual(expected, parsed.value);
  }

  async sign(alias: string, data: Buffer, algorithm?: SignatureAlgorithm): Promise<string> {
    ManagedKeys.assertData(data);
    const type = await this.requireType(alias, [KeyringKeyType.EcdsaP256, KeyringKeyType.Ed25519]);
    if (algorithm !== undefined && ALGORITHM_OF[type] !== algorithm) {
      throw new CryptoError(
        CryptoErrorCode.WrongKeyType,
        `key ${alias} has type ${type}, it cannot sign ${algorithm}`,
      );
    }
    const version = await this.keyring.activeVersion(alias);
    const record = await this.keyring.usableRecord(alias, version, type);
    const publicKey = ManagedKeys.publicKeyOf(record.publicKey);
    const signature = await this.withSecret(alias, version, type, (secret) =>
      signBytes(
        type === KeyringKeyType.EcdsaP256 ? 'sha256' : null,
        data,
        // JOSE's fixed-length r||s form, so JWS libraries verify it as ES256.
        { key: KeyMaterial.privateKeyObject(secret, publicKey), dsaEncoding: 'ieee-p1363' },
      ),
    );
    return ManagedTokenCodec.encode(ManagedTokenKind.Signature, alias, version, signature);
  }

  /** Verifies with the public key of the version the signature names (refused when disabled). */
  async verify(alias: string, data: Buffer, token: string): Promise<boolean> {
    ManagedKeys.assertData(data);
    const type = await this.requireType(alias, [KeyringKeyType.EcdsaP256, KeyringKeyType.Ed25519]);
    const parsed = ManagedTokenCodec.parse(token, ManagedTokenKind.Signature);
    ManagedKeys.assertSameAlias(parsed.alias, alias);
    const record = await this.keyring.usableRecord(alias, parsed.version, type);
    return verifyBytes(
      type === KeyringKeyType.EcdsaP256 ? 'sha256' : null,
      data,
      {
        key: KeyMaterial.publicKeyObject(ManagedKeys.publicKeyOf(record.publicKey)),
        dsaEncoding: 'ieee-p1363',
      },
      parsed.value,
    );
  }

  /** Public keys of every usable version (not disabled, not below the minimum), oldest first. */
  async publicKeys(alias: string): Promise<PublicJwk[]> {
    const type = await this.requireType(alias, [KeyringKeyType.EcdsaP256, KeyringKeyType.Ed25519]);
    const settings = await this.keyring.settings(alias);
    const out: PublicJwk[] = [];
    for (const record of await this.keyring.versions(alias)) {
      if ((record.disabledAt ?? null) !== null || record.version < settings.minDecryptionVersion) {
        continue;
      }
      const jwk = KeyMaterial.publicJwk(ManagedKeys.publicKeyOf(record.publicKey));
      out.push({
        kid: `${alias}:${record.version}`,
        kty: jwk.kty as string,
        crv: jwk.crv as string,
        x: jwk.x as string,
        ...(jwk.y === undefined ? {} : { y: jwk.y }),
        alg: ALGORITHM_OF[type] as SignatureAlgorithm,
        use: 'sig',
      });
    }
    return out;
  }

  private async requireType(
    alias: string,
    accepted: readonly KeyringKeyType[],
  ): Promise<KeyringKeyType> {
    KeyringManager.assertAlias(alias);
    let type = this.types.get(alias);
    if (type === undefined) {
      type = KeyringManager.typeOf(await this.keyring.activeRecord(alias));
      this.types.set(alias, type);
    }
    if (!accepted.includes(type)) {
      throw new CryptoError(
        CryptoErrorCode.WrongKeyType,
        `key ${alias} has type ${type}, this operation needs ${accepted.join(' or ')}`,
      );
    }
    return type;
  }

  /** Runs `use` on the cached secret synchronously (the cache may zero it after an await). */
  private async withSecret<T>(
    alias: string,
    version: number,
    type: KeyringKeyType,
    use: (secret: Buffer) => T,
  ): Promise<T> {
    let secret = this.keyring.take(alias, version, 1, type);
    // eslint-disable-next-line security/detect-possible-timing-attacks -- a test for a key that is not cached, not a comparison of secret values
    if (secret === undefined) {
      await this.keyring.load(alias, version, type);
      secret = this.keyring.take(alias, version, 1, type);
    }
    // eslint-disable-next-line security/detect-possible-timing-attacks -- a test for a key that is not cached, not a comparison of secret values
    if (secret === undefined) {
      throw new CryptoError(
        CryptoErrorCode.UnknownKey,
        `keyring key ${alias} v${version} unavailable`,
      );
    }
    return use(secret);
  }

  private static publicKeyOf(publicKey: Buffer | undefined): Buffer {
    if (publicKey === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, 'signing key without a public key');
    }
    return publicKey;
  }

  private static assertSameAlias(named: string, expected: string | undefined): void {
    if (expected !== undefined && named !== expected) {
      throw new CryptoError(
        CryptoErrorCode.Malformed,
        `the value was made under key ${named}, not ${expected}`,
      );
    }
  }

  private static assertData(data: Buffer): void {
    if (data.length > MAX_MANAGED_DATA_BYTES) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `data is limited to ${MAX_MANAGED_DATA_BYTES} bytes`,
      );
    }
  }
}
