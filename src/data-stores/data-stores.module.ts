import { DataStoreValueMoves } from './data-store-value-moves';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DlpModule } from 'src/dlp/dlp.module';
import { DataStoreConnectors } from './data-store-connectors.service';
import { DataStoresController } from './data-stores.controller';
import { DataStoresService } from './data-stores.service';
import { DataStoreScanEntity } from './entities/data-store-scan.entity';
import { DataStoreEntity } from './entities/data-store.entity';
import { DATA_STORE_SCAN_QUEUE } from './scans/data-store-scan.jobs';
import { DataStoreScanProcessor } from './scans/data-store-scan.processor';
import { DataStoreScansController } from './scans/data-store-scans.controller';
import { DataStoreScansService } from './scans/data-store-scans.service';

@Module({})
export class DataStoresModule {
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: DataStoresModule,
      imports: [
        TypeOrmModule.forFeature([DataStoreEntity, DataStoreScanEntity]),
        BullModule.registerQueue({ name: DATA_STORE_SCAN_QUEUE }),
        DlpModule,
      ],
      controllers: [DataStoresController, DataStoreScansController],
      providers: [
        DataStoresService,
        DataStoreConnectors,
        DataStoreValueMoves,
        DataStoreScansService,
        ...(options.workers ? [DataStoreScanProcessor] : []),
      ],
      exports: [DataStoresService, DataStoreConnectors],
    };
  }
}
