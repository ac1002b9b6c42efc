import type { ExecutionContext } from '@nestjs/common';
import { RouteMemo } from './route-memo';

const contextOf = (controller: object, handler: object): ExecutionContext =>
  ({ getClass: () => controller, getHandler: () => handler }) as unknown as ExecutionContext;

describe('RouteMemo', () => {
  it('reads a route once, and answers the same afterwards, undefined included', () => {
    const read = jest.fn((context: ExecutionContext) =>
      context.getHandler() === handlerA ? 'a' : undefined,
    );
    const memo = new RouteMemo(read);
    const handlerA = () => undefined;
    const handlerB = () => undefined;
    class Controller {}
    for (let i = 0; i < 3; i += 1) {
      expect(memo.of(contextOf(Controller, handlerA))).toBe('a');
      expect(memo.of(contextOf(Controller, handlerB))).toBeUndefined();
    }
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps a handler shared by two controllers apart, as their class-level rules may differ', () => {
    const memo = new RouteMemo(
      (context) => (context.getClass() as unknown as { rule: string }).rule,
    );
    const shared = () => undefined;
    const first = { rule: 'first' };
    const second = { rule: 'second' };
    expect(memo.of(contextOf(first, shared))).toBe('first');
    expect(memo.of(contextOf(second, shared))).toBe('second');
    expect(memo.of(contextOf(first, shared))).toBe('first');
  });
});
