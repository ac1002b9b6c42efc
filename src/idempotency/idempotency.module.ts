import { Global, Module } from '@nestjs/common';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { IdempotencyFilter } from './idempotency.filter';
import { IdempotencyGuard } from './idempotency.guard';
import { IdempotentAnswers } from './idempotent-answers';

/** `Idempotency-Key` for write routes: the guard, the filter and the keys' table. */
@Global()
@Module({
  providers: [IdempotencyKeysRepository, IdempotentAnswers, IdempotencyGuard, IdempotencyFilter],
  exports: [IdempotencyKeysRepository, IdempotentAnswers, IdempotencyGuard, IdempotencyFilter],
})
export class IdempotencyModule {}
