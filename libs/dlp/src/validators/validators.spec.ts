import { base58CheckValid, bitcoinBase58AddressValid } from './base58check.validator';
import { bech32Decode, bitcoinSegwitAddressValid } from './bech32.validator';
import { hasPublicSuffix } from './domain.validator';
import { looksLikeSecret, shannonEntropy } from './entropy.validator';
import { ibanLength, ibanValid } from './iban.validator';
import { luhnValid } from './luhn.validator';
import { nhsValid } from './nhs.validator';
import { ssnValid } from './ssn.validator';

describe('validators', () => {
  it('luhn accepts valid card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4012-8888-8888-1881')).toBe(true);
    expect(luhnValid('4012-8888-8888-1882')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('0')).toBe(true);
  });

  it('nhs checks mod 11 and never accepts check value 10', () => {
    expect(nhsValid('401 023 2137')).toBe(true);
    expect(nhsValid('0032698674')).toBe(true);
    expect(nhsValid('401-023-2138')).toBe(false);
    expect(nhsValid('123456789')).toBe(false);
    expect(nhsValid('0000000010')).toBe(false);
  });

  it('ssn follows the SSA rules', () => {
    expect(ssnValid('078-05-1123')).toBe(true);
    expect(ssnValid('078-05-1120')).toBe(false);
    expect(ssnValid('000-12-3456')).toBe(false);
    expect(ssnValid('666-12-3456')).toBe(false);
    expect(ssnValid('912-12-3456')).toBe(false);
    expect(ssnValid('123-00-4567')).toBe(false);
    expect(ssnValid('123-45-0000')).toBe(false);
    expect(ssnValid('111111111')).toBe(false);
    expect(ssnValid('693-09.4444')).toBe(false);
    expect(ssnValid('12345678')).toBe(false);
  });

  it('base58check validates Bitcoin legacy and script addresses', () => {
    expect(bitcoinBase58AddressValid('16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ')).toBe(true);
    expect(bitcoinBase58AddressValid('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toBe(true);
    expect(bitcoinBase58AddressValid('16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyY')).toBe(false);
    expect(base58CheckValid('0OIl')).toBe(false);
    expect(base58CheckValid('')).toBe(false);
  });

  it('bech32 and bech32m validate segwit v0 and taproot addresses', () => {
    expect(bitcoinSegwitAddressValid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBe(true);
    expect(
      bitcoinSegwitAddressValid('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297'),
    ).toBe(true);
    expect(bitcoinSegwitAddressValid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr')).toBe(false);
    expect(bitcoinSegwitAddressValid('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')).toBe(false);
    expect(bech32Decode('BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ')?.variant).toBe('bech32');
    expect(bech32Decode('bC1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBeUndefined();
  });

  it('bech32 decoding follows the BIP-173 and BIP-350 test vectors', () => {
    const valid: [string, string][] = [
      ['A12UEL5L', 'bech32'],
      ['a12uel5l', 'bech32'],
      [
        'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
        'bech32',
      ],
      ['abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw', 'bech32'],
      ['split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w', 'bech32'],
      ['?1ezyfcl', 'bech32'],
      ['A1LQFN3A', 'bech32m'],
      ['a1lqfn3a', 'bech32m'],
      ['abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx', 'bech32m'],
      ['split1checkupstagehandshakeupstreamerranterredcaperredlc445v', 'bech32m'],
      ['?1v759aa', 'bech32m'],
    ];
    for (const [s, variant] of valid) {
      expect([s, bech32Decode(s)?.variant]).toEqual([s, variant]);
    }
    for (const s of [
      'pzry9x0s0muk',
      '1pzry9x0s0muk',
      'x1b4n0q5v',
      'li1dgmt3',
      'A1G7SGD8',
      '10a06t8',
    ]) {
      expect([s, bech32Decode(s)]).toEqual([s, undefined]);
    }
    expect(bech32Decode('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw')?.data).toEqual(
      [...'qpzry9x8gf2tvdw0s3jn54khce6mua7l'].map((_, i) => i),
    );
  });

  it('iban uses the country length and mod 97', () => {
    expect(ibanLength('DE')).toBe(22);
    expect(ibanLength('US')).toBeUndefined();
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(ibanValid('XX89370400440532013000')).toBe(false);
  });

  it('public suffix check needs a registrable label', () => {
    expect(hasPublicSuffix('example.co.uk')).toBe(true);
    expect(hasPublicSuffix('xn--d1acufc.xn--p1ai')).toBe(true);
    expect(hasPublicSuffix('co.uk')).toBe(false);
    expect(hasPublicSuffix('www.microsoft')).toBe(false);
    expect(hasPublicSuffix('foo.local')).toBe(false);
  });

  it('entropy separates random values from words', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(looksLikeSecret('Xk9#mP2$vL8q')).toBe(true);
    expect(looksLikeSecret('password')).toBe(false);
    expect(looksLikeSecret('short1')).toBe(false);
  });
});
