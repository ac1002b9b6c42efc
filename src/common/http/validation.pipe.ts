import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { precheckOf } from './prechecked.decorator';
import { ValidationFailed } from './validation-failed';
import { validationTransformer } from './validation-transformer';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Lets a `@Prechecked` DTO's plainly valid input through without the full validation. */
class PrecheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const cls = metadata.metatype;
    const precheck = cls ? precheckOf(cls) : undefined;
    if (cls && precheck && isPlainObject(value) && precheck(value)) {
      return Object.assign(new cls() as object, value);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new PrecheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformerPackage: validationTransformer,
    // Values never appear in messages: they may be personal data.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => ValidationFailed.fromValidationErrors(errors),
  });
}
