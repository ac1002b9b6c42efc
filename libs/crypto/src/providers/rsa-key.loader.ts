import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import * as forge from 'node-forge';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

export interface LoadedRsaKey {
  readonly publicKey: KeyObject;
  readonly privateKey?: KeyObject;
}

const MIN_MODULUS_BITS = 2048;

/** Loads RSA keys from PEM (keys or certificates) and PKCS#12 bundles, through node-forge where Node cannot. */
export class RsaKeyLoader {
  static fromPem(input: {
    publicKeyPem?: string;
    privateKeyPem?: string;
    passphrase?: string;
  }): LoadedRsaKey {
    try {
      if (input.privateKeyPem !== undefined) {
        const privateKey = createPrivateKey({
          key: input.privateKeyPem,
          format: 'pem',
          passphrase: input.passphrase,
        });
        return RsaKeyLoader.checked({ publicKey: createPublicKey(privateKey), privateKey });
      }
      if (input.publicKeyPem !== undefined) {
        const pem = input.publicKeyPem.includes('CERTIFICATE')
          ? forge.pki.publicKeyToPem(forge.pki.certificateFromPem(input.publicKeyPem).publicKey)
          : input.publicKeyPem;
        return RsaKeyLoader.checked({ publicKey: createPublicKey(pem) });
      }
    } catch (cause) {
      if (cause instanceof CryptoError) {
        throw cause;
      }
      throw new CryptoError(CryptoErrorCode.InvalidConfig, 'RSA key could not be read from PEM', {
        cause,
      });
    }
    throw new CryptoError(
      CryptoErrorCode.InvalidConfig,
      'RSA provider needs a public or a private key',
    );
  }

  static fromPkcs12(der: Buffer, password: string): LoadedRsaKey {
    let privatePem: string;
    try {
      const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
      const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
      const bags = [
        ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
          forge.pki.oids.pkcs8ShroudedKeyBag
        ] ?? []),
        ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
      ];
      const key = bags.find((bag) => bag.key !== undefined)?.key;
      if (key === undefined) {
        throw new CryptoError(CryptoErrorCode.InvalidConfig, 'PKCS#12 bundle holds no private key');
      }
      privatePem = forge.pki.privateKeyToPem(key);
    } catch (cause) {
      if (cause instanceof CryptoError) {
        throw cause;
      }
      throw new CryptoError(CryptoErrorCode.InvalidConfig, 'PKCS#12 bundle could not be read', {
        cause,
      });
    }
    return RsaKeyLoader.fromPem({ privateKeyPem: privatePem });
  }

  private static checked(key: LoadedRsaKey): LoadedRsaKey {
    const details = key.publicKey.asymmetricKeyDetails;
    if (
      key.publicKey.asymmetricKeyType !== 'rsa' ||
      (details?.modulusLength ?? 0) < MIN_MODULUS_BITS
    ) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        `RSA keys must be RSA with >= ${MIN_MODULUS_BITS} bits`,
      );
    }
    return key;
  }
}
