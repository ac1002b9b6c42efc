import { generateKeyPairSync } from 'node:crypto';
import * as forge from 'node-forge';

/** One RSA-3072 key pair per test file, as PEM and as a password-protected PKCS#12 bundle. */
export class RsaKeysFixture {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly certificatePem: string;
  readonly pkcs12Password = 'p12-test-password';
  readonly pkcs12Der: Buffer;

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
    this.privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(this.privateKeyPem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    const subject = [{ name: 'commonName', value: 'privacy-service test' }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.sign(forgeKey, forge.md.sha256.create());
    this.certificatePem = forge.pki.certificateToPem(cert);
    const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], this.pkcs12Password, {
      algorithm: 'aes256',
    });
    this.pkcs12Der = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  }
}
