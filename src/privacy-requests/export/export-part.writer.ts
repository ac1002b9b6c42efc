import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { AppConfig } from 'src/config/app-config';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import type { Connector, RecordBatch } from 'src/data-stores/connectors/connector.interface';
import type { Subject } from 'src/data-stores/data-store.types';
import type { ExportedCollection } from '../privacy-request.types';
import { csvCell, csvRow, plainRecord } from './record-format';

export const partContext = (requestId: string): Record<string, string> => ({
  purpose: 'dsr-export-part',
  requestId,
});

/** One output file: hashed in the clear, encrypted on its way to disk. */
class EncryptedPart {
  readonly input = new PassThrough({ highWaterMark: 256 * 1024 });
  readonly hash = createHash('sha256');
  bytes = 0;
  readonly done: Promise<void>;

  constructor(
    cipher: PersonalDataCipher,
    readonly path: string,
    context: Record<string, string>,
  ) {
    this.input.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
    });
    const tap = new PassThrough();
    this.input.pipe(tap);
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- EXPORT_DIR, the request's and task's UUIDs and a sanitised collection name
    this.done = pipeline(cipher.encryptStream(tap, context), createWriteStream(path));
  }

  async write(text: string): Promise<void> {
    if (!this.input.write(text)) {
      await once(this.input, 'drain');
    }
  }

  async end(): Promise<void> {
    this.input.end();
    await this.done;
  }
}

/**
 * Streams one store's records into encrypted JSON and CSV part files, one record at a time,
 * so memory does not grow with the subject's data. The package builder zips the parts later.
 */
@Injectable()
export class ExportPartWriter {
  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly config: AppConfig,
  ) {}

  partDir(requestId: string, taskId: string): string {
    return join(this.config.privacyRequests.exportDir, 'parts', requestId, taskId);
  }

  async write(
    requestId: string,
    taskId: string,
    connector: Connector,
    subject: Subject,
  ): Promise<ExportedCollection[]> {
    const dir = this.partDir(requestId, taskId);
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- EXPORT_DIR, the request's and task's UUIDs and a sanitised collection name
    mkdirSync(dir, { recursive: true });
    const out: ExportedCollection[] = [];
    for await (const { collection, records } of connector.export(subject, { requestId })) {
      out.push(await this.writeCollection(dir, requestId, collection, records));
    }
    return out;
  }

  private async writeCollection(
    dir: string,
    requestId: string,
    collection: string,
    records: AsyncIterable<RecordBatch>,
  ): Promise<ExportedCollection> {
    const context = partContext(requestId);
    // Collection names of http stores come from the backend: never let one shape a path.
    const safe = safeName(collection);
    const json = new EncryptedPart(this.cipher, join(dir, `${safe}.json.enc`), context);
    const csv = new EncryptedPart(this.cipher, join(dir, `${safe}.csv.enc`), context);
    let count = 0;
    let header: string[] | undefined;
    let batchJson = '';
    let batchCsv = '';
    const flush = async (): Promise<void> => {
      await json.write(batchJson);
      await csv.write(batchCsv);
      batchJson = '';
      batchCsv = '';
    };
    await json.write('[');
    for await (const batch of records) {
      for (const raw of batch) {
        const record = plainRecord(raw);
        if (!header) {
          header = Object.keys(record);
          batchCsv += `${header.map(csvCell).join(',')}\r\n`;
        }
        batchJson += `${count === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`;
        batchCsv += csvRow(header, record);
        count++;
        if (batchJson.length > 64 * 1024) {
          await flush();
        }
      }
    }
    batchJson += count === 0 ? ']\n' : '\n]\n';
    await flush();
    await Promise.all([json.end(), csv.end()]);
    return {
      collection,
      records: count,
      files: [
        {
          name: `${safe}.json`,
          part: json.path,
          sha256: json.hash.digest('hex'),
          bytes: json.bytes,
        },
        { name: `${safe}.csv`, part: csv.path, sha256: csv.hash.digest('hex'), bytes: csv.bytes },
      ],
    };
  }
}

export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
  return cleaned.length > 0 ? cleaned : '_';
}
