import { AuthError } from '../auth.error';
import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();
  const email = 'jane.doe@example.com';

  it.each([
    ['a long passphrase of unrelated words', 'correct horse battery staple'],
    ['a random string', 'pw-1b2c3d4e-aaaa-4bbb-8ccc-123456789012'],
    ['non-ASCII words', 'Grüße aus Köln, Ærøskøbing 2026'],
  ])('accepts %s', (_, password) => {
    expect(policy.check(password, email)).toBeUndefined();
  });

  it.each([
    ['11 characters', 'Kx9!mQ2#vLp'],
    ['12 bytes but 6 characters', '😀😀😀😀😀😀'],
  ])('refuses %s as too short', (_, password) => {
    expect(policy.check(password, email)).toBe('too-short');
  });

  it.each([
    ['the e-mail address', 'jane.doe@example.com'],
    ['the e-mail address in capitals', 'JANE.DOE@EXAMPLE.COM!!'],
    ["the address's name part", 'my-jane.doe-password-2026'],
  ])('refuses %s', (_, password) => {
    expect(policy.check(password, email)).toBe('contains-email');
  });

  it.each(['password1234', 'qwerty123456', '123456789012'])(
    'refuses %s from the common and breached list',
    (password) => {
      expect(policy.check(password, email)).toBe('common');
    },
  );

  it.each(['aaaaaaaaaaaa', 'abcdefghijklmnop', 'P@ssw0rd!2024', 'Password2026', 'january19851'])(
    'refuses %s as too weak',
    (password) => {
      expect(policy.check(password, email)).toBe('too-weak');
    },
  );

  it('names the rule and the field in a 422, never the password', () => {
    let error: unknown;
    try {
      policy.assert('aaaaaaaaaaaa', email, 'newPassword');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthError);
    const fields = (error as AuthError).toProblemFields();
    expect(fields).toMatchObject({ status: 422, code: 'password-too-weak' });
    expect(fields.errors).toEqual([{ field: 'newPassword', message: expect.any(String) }]);
    expect(JSON.stringify(fields)).not.toContain('aaaaaaaaaaaa');
  });
});
