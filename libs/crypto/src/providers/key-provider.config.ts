import type { KeyProviderKind } from './key-provider-kind.enum';

export interface LocalKeyProviderConfig {
  readonly kind: KeyProviderKind.Local;
  /** Names the root key version, e.g. "master-v1"; recorded with every key it wraps. */
  readonly keyName: string;
  /** 32 random bytes. */
  readonly rootKey: Buffer;
}

export interface RsaKeyProviderConfig {
  readonly kind: KeyProviderKind.Rsa;
  readonly keyName: string;
  /** PEM public key (SPKI or PKCS#1) or certificate. Optional when a private key or PKCS#12 is given. */
  readonly publicKeyPem?: string;
  /** PEM private key (PKCS#1 or PKCS#8, optionally encrypted with `passphrase`). */
  readonly privateKeyPem?: string;
  readonly passphrase?: string;
  /** DER PKCS#12 bundle holding the private key (and usually a certificate). */
  readonly pkcs12?: { readonly der: Buffer; readonly password: string };
}

export interface AwsKmsKeyProviderConfig {
  readonly kind: KeyProviderKind.AwsKms;
  /** Full key ARN (the SDK keyring takes the region from it). */
  readonly keyArn: string;
  /** Overrides the KMS endpoint (service env KMS_ENDPOINT), e.g. a loopback test server. */
  readonly endpoint?: string;
  /** Static credentials; when absent the AWS SDK default provider chain applies. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

export interface Pkcs11KeyProviderConfig {
  readonly kind: KeyProviderKind.Pkcs11;
  /** Defaults to Debian's SoftHSM2 module. */
  readonly libraryPath?: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly keyLabel: string;
  /** Create the AES-256 root key in the token when no key has `keyLabel`. */
  readonly createKeyIfMissing?: boolean;
}

export type KeyProviderConfig =
  LocalKeyProviderConfig | RsaKeyProviderConfig | AwsKmsKeyProviderConfig | Pkcs11KeyProviderConfig;
