import 'reflect-metadata';
import type { Type } from '@nestjs/common';

const PRECHECK = Symbol('validation:precheck');

/** True only for input that the DTO's own validators accept as it is (no transformation). */
export type Precheck = (plain: Readonly<Record<string, unknown>>) => boolean;

/**
 * For DTOs on hot paths: a hand-written check that accepts only plainly valid input, never more
 * than the class-validator decorators would. Input it accepts skips class-transformer and
 * class-validator; anything else is validated in full, so refusals and their messages are the
 * ones the decorators give.
 */
export function Prechecked(precheck: Precheck): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(PRECHECK, precheck, target);
  };
}

export function precheckOf(cls: Type): Precheck | undefined {
  return Reflect.getOwnMetadata(PRECHECK, cls) as Precheck | undefined;
}
