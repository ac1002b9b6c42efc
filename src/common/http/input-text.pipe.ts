import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { findTextFault, TEXT_FAULT_MESSAGE } from './input-limits';
import { ValidationFailed } from './validation-failed';

/**
 * Refuses bodies, queries and path parameters holding a lone surrogate or a NUL before any DTO
 * sees them: such text breaks e-mail normalisation, PostgreSQL and JSON encoders downstream.
 */
@Injectable()
export class InputTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') {
      return value;
    }
    const root = metadata.type === 'body' ? '' : (metadata.data ?? '');
    const found = findTextFault(value, root);
    if (found) {
      throw new ValidationFailed([
        { field: found.field || metadata.type, message: TEXT_FAULT_MESSAGE[found.fault] },
      ]);
    }
    return value;
  }
}
