import { readFileSync } from 'node:fs';

/** PEM key and certificate chain for `https.createServer`. */
export interface TlsFiles {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** Reads the configured key and certificate; null when TLS is not configured. Throws naming the file that could not be read. */
export function loadTls(config: { tlsCertFile?: string | undefined; tlsKeyFile?: string | undefined }): TlsFiles | null {
  if (!config.tlsCertFile || !config.tlsKeyFile) return null;
  return { cert: readPem(config.tlsCertFile, 'tlsCertFile'), key: readPem(config.tlsKeyFile, 'tlsKeyFile') };
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
