import { Module } from '@nestjs/common';
import { ApiKeyBudgets } from './api-key-budgets';

/** Only the budgets, so the rate limiter can use them without pulling in the auth guards. */
@Module({ providers: [ApiKeyBudgets], exports: [ApiKeyBudgets] })
export class ApiKeyBudgetsModule {}
