import type { AccessRule } from 'src/common/access/access.decorator';
import type { Caller, Scope } from 'src/common/access/caller';
import { isAllowed } from './access.guard';

const apiKey = (scopes: Scope[]): Caller => ({ kind: 'apiKey', id: 'k', scopes, keyAliases: null });
const restricted = (scopes: Scope[], allScopes?: boolean): AccessRule => ({
  kind: 'restricted',
  roles: [],
  scopes,
  allScopes,
});

describe('isAllowed for API keys', () => {
  it.each<[string, AccessRule, Scope[], boolean]>([
    [
      'one of the scopes suffices',
      restricted(['crypto:encrypt', 'crypto:decrypt']),
      ['crypto:decrypt'],
      true,
    ],
    ['no listed scope', restricted(['crypto:encrypt']), ['consent:read'], false],
    [
      'allScopes with every scope',
      restricted(['crypto:encrypt', 'crypto:decrypt'], true),
      ['crypto:decrypt', 'crypto:encrypt', 'dlp:scan'],
      true,
    ],
    [
      'allScopes missing one',
      restricted(['crypto:encrypt', 'crypto:decrypt'], true),
      ['crypto:encrypt'],
      false,
    ],
    ['allScopes with an empty list admits no key', restricted([], true), ['crypto:encrypt'], false],
  ])('%s', (_, rule, scopes, expected) => {
    expect(isAllowed(rule, apiKey(scopes))).toBe(expected);
  });

  it('never lets a user in through scopes, with or without allScopes', () => {
    const user: Caller = { kind: 'user', id: 'u', roles: ['auditor'], sessionId: 's' };
    expect(isAllowed(restricted(['crypto:encrypt', 'crypto:decrypt'], true), user)).toBe(false);
  });
});
