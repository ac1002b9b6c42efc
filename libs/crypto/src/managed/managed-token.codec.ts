import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

export enum ManagedTokenKind {
  Hmac = 'hmac',
  Signature = 'sig',
}

export interface ManagedToken {
  readonly kind: ManagedTokenKind;
  readonly alias: string;
  readonly version: number;
  readonly value: Buffer;
}

const FORMAT_VERSION = 'v1';
const TOKEN = /^(hmac|sig):v1:([A-Za-z0-9._-]{1,64}):([1-9][0-9]{0,8}):([A-Za-z0-9_-]{1,200})$/;

/**
 * `<kind>:v1:<alias>:<key version>:<base64url value>`: HMACs and signatures name the key version
 * that made them, so they verify after rotations; `<alias>:<version>` is also the `kid` of the
 * published public key.
 */
export const ManagedTokenCodec = {
  encode(kind: ManagedTokenKind, alias: string, version: number, value: Buffer): string {
    return `${kind}:${FORMAT_VERSION}:${alias}:${version}:${value.toString('base64url')}`;
  },

  parse(text: string, kind: ManagedTokenKind): ManagedToken {
    const match = typeof text === 'string' ? TOKEN.exec(text) : null;
    const value = match === null ? undefined : Buffer.from(match[4], 'base64url');
    // Only the canonical encoding: one value, one token (no variants in the unused bits).
    if (
      match === null ||
      match[1] !== (kind as string) ||
      value?.toString('base64url') !== match[4]
    ) {
      throw new CryptoError(
        CryptoErrorCode.Malformed,
        `not a ${kind === ManagedTokenKind.Hmac ? 'HMAC' : 'signature'} of this service`,
      );
    }
    return {
      kind,
      alias: match[2],
      version: Number(match[3]),
      value: value,
    };
  },
};
