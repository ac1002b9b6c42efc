import { Injectable } from '@nestjs/common';
import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { AppConfig } from 'src/config/app-config';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { packageContext } from './export-package.builder';

const LABEL = 'dsr-export-link';
/** `<uuid>.<expiry in epoch seconds>.<base64url HMAC-SHA256>`, nothing before or after. */
const TOKEN =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$/;

/** Expiring links signed with a service key: `<requestId>.<expiry>.<hmac>`. */
@Injectable()
export class ExportLinks {
  constructor(
    private readonly keys: ServiceKeys,
    private readonly config: AppConfig,
    private readonly cipher: PersonalDataCipher,
  ) {}

  issue(request: PrivacyRequestEntity): { url: string; expiresAt: Date; checksum: string } {
    if (request.exportExpiresAt && request.exportExpiresAt <= new Date()) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.ExportExpired,
        'The access package has expired and was deleted',
      );
    }
    if (request.type !== 'access' || request.status !== 'completed' || !request.exportPath) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.ExportNotReady,
        'Only a completed access request has an export',
      );
    }
    // A link never outlives its package.
    const expiresAt = new Date(
      Math.floor(
        Math.min(
          Date.now() / 1000 + this.config.privacyRequests.exportLinkTtlSeconds,
          (request.exportExpiresAt?.getTime() ?? Infinity) / 1000,
        ),
      ) * 1000,
    );
    const payload = `${request.id}.${expiresAt.getTime() / 1000}`;
    const token = `${payload}.${this.keys.hmac(LABEL, payload)}`;
    return {
      url: `${this.config.publicBaseUrl}/v1/public/exports/${token}`,
      expiresAt,
      checksum: request.exportChecksum ?? '',
    };
  }

  /**
   * The request id a valid, unexpired token names; otherwise 404 (never says which part failed).
   * The token is read exactly: an extra segment or any trailing data is not the token.
   */
  verify(token: string): string {
    const parts = TOKEN.exec(token);
    const invalid = new PrivacyRequestError(PrivacyRequestErrorCode.LinkInvalid, 'No such export');
    if (!parts) {
      throw invalid;
    }
    const [, id, expiry, mac] = parts;
    const expected = Buffer.from(this.keys.hmac(LABEL, `${id}.${expiry}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalid;
    }
    if (Number(expiry) * 1000 < Date.now()) {
      throw invalid;
    }
    return id;
  }

  open(request: PrivacyRequestEntity): Readable {
    const expired = request.exportExpiresAt !== null && request.exportExpiresAt <= new Date();
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path the package builder stored: EXPORT_DIR and the request's UUID
    if (!request.exportPath || expired || !existsSync(request.exportPath)) {
      throw new PrivacyRequestError(PrivacyRequestErrorCode.LinkInvalid, 'No such export');
    }
    return this.cipher.decryptStream(
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path the package builder stored: EXPORT_DIR and the request's UUID
      createReadStream(request.exportPath),
      packageContext(request.id),
    );
  }
}
