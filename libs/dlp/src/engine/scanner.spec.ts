import { DlpError } from '../errors';
import { scanJson } from './json-scanner';
import { childPath } from './json-path';
import { scanText } from './scanner';

const spans = (text: string, entities?: Parameters<typeof scanText>[1]) =>
  scanText(text, entities).map((f) => [f.entity, text.slice(f.start, f.end)]);

describe('scanText', () => {
  it('finds several entities with their spans', () => {
    const text =
      'Mail ann@example.org, card 4111 1111 1111 1111, IBAN GB29 NWBK 6016 1331 9268 19 from 10.1.2.3';
    expect(spans(text)).toEqual([
      ['EMAIL_ADDRESS', 'ann@example.org'],
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['IBAN_CODE', 'GB29 NWBK 6016 1331 9268 19'],
      ['IP_ADDRESS', '10.1.2.3'],
    ]);
  });

  it('uses UTF-16 offsets around emoji and combining characters', () => {
    const text = '👩‍💻 José (e\u0301) 🎉 ann@example.org';
    const [f] = scanText(text, { entities: ['EMAIL_ADDRESS'] });
    expect(text.slice(f.start, f.end)).toBe('ann@example.org');
    expect(f.start).toBe(text.indexOf('ann@'));
  });

  it('raises a weak match when a context word precedes it', () => {
    expect(scanText('ref 078051121', { entities: ['US_SSN'] })).toEqual([]);
    const [f] = scanText('my ssn is 078051121', { entities: ['US_SSN'] });
    expect(f.score).toBeGreaterThanOrEqual(0.4);
  });

  it('resolves overlaps: the stronger finding wins, contained ones merge', () => {
    const found = scanText('addr ::ffff:192.0.2.1 here', { entities: ['IP_ADDRESS'] });
    expect(found).toHaveLength(1);
    expect(found[0].end - found[0].start).toBe('::ffff:192.0.2.1'.length);
  });

  it('detects secrets by format and by keyword', () => {
    expect(spans('key AKIAIOSFODNN7EXAMPLE and password=Xk9#mP2$vL8q')).toEqual([
      ['SECRET', 'AKIAIOSFODNN7EXAMPLE'],
      ['SECRET', 'Xk9#mP2$vL8q'],
    ]);
    for (const [text, secret] of [
      ['my password is Xk29!ab#Lq0pZ', 'Xk29!ab#Lq0pZ'],
      ['api_key="sk29Xab8Lq0pZr7tY"', 'sk29Xab8Lq0pZr7tY'],
      ['Token : 8fK2mZq9Lx0pW3rT', '8fK2mZq9Lx0pW3rT'],
      ['{"client_secret":"Zx8!kQ2m#pL9wR"}', 'Zx8!kQ2m#pL9wR'],
    ]) {
      expect(spans(text, { entities: ['SECRET'] })).toEqual([['SECRET', secret]]);
    }
    expect(spans('the passkey: is not here', { entities: ['SECRET'] })).toEqual([]);
  });

  it('finds a passport number only with context', () => {
    expect(spans('ref 912803456', { entities: ['US_PASSPORT'] })).toEqual([]);
    expect(spans('US passport 912803456', { entities: ['US_PASSPORT'] })).toEqual([
      ['US_PASSPORT', '912803456'],
    ]);
    expect(spans('passport no. A12345678', { entities: ['US_PASSPORT'] })).toEqual([
      ['US_PASSPORT', 'A12345678'],
    ]);
  });

  it('needs context for a date of birth', () => {
    expect(scanText('meeting on 1985-03-12', { entities: ['DATE_OF_BIRTH'] })).toEqual([]);
    expect(spans('born on 12 March 1985', { entities: ['DATE_OF_BIRTH'] })).toEqual([
      ['DATE_OF_BIRTH', '12 March 1985'],
    ]);
  });

  it('rejects oversized input and unknown entities without echoing values', () => {
    expect(() => scanText('x'.repeat(11), { maxLength: 10 })).toThrow(DlpError);
    expect(() => scanText('a', { entities: ['NOPE'] })).toThrow(/Unknown entity/);
  });
});

describe('scanJson', () => {
  it('reports JSONPath and offsets within the string', () => {
    const found = scanJson({
      user: { email: 'a@example.com' },
      items: [{ phone: 'call +44 20 7123 4567' }],
      'a b': 'x@example.com',
    });
    expect(found.map((f) => [f.path, f.entity, f.start])).toEqual([
      ['$.user.email', 'EMAIL_ADDRESS', 0],
      ['$.items[0].phone', 'PHONE_NUMBER', 5],
      ["$['a b']", 'EMAIL_ADDRESS', 0],
    ]);
  });

  it('treats the key as context for its value', () => {
    expect(scanJson({ ref: '078051121' }, { entities: ['US_SSN'] })).toEqual([]);
    expect(scanJson({ ssn: '078051121' }, { entities: ['US_SSN'] })).toHaveLength(1);
    expect(scanJson({ password: 'hunter2!' }).map((f) => f.entity)).toEqual(['SECRET']);
    expect(scanJson({ fullName: 'Zoë Wanamaker' }).map((f) => f.entity)).toEqual(['PERSON']);
  });

  it('quotes odd keys', () => {
    expect(childPath('$', "it's")).toBe("$['it\\'s']");
    expect(childPath('$.a', 3)).toBe('$.a[3]');
  });

  it('refuses very deep nesting', () => {
    let v: unknown = 'x';
    for (let i = 0; i < 100; i++) {
      v = [v];
    }
    expect(() => scanJson(v)).toThrow(DlpError);
  });
});
