import { ValidationPipe } from '@nestjs/common';
import { ValidationFailed } from './validation-failed';
import { validationTransformer } from './validation-transformer';

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
