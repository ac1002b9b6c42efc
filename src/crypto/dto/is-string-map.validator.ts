import { isFormerServiceContext } from '../access/former-service-contexts';
import { SERVICE_CONTEXT_PREFIX } from '../personal-data.cipher';
import { registerDecorator, type ValidationOptions } from 'class-validator';

function isStringMap(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (typeof record[key] !== 'string') {
      return false;
    }
  }
  return true;
}

/**
 * A plain JSON object whose values are all strings (`{name: string}`), checked entry by entry so
 * that it can stand on its own for `@AsParsed()` maps. Counts and sizes are checked by the
 * service, which answers 413 for them.
 */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an object of strings`, ...options },
      validator: { validate: isStringMap },
    });
  };
}

/**
 * Refuses context keys in the service's reserved namespace (`svc:`): the service's own
 * ciphertexts are bound to such keys, so the public API can never open them. The contexts the
 * service used before that namespace (`{table, column}` of its own columns) are refused too.
 */
export function NoServiceContextKeys(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'noServiceContextKeys',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} keys starting with ${SERVICE_CONTEXT_PREFIX}, and the table and column of the service's own values, are reserved for the service`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'object' ||
          value === null ||
          (Object.keys(value).every((k) => !k.startsWith(SERVICE_CONTEXT_PREFIX)) &&
            !isFormerServiceContext(value as Record<string, unknown>)),
      },
    });
  };
}
