import { Injectable } from '@nestjs/common';
import archiver from 'archiver';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig } from 'src/config/app-config';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { PrivacyRequestTaskEntity } from '../entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { partContext, safeName } from './export-part.writer';

export const packageContext = (requestId: string): Record<string, string> => ({
  purpose: 'dsr-export',
  requestId,
});

/**
 * Zips the encrypted parts of every store into one package (manifest.json with counts and a
 * SHA-256 per file), streaming: each part is decrypted into the archive, and the archive is
 * encrypted on its way to EXPORT_DIR. Returns the path and the SHA-256 of the ZIP itself.
 */
@Injectable()
export class ExportPackageBuilder {
  constructor(
    private readonly cipher: PersonalDataCipher,
    private readonly config: AppConfig,
  ) {}

  async build(
    request: Pick<PrivacyRequestEntity, 'id' | 'type' | 'jurisdiction' | 'receivedAt'>,
    tasks: Array<Pick<PrivacyRequestTaskEntity, 'id' | 'dataStoreName' | 'result'>>,
    stores: Map<string, string>,
  ): Promise<{ path: string; checksum: string }> {
    const dir = this.config.privacyRequests.exportDir;
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- EXPORT_DIR and the request's UUID, or a part file written there by this service
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${request.id}.zip.enc`);
    const zip = archiver('zip', { zlib: { level: 1 } });
    const hash = createHash('sha256');
    const tap = new PassThrough();
    tap.on('data', (chunk: Buffer) => hash.update(chunk));
    const written = pipeline(
      this.cipher.encryptStream(zip.pipe(tap), packageContext(request.id)),
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- EXPORT_DIR and the request's UUID, or a part file written there by this service
      createWriteStream(path),
    );
    const manifest = {
      request: {
        id: request.id,
        type: request.type,
        jurisdiction: request.jurisdiction,
        receivedAt: request.receivedAt.toISOString(),
      },
      generatedAt: new Date().toISOString(),
      stores: [] as object[],
      files: {} as Record<string, string>,
    };
    const zipError = new Promise<never>((_, reject) => zip.on('error', reject));
    for (const task of tasks) {
      const folder = safeName(task.dataStoreName);
      const collections = [];
      for (const c of task.result.exported ?? []) {
        for (const f of c.files) {
          const name = `${folder}/${f.name}`;
          // eslint-disable-next-line security/detect-non-literal-fs-filename -- EXPORT_DIR and the request's UUID, or a part file written there by this service
          zip.append(this.cipher.decryptStream(createReadStream(f.part), partContext(request.id)), {
            name,
          });
          manifest.files[name] = f.sha256;
        }
        collections.push({
          name: c.collection,
          records: c.records,
          files: c.files.map((f) => ({
            name: `${folder}/${f.name}`,
            sha256: f.sha256,
            bytes: f.bytes,
          })),
        });
      }
      manifest.stores.push({
        name: task.dataStoreName,
        type: stores.get(task.id) ?? 'unknown',
        collections,
      });
    }
    zip.append(JSON.stringify(manifest, null, 2), { name: 'manifest.json' });
    await Promise.race([zip.finalize().then(() => written), zipError]);
    return { path, checksum: hash.digest('hex') };
  }

  removeParts(requestId: string): void {
    rmSync(join(this.config.privacyRequests.exportDir, 'parts', requestId), {
      recursive: true,
      force: true,
    });
  }
}
