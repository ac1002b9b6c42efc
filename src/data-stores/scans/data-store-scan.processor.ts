import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DATA_STORE_SCAN_QUEUE, DataStoreScanJob, ScanJobData } from './data-store-scan.jobs';
import { DataStoreScansService } from './data-store-scans.service';

@Processor(DATA_STORE_SCAN_QUEUE)
export class DataStoreScanProcessor extends WorkerHost {
  constructor(private readonly scans: DataStoreScansService) {
    super();
  }

  async process(job: Job<ScanJobData>): Promise<void> {
    const name = job.name as DataStoreScanJob;
    switch (name) {
      case DataStoreScanJob.Scan:
        return this.scans.run(job.data.scanId);
      default:
        if (Object.values(DataStoreScanJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown scan job ${job.name}`);
    }
  }
}
