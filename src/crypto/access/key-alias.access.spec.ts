import type { Caller } from 'src/common/access/caller';
import { FieldCryptoError, FieldCryptoErrorCode } from '../crypto.error';
import { assertKeyAliasAllowed, isKeyAliasAllowed } from './key-alias.access';

const key = (keyAliases: string[] | null): Caller => ({
  kind: 'apiKey',
  id: 'k',
  scopes: ['crypto:encrypt'],
  keyAliases,
});

describe('key alias limits of API keys', () => {
  it.each<[string, Caller | undefined, string, boolean]>([
    ['an unrestricted key may use any alias', key(null), 'health', true],
    ['a limited key may use a listed alias', key(['billing', 'pii']), 'pii', true],
    ['a limited key may not use another alias', key(['billing']), 'health', false],
    ['names are compared exactly', key(['billing']), 'Billing', false],
    [
      'users are not limited by aliases',
      { kind: 'user', id: 'u', roles: ['admin'], sessionId: 's' },
      'health',
      true,
    ],
    ['the service itself is not limited', undefined, 'health', true],
  ])('%s', (_, caller, alias, expected) => {
    expect(isKeyAliasAllowed(caller, alias)).toBe(expected);
  });

  it('throws a 403 domain error for a refused alias, naming no alias in its detail', () => {
    let thrown: unknown;
    try {
      assertKeyAliasAllowed(key(['billing']), 'health');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FieldCryptoError);
    const error = thrown as FieldCryptoError;
    expect([error.code, error.status]).toEqual([FieldCryptoErrorCode.KeyAliasForbidden, 403]);
    expect(error.detail).not.toContain('health');
  });
});
