import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuditCheckpointsModule } from './audit/checkpoints/audit-checkpoints.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsentModule } from './consent/consent.module';
import { CryptoModule } from './crypto/crypto.module';
import { DlpModule } from './dlp/dlp.module';
import { DatabaseModule } from './database/database.module';
import { DataStoresModule } from './data-stores/data-stores.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IncidentsModule } from './incidents/incidents.module';
import { LoggingModule } from './logging/logging.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { PagesModule } from './pages/pages.module';
import { PrivacyRequestsModule } from './privacy-requests/privacy-requests.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './queue/redis.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ReportsModule } from './reports/reports.module';
import { SecurityAlertsModule } from './security-alerts/security-alerts.module';
import { SecurityEventBusModule } from './security-alerts/security-event-bus';

export interface AppModuleOptions {
  config: AppConfig;
  /** Run BullMQ workers (and schedulers) in this process. */
  workers: boolean;
  /** Log to stderr (the command-line tool, whose stdout is its answer); default stdout. */
  logToStderr?: boolean;
}

@Module({})
export class AppModule {
  static register({ config, workers, logToStderr }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ destination: logToStderr ? 2 : 1 }),
        DatabaseModule,
        RedisModule,
        QueueModule,
        CommonModule,
        IdempotencyModule,
        SecurityEventBusModule,
        AuditModule,
        AuditCheckpointsModule.register({ workers }),
        // Rate limits run before authentication, so guessing keys is throttled too.
        RateLimitModule,
        AuthModule,
        HealthModule,
        // Express tries routes in the order they were registered: the routes product backends
        // call at high rates (consent checks, field encryption) come before the rest.
        ConsentModule.register({ workers }),
        CryptoModule.register({ workers }),
        MaintenanceModule.register({ workers }),
        DataStoresModule.register({ workers }),
        PrivacyRequestsModule.register({ workers }),
        DlpModule,
        IncidentsModule,
        PagesModule,
        ReportsModule,
        SecurityAlertsModule,
      ],
    };
  }
}
