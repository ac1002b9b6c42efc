import type { Caller } from 'src/common/access/caller';
import { FieldCryptoError, FieldCryptoErrorCode } from '../crypto.error';

/** True when `caller` may use keyring `alias`: users and unrestricted API keys may use any. */
export function isKeyAliasAllowed(caller: Caller | undefined, alias: string): boolean {
  return (
    caller?.kind !== 'apiKey' || caller.keyAliases === null || caller.keyAliases.includes(alias)
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
