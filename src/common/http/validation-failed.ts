import { ValidationError } from 'class-validator';

/** Raised by the global validation pipe; lists each bad field without echoing its value. */
export class ValidationFailed extends Error {
  constructor(readonly errors: Array<{ field: string; message: string }>) {
    super('Validation failed');
  }

  static fromValidationErrors(errors: ValidationError[], parent = ''): ValidationFailed {
    const flat: Array<{ field: string; message: string }> = [];
    const walk = (list: ValidationError[], prefix: string): void => {
      for (const error of list) {
        const field = prefix ? `${prefix}.${error.property}` : error.property;
        for (const message of Object.values(error.constraints ?? {})) {
          flat.push({ field, message });
        }
        walk(error.children ?? [], field);
      }
    };
    walk(errors, parent);
    return new ValidationFailed(flat);
  }
}
