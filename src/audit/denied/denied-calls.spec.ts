import { DeniedCall, DeniedCallCounter } from './denied-calls';

const call = (over: Partial<DeniedCall> = {}): DeniedCall => ({
  actor: { type: 'anonymous', id: null },
  method: 'GET',
  route: '/v1/audit/events',
  status: 401,
  address: '203.0.113.0/24',
  ...over,
});

describe('DeniedCallCounter', () => {
  it('reports the first refusal of a group at once and counts the rest for the minute', () => {
    const counter = new DeniedCallCounter();
    const t0 = 60_000 * 100 + 5;
    expect(counter.note(call(), t0)).toMatchObject({ pending: 1 });
    for (let i = 0; i < 999; i += 1) {
      expect(counter.note(call(), t0 + i)).toBeUndefined();
    }
    expect(counter.drain(t0 + 1000)).toEqual([]);
    expect(counter.drain(t0 + 60_000)).toEqual([expect.objectContaining({ pending: 999 })]);
  });

  it('keeps callers, routes and minutes apart', () => {
    const counter = new DeniedCallCounter();
    const t0 = 60_000 * 100;
    expect(counter.note(call(), t0)).toBeDefined();
    expect(counter.note(call({ address: '198.51.100.0/24' }), t0)).toBeDefined();
    expect(counter.note(call({ route: '/v1/purposes' }), t0)).toBeDefined();
    expect(
      counter.note(call({ status: 403, actor: { type: 'api_key', id: 'k' } }), t0),
    ).toBeDefined();
    expect(counter.note(call(), t0 + 60_000)).toBeDefined();
  });

  it('hands every unreported count over on shutdown', () => {
    const counter = new DeniedCallCounter();
    counter.note(call(), 0);
    counter.note(call(), 1);
    expect(counter.drain(2, true)).toEqual([expect.objectContaining({ pending: 1 })]);
  });
});
