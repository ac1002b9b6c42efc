import forge from 'node-forge';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface TestCertificates {
  /** PEM of the CA that signed the server certificate (what a client trusts). */
  caPem: string;
  certPem: string;
  keyPem: string;
}

function rsaKeys(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
} {
  // node:crypto makes the key in milliseconds; node-forge only signs.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return {
    privateKey: forgeKey,
    publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
    pem,
  };
}

function certificate(
  subject: string,
  publicKey: forge.pki.PublicKey,
  issuer: { name: string; key: forge.pki.rsa.PrivateKey },
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer.name }]);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

/**
 * A throwaway CA and a server certificate it signed for localhost and 127.0.0.1; `clientAuth`
 * lets the certificate serve as a client's too (servers that connect to each other, such as a
 * Redis Cluster's bus, present it both ways).
 */
export function makeTestCertificates(
  serverName = 'localhost',
  options: { clientAuth?: boolean } = {},
): TestCertificates {
  const ca = rsaKeys();
  const caName = `Test CA ${randomBytes(4).toString('hex')}`;
  const caCert = certificate(caName, ca.publicKey, { name: caName, key: ca.privateKey }, [
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  const server = rsaKeys();
  const serverCert = certificate(
    serverName,
    server.publicKey,
    { name: caName, key: ca.privateKey },
    [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: options.clientAuth === true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: serverName },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  );
  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(serverCert),
    keyPem: server.pem,
  };
}
