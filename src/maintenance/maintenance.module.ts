import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { MaintenanceScheduler } from './maintenance-scheduler.service';
import { MAINTENANCE_QUEUE } from './maintenance.jobs';
import { MaintenanceProcessor } from './maintenance.processor';

@Module({})
export class MaintenanceModule {
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: MaintenanceModule,
      imports: [BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
      providers: options.workers ? [MaintenanceScheduler, MaintenanceProcessor] : [],
    };
  }
}
