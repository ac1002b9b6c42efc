/** Injection token of the process-wide `EnvelopeCrypto` (libs/crypto) instance. */
export const ENVELOPE_CRYPTO = Symbol('ENVELOPE_CRYPTO');
