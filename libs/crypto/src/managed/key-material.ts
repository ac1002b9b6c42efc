import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { KeyringKeyType } from '../keys/keyring-key-type.enum';

export interface GeneratedKeyMaterial {
  /** 32 bytes, wrapped by the root key provider like any data key; the caller zeroes it. */
  readonly secret: Buffer;
  /** SubjectPublicKeyInfo DER for the signing types. */
  readonly publicKey?: Buffer;
}

/**
 * Key material of every keyring type reduced to one 32-byte secret, so every root key provider
 * (which wraps 32-byte data keys) can protect signing keys too: the P-256 private scalar or the
 * Ed25519 seed. The public half is stored beside it in the clear.
 */
export const KeyMaterial = {
  generate(type: KeyringKeyType): GeneratedKeyMaterial {
    switch (type) {
      case KeyringKeyType.Aes256Gcm:
      case KeyringKeyType.HmacSha256:
        return { secret: randomBytes(32) };
      case KeyringKeyType.EcdsaP256:
      case KeyringKeyType.Ed25519: {
        const pair =
          type === KeyringKeyType.EcdsaP256
            ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
            : generateKeyPairSync('ed25519');
        const d = pair.privateKey.export({ format: 'jwk' }).d as string;
        return {
          secret: Buffer.from(d, 'base64url'),
          publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }),
        };
      }
    }
  },

  publicKeyObject(publicKey: Buffer): KeyObject {
    return createPublicKey({ key: publicKey, format: 'der', type: 'spki' });
  },

  publicJwk(publicKey: Buffer): JsonWebKey {
    return KeyMaterial.publicKeyObject(publicKey).export({ format: 'jwk' });
  },

  /** The private key rebuilt from its secret and public half (the JWK form needs both). */
  privateKeyObject(secret: Buffer, publicKey: Buffer): KeyObject {
    return createPrivateKey({
      key: { ...KeyMaterial.publicJwk(publicKey), d: secret.toString('base64url') },
      format: 'jwk',
    });
  },
};
