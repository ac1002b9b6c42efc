import { CryptoErrorCode } from '../../errors/crypto-error-code.enum';
import { CryptoError } from '../../errors/crypto-error';
import { AesGcm } from '../../primitives/aes-gcm';
import type { NoncePool } from '../../primitives/nonce.pool';
import { FieldCiphertextCodec } from '../field-ciphertext.codec';

/** Fields sealed under one key: the header names it, the AAD is the header and the context. */
export interface SealBatch {
  readonly key: Uint8Array;
  readonly header: Uint8Array;
  readonly aad: Uint8Array;
  readonly values: readonly string[];
}

/** A key for the fields whose header is `header`, with their AAD (header and context). */
export interface OpenKey {
  readonly header: Uint8Array;
  readonly key: Uint8Array;
  readonly aad: Uint8Array;
}

/** Ciphertexts to open, and the keys their headers name. */
export interface OpenBatch {
  readonly keys: readonly OpenKey[];
  readonly texts: readonly string[];
}

/** Seals every value under the batch's key with a fresh nonce each, base64url. */
export function sealBatch(batch: SealBatch, nonces: NoncePool): string[] {
  const { key, header, aad, values } = batch;
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const plaintext = Buffer.from(values[i], 'utf8');
    out[i] = AesGcm.encryptFramed(key, nonces.next(), plaintext, aad, header, true).toString(
      'base64url',
    );
    plaintext.fill(0);
  }
  return out;
}

/** Opens every text with the key its header names; the first failure throws a CryptoError. */
export function openBatch(batch: OpenBatch): string[] {
  const byHeader = new Map<string, OpenKey>();
  for (const key of batch.keys) {
    byHeader.set(Buffer.from(key.header).toString('latin1'), key);
  }
  const { texts } = batch;
  const out = new Array<string>(texts.length);
  // Neighbouring fields usually share a header: the last one's key is tried first.
  let current: OpenKey | undefined;
  for (let i = 0; i < texts.length; i += 1) {
    const parsed = FieldCiphertextCodec.parse(FieldCiphertextCodec.decodeText(texts[i]));
    if (current === undefined || !parsed.header.equals(current.header)) {
      current = byHeader.get(parsed.header.toString('latin1'));
      if (current === undefined) {
        throw new CryptoError(CryptoErrorCode.UnknownKey, 'key unavailable');
      }
    }
    const plaintext = AesGcm.decrypt(current.key, parsed.nonce, parsed.sealed, current.aad);
    out[i] = plaintext.toString('utf8');
    plaintext.fill(0);
  }
  return out;
}
