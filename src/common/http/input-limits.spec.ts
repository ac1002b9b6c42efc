import { findTextFault, jsonDeeperThan } from './input-limits';

const raw = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('jsonDeeperThan', () => {
  it.each([
    [nested(32), false],
    [nested(33), true],
    [nested(4000), true],
    [`{"a":${nested(31)}}`, false],
    [`{"a":${nested(32)}}`, true],
    [`{"a":"${'['.repeat(100)}"}`, false],
    [`{"a":"\\"${'{'.repeat(100)}"}`, false],
    ['[' + '[],'.repeat(1000) + '[]]', false],
    [`{"a":"${'['.repeat(40)}","b":${nested(33)}}`, true],
    [`{"fields":{${'"f":"v",'.repeat(1000)}"g":["x"]}}`, false],
  ])('%#: %s', (text, expected) => {
    expect(jsonDeeperThan(raw(text), 32)).toBe(expected);
  });

  it('reads a plain Uint8Array as a Buffer', () => {
    expect(jsonDeeperThan(new Uint8Array(raw(`[${nested(33)}]`)), 32)).toBe(true);
    expect(jsonDeeperThan(new Uint8Array(raw(`{"a":[1]}`)), 32)).toBe(false);
  });
});

describe('findTextFault', () => {
  it('accepts well-formed text, including pairs outside the basic plane', () => {
    expect(findTextFault({ name: 'Zoë 😀', list: ['a', 1, null, true] }, '')).toBeUndefined();
  });

  it.each([
    [{ subject: { email: 'a\ud800@example.com' } }, 'subject.email', 'ill-formed'],
    [{ text: 'abc\udc00' }, 'text', 'ill-formed'],
    [{ purpose: 'a\u0000b' }, 'purpose', 'nul'],
    [{ list: ['ok', 'x\u0000'] }, 'list[1]', 'nul'],
    [{ map: { ['k\ud800']: 'v' } }, 'map', 'ill-formed'],
  ])('%#: names %s', (value, field, fault) => {
    expect(findTextFault(value, '')).toEqual({ field, fault });
  });

  it('names a query or path parameter by its own name', () => {
    expect(findTextFault('a\u0000', 'id')).toEqual({ field: 'id', fault: 'nul' });
  });

  it('walks 100,000-deep values without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) {
      deep = [deep];
    }
    expect(findTextFault(deep, '')?.fault).toBe('nul');
  });
});
