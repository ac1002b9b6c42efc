/** Injection token of the process-wide `EnvelopeCrypto` (libs/crypto) instance. */
export const ENVELOPE_CRYPTO = Symbol('ENVELOPE_CRYPTO');

/** Injection token of the active root `KeyProvider` (its kind and root key id are reported). */
export const ROOT_KEY_PROVIDER = Symbol('ROOT_KEY_PROVIDER');
