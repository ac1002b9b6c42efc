import type { Caller } from 'src/common/access/caller';
import { FieldCryptoError, FieldCryptoErrorCode } from '../crypto.error';

/** Keyrings of the service's own values: no caller of the public API may name or use them. */
export const INTERNAL_ALIAS_PREFIX = 'internal.';

/** The keyring the service seals its own values under (request subjects, store connections). */
export const INTERNAL_ALIAS = `${INTERNAL_ALIAS_PREFIX}service`;

export const isInternalAlias = (alias: string): boolean => alias.startsWith(INTERNAL_ALIAS_PREFIX);

/**
 * True when `caller` may use keyring `alias`: users and unrestricted API keys may use any
 * keyring but the internal ones.
 */
export function isKeyAliasAllowed(caller: Caller | undefined, alias: string): boolean {
  return (
    !isInternalAlias(alias) &&
    (caller?.kind !== 'apiKey' || caller.keyAliases === null || caller.keyAliases.includes(alias))
  );
}

/**
 * The one check of an API key's keyring limit, for every crypto operation: call it with the
 * alias the operation uses (for ciphertexts, the alias they name) before touching any key.
 */
export function assertKeyAliasAllowed(caller: Caller | undefined, alias: string): void {
  if (!isKeyAliasAllowed(caller, alias)) {
    throw new FieldCryptoError(
      FieldCryptoErrorCode.KeyAliasForbidden,
      'This API key may not use this key alias.',
    );
  }
}
