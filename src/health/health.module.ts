import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OperationalFiguresRepository } from './operational-figures.repository';
import { RedisHealthIndicator } from './redis.health';

/** Global: every capability counts its work on the one registry /metrics serves. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [RedisHealthIndicator, MetricsService, OperationalFiguresRepository],
  exports: [MetricsService],
})
export class HealthModule {}
