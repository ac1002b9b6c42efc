import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** The HTTPS listener's certificate chain and private key, PEM, read once at start-up. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Both files or neither: one alone is a mistake, not a request for plain HTTP. Each must be
 * readable and the pair must load as a certificate with its key, so a bad file stops the start
 * with a line naming it rather than failing the first handshake.
 */
export function readTlsFiles(certFile?: string, keyFile?: string): TlsFiles | null {
  if (!certFile && !keyFile) {
    return null;
  }
  if (!certFile || !keyFile) {
    throw new Error(
      `TLS_CERT_FILE and TLS_KEY_FILE must be set together (only ${certFile ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'} is set)`,
    );
  }
  const read = (name: string, path: string): Buffer => {
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- TLS_CERT_FILE or TLS_KEY_FILE, the operator's settings
      return readFileSync(path);
    } catch (e) {
      throw new Error(
        `${name} cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'} ${path}`,
      );
    }
  };
  const files = { cert: read('TLS_CERT_FILE', certFile), key: read('TLS_KEY_FILE', keyFile) };
  try {
    createSecureContext(files);
  } catch (e) {
    throw new Error(
      `TLS_CERT_FILE and TLS_KEY_FILE do not load as a PEM certificate and its private key: ${(e as Error).message}`,
    );
  }
  return files;
}

/** TLS 1.2 at least; Node negotiates 1.3 with every client that offers it. */
export const TLS_MIN_VERSION = 'TLSv1.2';
