import 'reflect-metadata';
import type { Type } from '@nestjs/common';

const PRECHECK = Symbol('validation:precheck');

/** True only for input that the DTO's own validators accept as it is (no transformation). */
export type Precheck = (plain: Readonly<Record<string, unknown>>) => boolean;

/** A DTO's precheck, and the DTO classes of its nested objects (`@Type`), by property. */
export interface PrecheckOf {
  readonly precheck: Precheck;
  readonly nested: ReadonlyArray<readonly [string, Type]>;
}

/**
 * For DTOs on hot paths: a hand-written check that accepts only plainly valid input, never more
 * than the class-validator decorators would. Input it accepts skips class-transformer and
 * class-validator; anything else is validated in full, so refusals and their messages are the
 * ones the decorators give. `nested` names the properties holding a nested DTO (a plain object
 * the precheck has accepted), made instances of their class as class-transformer would.
 */
export function Prechecked(
  precheck: Precheck,
  nested: Readonly<Record<string, Type>> = {},
): ClassDecorator {
  const entry: PrecheckOf = { precheck, nested: Object.entries(nested) };
  return (target) => {
    Reflect.defineMetadata(PRECHECK, entry, target);
  };
}

export function precheckOf(cls: Type): PrecheckOf | undefined {
  return Reflect.getOwnMetadata(PRECHECK, cls) as PrecheckOf | undefined;
}
