import type { Type } from '@nestjs/common';
import type { ClassTransformOptions } from '@nestjs/common/interfaces/external/class-transform-options.interface';
import type { TransformerPackage } from '@nestjs/common/interfaces/external/transformer-package.interface';
import * as classTransformer from 'class-transformer';
import { asParsedProperties } from './as-parsed.decorator';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * class-transformer for the validation pipe, except that `@AsParsed()` properties are set on the
 * instance by reference instead of being deep-copied key by key (the cost of a 1,000-field map).
 * Validation still sees them: class-validator runs on the instance afterwards.
 */
export const validationTransformer: TransformerPackage = {
  plainToInstance<T>(cls: Type<T>, plain: unknown, options?: ClassTransformOptions): T | T[] {
    const names = asParsedProperties(cls);
    if (names.length === 0 || !isPlainObject(plain)) {
      return classTransformer.plainToInstance(cls, plain, options);
    }
    const rest = { ...plain };
    const kept: Array<[string, unknown]> = [];
    for (const name of names) {
      if (Object.hasOwn(rest, name)) {
        kept.push([name, rest[name]]);
        delete rest[name];
      }
    }
    const instance = classTransformer.plainToInstance(cls, rest, options) as Record<
      string,
      unknown
    >;
    for (const [name, value] of kept) {
      instance[name] = value;
    }
    return instance as T;
  },
  classToPlain: (object, options) => classTransformer.instanceToPlain(object, options),
};
