import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from 'src/common/access/request-context.decorator';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { ReceiptSigner } from 'src/consent/receipts/receipt-signer.service';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { apiKeyOf } from '../request-owner';
import { SubjectProtector } from '../subject-protector.service';
import {
  CERTIFICATE_TYP,
  certifiedStore,
  ErasureCertificateClaims,
  subjectHash,
} from './erasure-certificate';

/**
 * Proof of erasure: a compact JWS (ES256) signed with the consent receipt keys, so it verifies
 * against `/v1/.well-known/jwks.json`. The subject appears only as a salted hash; the salt is in
 * the payload so the subject or a regulator holding the identifiers can check it without any
 * secret of the service, and it is derived per request (a keyed hash of the request id), so a
 * certificate's hash matches no other certificate's and no table computed in advance, while
 * every copy of one request's certificate names the subject the same way.
 */
@Injectable()
export class ErasureCertificates {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly protector: SubjectProtector,
    private readonly signer: ReceiptSigner,
    private readonly keys: ServiceKeys,
  ) {}

  /** The certificate of request `id`, if `ctx`'s caller may see the request. */
  async issue(ctx: RequestContext, id: string): Promise<string> {
    const request = await this.requests.findVisible(id, apiKeyOf(ctx));
    if (!request) {
      throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
    }
    if (request.type !== 'erasure' || request.status !== 'completed' || !request.completedAt) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.InvalidState,
        'Only a completed erasure request has a certificate',
      );
    }
    const tasks = await this.requests.findTasks(id);
    const salt = this.keys.hmac('erasure-certificate-salt', id).slice(0, 22);
    const claims: ErasureCertificateClaims = {
      request: {
        id,
        type: 'erasure',
        receivedAt: request.receivedAt.toISOString(),
        completedAt: request.completedAt.toISOString(),
      },
      subject: {
        alg: 'sha256',
        salt,
        hash: subjectHash(await this.protector.open(request.subjectCiphertext, request.id), salt),
      },
      stores: tasks.map((t) => certifiedStore(t.dataStoreName, t.result)),
    };
    return this.signer.signStatement(
      CERTIFICATE_TYP,
      { ...claims, sub: id, jti: randomUUID() },
      new Date(),
    );
  }
}
