import type { EncryptionContext } from '../field/encryption-context.codec';
import type { KeyProviderKind } from './key-provider-kind.enum';

export interface KeyProviderCapabilities {
  /** Can wrap (and generate) new data keys. */
  readonly canEncrypt: boolean;
  /** Can unwrap data keys it wrapped. */
  readonly canDecrypt: boolean;
}

export interface GeneratedDataKey {
  /** 32 bytes; the caller owns it and must zero it when done. */
  readonly plaintext: Buffer;
  readonly wrapped: Buffer;
}

/**
 * A root key that never leaves its backend. Data keys are wrapped bound to `context`, which must
 * be presented again to unwrap. One provider instance is one root key version; rotating the root
 * means configuring a provider with a new `rootKeyId`.
 */
export interface KeyProvider {
  readonly kind: KeyProviderKind;
  /** Stable identity of the root key version, stored beside every key it wraps. */
  readonly rootKeyId: string;
  readonly capabilities: KeyProviderCapabilities;
  generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey>;
  wrapDataKey(plaintext: Buffer, context: EncryptionContext): Promise<Buffer>;
  unwrapDataKey(wrapped: Buffer, context: EncryptionContext): Promise<Buffer>;
  /** Releases sessions or clients; the provider is unusable afterwards. */
  close(): Promise<void>;
}
