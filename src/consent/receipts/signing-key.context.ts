import { serviceContext } from 'src/crypto/personal-data.cipher';

/**
 * The signing key's private JWK (it signs receipts, erasure certificates and audit checkpoints)
 * is sealed under the internal keyring in the reserved context, bound to its key id; `legacy` is
 * the context keys were sealed under before, which the public crypto API could present.
 */
export const signingKeyContexts = (
  kid: string,
): { context: Record<string, string>; legacy: Record<string, string> } => ({
  context: serviceContext('consent_signing_keys.private_jwk', { kid }),
  legacy: { table: 'consent_signing_keys', column: 'private_jwk', kid },
});
