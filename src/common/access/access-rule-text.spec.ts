import { describeAccess } from './access-rule-text';

describe('describeAccess', () => {
  it('names roles and scopes', () => {
    expect(
      describeAccess({ kind: 'restricted', roles: ['admin', 'dpo'], scopes: ['consent:read'] }),
    ).toBe(
      'Requires an admin user with one of the roles admin or dpo, or an API key with the scope consent:read.',
    );
  });

  it('says when an API key needs every scope listed', () => {
    expect(
      describeAccess({
        kind: 'restricted',
        roles: [],
        scopes: ['crypto:encrypt', 'crypto:decrypt'],
        allScopes: true,
      }),
    ).toBe('Requires an API key with every one of the scopes crypto:encrypt and crypto:decrypt.');
  });

  it('names a single role', () => {
    expect(describeAccess({ kind: 'restricted', roles: ['admin'], scopes: [] })).toBe(
      'Requires an admin user with the role admin.',
    );
  });
});
