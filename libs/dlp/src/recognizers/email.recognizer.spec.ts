import { scanText } from '../engine/scanner';
import { isReservedExampleDomain } from '../validators/domain.validator';

const emails = (text: string): string[] =>
  scanText(text, { entities: ['EMAIL_ADDRESS'] }).map((f) => text.slice(f.start, f.end));

describe('email recognizer', () => {
  it.each([
    'user1@shop.test',
    'Jane.Doe+orders@staging.shop.TEST',
    'ops@docs.example',
    'nobody@host.invalid',
    'dev@app.localhost',
    'ann@example.com',
    'bob@mail.example.net',
    'eve@example.org',
  ])('finds %s: reserved example names (RFC 2606, 6761) count', (address) => {
    expect(emails(`contact: ${address}.`)).toEqual([address]);
  });

  it.each([
    ['a bare reserved name', 'user@test'],
    ['an unknown top-level name', 'user@shop.testing'],
    ['a private-use name', 'user@printer.local'],
    ['a name that only contains a reserved word', 'user@test.internal'],
  ])('still refuses %s (%s)', (_, address) => {
    expect(emails(`contact: ${address}`)).toEqual([]);
  });

  it.each([
    ['shop.test', true],
    ['a.b.example', true],
    ['x.invalid', true],
    ['x.localhost', true],
    ['test', false],
    ['.test', false],
    ['test.com', false],
    ['example.co', false],
  ])('reserved example domain %s: %s', (host, reserved) => {
    expect(isReservedExampleDomain(host)).toBe(reserved);
  });
});
