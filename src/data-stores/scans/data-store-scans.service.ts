import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { classifyColumn } from '@libs/dlp';
import { Queue } from 'bullmq';
import { Repository } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AppConfig } from 'src/config/app-config';
import { SqlConnector } from 'src/data-stores/connectors/sql.connector';
import { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import { DataStoreError, DataStoreErrorCode } from 'src/data-stores/data-store.error';
import {
  DataStoreScanEntity,
  ScanColumnResult,
} from 'src/data-stores/entities/data-store-scan.entity';
import { DataStoresService } from 'src/data-stores/data-stores.service';
import { CustomRecognizerRegistry } from 'src/dlp/recognizers/custom-recognizer-registry';
import { DATA_STORE_SCAN_QUEUE, DataStoreScanJob, ScanJobData } from './data-store-scan.jobs';
import { suggestCollections } from './suggested-collections';

const SAMPLE_SIZE = 200;

/**
 * Discovery: samples every column, classifies it with libs/dlp, keeps only counts and ratios, and
 * proposes a description from them and the store's foreign keys.
 */
@Injectable()
export class DataStoreScansService {
  private readonly logger = new Logger(DataStoreScansService.name);

  constructor(
    @InjectRepository(DataStoreScanEntity)
    private readonly scans: Repository<DataStoreScanEntity>,
    @InjectQueue(DATA_STORE_SCAN_QUEUE) private readonly queue: Queue<ScanJobData>,
    private readonly stores: DataStoresService,
    private readonly connectors: DataStoreConnectors,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly customRecognizers: CustomRecognizerRegistry,
  ) {}

  async start(ctx: RequestContext, dataStoreId: string): Promise<DataStoreScanEntity> {
    const store = await this.stores.get(dataStoreId);
    if (store.type === 'http' || store.type === 'manual') {
      throw new DataStoreError(
        DataStoreErrorCode.ScanUnsupported,
        `A${store.type === 'http' ? 'n http' : ' manual'} store has no catalogue to sample`,
      );
    }
    const scan = await this.scans.save(
      this.scans.create({
        dataStoreId,
        status: 'queued',
        columns: [],
        suggestedCollections: [],
        error: null,
      }),
    );
    await this.audit.record(ctx, {
      action: 'data_store.scan_started',
      target: { type: 'data_store', id: dataStoreId },
      details: { scanId: scan.id },
    });
    await this.queue.add(DataStoreScanJob.Scan, { scanId: scan.id }, { jobId: `scan-${scan.id}` });
    return scan;
  }

  async get(dataStoreId: string, scanId: string): Promise<DataStoreScanEntity> {
    const scan = await this.scans.findOneBy({ id: scanId, dataStoreId });
    if (!scan) {
      throw new DataStoreError(DataStoreErrorCode.ScanNotFound, 'No such scan');
    }
    return scan;
  }

  /** Runs in a worker; rerunning a scan starts it over, so retries are safe. */
  async run(scanId: string): Promise<void> {
    const scan = await this.scans.findOneBy({ id: scanId });
    if (!scan || scan.status === 'completed') {
      return;
    }
    await this.scans.update(scanId, { status: 'running' });
    try {
      const { connector } = await this.connectors.forStoreId(scan.dataStoreId);
      const columns: ScanColumnResult[] = [];
      const catalogue = await connector.catalogue();
      const custom = await this.customRecognizers.current();
      for (const table of catalogue) {
        for (const { name: field } of table.columns) {
          const values = await connector.sample(table.name, field, SAMPLE_SIZE);
          const result = classifyColumn(field, values, {
            phone: { regions: this.config.dlp.phoneRegions },
            custom,
            customBudgetMs: this.config.dlp.recognizerBudgetMs,
          });
          columns.push({
            collection: table.name,
            field,
            sampled: result.sampled,
            entities: result.entities,
            suggestedCategory: result.suggestedCategory,
          });
        }
      }
      const foreignKeys = connector instanceof SqlConnector ? await connector.foreignKeys() : [];
      await this.scans.update(scanId, {
        status: 'completed',
        columns,
        suggestedCollections: suggestCollections(catalogue, columns, foreignKeys),
        completedAt: new Date(),
      });
    } catch (e) {
      this.logger.warn(`Scan ${scanId} failed: ${(e as Error).name}`);
      await this.scans.update(scanId, {
        status: 'failed',
        error: 'The store could not be sampled',
        completedAt: new Date(),
      });
    }
  }
}
