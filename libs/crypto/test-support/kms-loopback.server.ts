import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CryptoError } from '../src/errors/crypto-error';
import { EncryptionContextCodec } from '../src/field/encryption-context.codec';
import { AesGcm } from '../src/primitives/aes-gcm';

interface KmsRequest {
  KeyId?: string;
  Plaintext?: string;
  CiphertextBlob?: string;
  EncryptionContext?: Record<string, string>;
  NumberOfBytes?: number;
  KeySpec?: string;
}

class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A KMS-protocol server on 127.0.0.1 for tests and the benchmark: AWS JSON 1.1 over real HTTP,
 * `X-Amz-Target: TrentService.{GenerateDataKey,Encrypt,Decrypt}`. Each key is a real AES-256
 * key; a ciphertext blob is keyId length, keyId, nonce and AES-GCM output, with the encryption
 * context as AAD, so a wrong context fails as it does in KMS. Signatures are not checked.
 */
export class KmsLoopbackServer {
  readonly calls: Record<string, number> = { GenerateDataKey: 0, Encrypt: 0, Decrypt: 0 };
  private readonly keys = new Map<string, Buffer>();
  private server?: Server;
  private url?: string;

  constructor(keyArns: readonly string[]) {
    for (const arn of keyArns) {
      this.keys.set(arn, randomBytes(32));
    }
  }

  get endpoint(): string {
    if (this.url === undefined) {
      throw new Error('KMS loopback server not started');
    }
    return this.url;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    try {
      if (req.method !== 'POST' || !target.startsWith('TrentService.')) {
        throw new KmsFault(
          'UnknownOperationException',
          `unsupported ${req.method ?? ''} ${target}`,
        );
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KmsRequest;
      const operation = target.slice('TrentService.'.length);
      const answer = this.dispatch(operation, body);
      this.calls[operation] += 1;
      res.statusCode = 200;
      res.end(JSON.stringify(answer));
    } catch (error) {
      const fault =
        error instanceof KmsFault ? error : new KmsFault('KMSInternalException', String(error));
      res.statusCode = fault.type === 'KMSInternalException' ? 500 : 400;
      res.end(JSON.stringify({ __type: fault.type, message: fault.message }));
    }
  }

  private dispatch(operation: string, body: KmsRequest): Record<string, unknown> {
    switch (operation) {
      case 'GenerateDataKey': {
        const keyId = this.keyId(body.KeyId);
        const length = body.NumberOfBytes ?? (body.KeySpec === 'AES_128' ? 16 : 32);
        const plaintext = randomBytes(length);
        return {
          KeyId: keyId,
          Plaintext: plaintext.toString('base64'),
          CiphertextBlob: this.seal(keyId, plaintext, body.EncryptionContext).toString('base64'),
        };
      }
      case 'Encrypt': {
        const keyId = this.keyId(body.KeyId);
        const plaintext = Buffer.from(body.Plaintext ?? '', 'base64');
        return {
          KeyId: keyId,
          CiphertextBlob: this.seal(keyId, plaintext, body.EncryptionContext).toString('base64'),
        };
      }
      case 'Decrypt': {
        const blob = Buffer.from(body.CiphertextBlob ?? '', 'base64');
        const { keyId, plaintext } = this.open(blob, body.EncryptionContext);
        if (body.KeyId !== undefined && body.KeyId !== keyId) {
          throw new KmsFault(
            'IncorrectKeyException',
            'ciphertext was not encrypted under the requested key',
          );
        }
        return { KeyId: keyId, Plaintext: plaintext.toString('base64') };
      }
      default:
        throw new KmsFault('UnknownOperationException', operation);
    }
  }

  private keyId(keyId: string | undefined): string {
    if (keyId === undefined || !this.keys.has(keyId)) {
      throw new KmsFault('NotFoundException', `key ${String(keyId)} does not exist`);
    }
    return keyId;
  }

  private seal(
    keyId: string,
    plaintext: Buffer,
    context: Record<string, string> | undefined,
  ): Buffer {
    const id = Buffer.from(keyId, 'utf8');
    const nonce = randomBytes(12);
    const aad = EncryptionContextCodec.canonical(context ?? {});
    const sealed = AesGcm.encrypt(this.keys.get(keyId) as Buffer, nonce, plaintext, aad);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length, 0);
    return Buffer.concat([length, id, nonce, sealed]);
  }

  private open(
    blob: Buffer,
    context: Record<string, string> | undefined,
  ): { keyId: string; plaintext: Buffer } {
    try {
      const idLength = blob.readUInt16BE(0);
      const keyId = this.keyId(blob.subarray(2, 2 + idLength).toString('utf8'));
      const nonce = blob.subarray(2 + idLength, 14 + idLength);
      const aad = EncryptionContextCodec.canonical(context ?? {});
      return {
        keyId,
        plaintext: AesGcm.decrypt(
          this.keys.get(keyId) as Buffer,
          nonce,
          blob.subarray(14 + idLength),
          aad,
        ),
      };
    } catch (error) {
      if (error instanceof KmsFault) {
        throw error;
      }
      throw new KmsFault(
        'InvalidCiphertextException',
        error instanceof CryptoError ? error.message : 'bad blob',
      );
    }
  }
}
