import { SetMetadata } from '@nestjs/common';

export const SKIP_RATE_LIMIT = 'rate-limit:skip';

/** Probes and scrapes (health, metrics) are never throttled: a throttled probe restarts pods. */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator =>
  SetMetadata(SKIP_RATE_LIMIT, true);
