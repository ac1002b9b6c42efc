export const DATA_STORE_SCAN_QUEUE = 'data-store-scans';

export enum DataStoreScanJob {
  Scan = 'scan-data-store',
}

export interface ScanJobData {
  scanId: string;
}
