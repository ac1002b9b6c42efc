import type { ExecutionContext } from '@nestjs/common';

/**
 * What a guard reads from a route's decorators, read once per route rather than on every
 * request: reflect-metadata walks the prototype chains of the handler and the controller for
 * every key a route does not declare. Keyed by controller and handler, since a handler inherited
 * by two controllers can carry different class-level rules.
 */
export class RouteMemo<T> {
  private readonly byController = new WeakMap<object, WeakMap<object, T>>();

  constructor(private readonly read: (context: ExecutionContext) => T) {}

  of(context: ExecutionContext): T {
    const controller = context.getClass();
    let byHandler = this.byController.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.byController.set(controller, byHandler);
    }
    const handler = context.getHandler();
    if (!byHandler.has(handler)) {
      byHandler.set(handler, this.read(context));
    }
    return byHandler.get(handler) as T;
  }
}
