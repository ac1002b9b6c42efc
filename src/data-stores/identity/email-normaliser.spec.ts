import { emailSpellings, normaliseEmail } from './email-normaliser';

describe('normaliseEmail', () => {
  it.each([
    ['anna@gmail.com', 'anna@gmail.com'],
    ['  Anna@GMAIL.com\t', 'anna@gmail.com'],
    ['anna@gmäil.com', 'anna@xn--gmil-moa.com'],
    ['ANNA@GMÄIL.COM', 'anna@xn--gmil-moa.com'],
    ['anna@ｇｍａｉｌ.com', 'anna@gmail.com'],
    ['Zoë@example.com', 'zoë@example.com'],
    // A combining mark stays a combining mark: no Unicode normalisation of the local part.
    ['zoe\u0308@example.com', 'zoe\u0308@example.com'],
    ['"a@b"@example.com', '"a@b"@example.com'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([
    ['a lone high surrogate', 'anna\ud800@example.com'],
    ['a lone low surrogate', 'anna@exa\udc00mple.com'],
    ['no @', 'anna.example.com'],
    ['an empty local part', '@example.com'],
    ['an empty domain', 'anna@'],
    ['a domain IDNA refuses', 'anna@exa mple.com'],
  ])('refuses %s', (_, raw) => {
    expect(normaliseEmail(raw)).toBeUndefined();
  });
});

describe('emailSpellings', () => {
  it('adds the Unicode form of an internationalised domain', () => {
    expect(emailSpellings('anna@xn--gmil-moa.com')).toEqual([
      'anna@xn--gmil-moa.com',
      'anna@gmäil.com',
    ]);
  });

  it('has one spelling for an ASCII domain', () => {
    expect(emailSpellings('anna@gmail.com')).toEqual(['anna@gmail.com']);
  });
});
