import 'reflect-metadata';
import type { Type } from '@nestjs/common';

const AS_PARSED = Symbol('validation:as-parsed');

/**
 * The property reaches the handler as the JSON parser produced it: the validation pipe does not
 * let class-transformer deep-copy it. Meant for large flat values (maps of strings) whose own
 * validator checks every entry; never for nested DTOs, which need the transformation.
 */
export function AsParsed(): PropertyDecorator {
  return (target: object, propertyKey: string | symbol): void => {
    const inherited = (Reflect.getMetadata(AS_PARSED, target) as string[] | undefined) ?? [];
    Reflect.defineMetadata(AS_PARSED, [...inherited, String(propertyKey)], target);
  };
}

/** Names of the `@AsParsed()` properties of a DTO class, inherited ones included. */
export function asParsedProperties(cls: Type): string[] {
  return (Reflect.getMetadata(AS_PARSED, cls.prototype as object) as string[] | undefined) ?? [];
}
