import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A plain JSON object whose values are all strings (`{name: string}`). Counts and sizes are
 * checked by the service, which answers 413 for them.
 */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an object of strings`, ...options },
      validator: {
        validate(value: unknown): boolean {
          return (
            typeof value === 'object' &&
            value !== null &&
            !Array.isArray(value) &&
            Object.values(value).every((v) => typeof v === 'string')
          );
        },
      },
    });
  };
}
