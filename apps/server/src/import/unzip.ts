import { unzipSync } from 'fflate';

/** A zip the server refuses to expand; `code` is machine-readable. */
export class ZipRefusedError extends Error {
  override readonly name = 'ZipRefusedError';
  constructor(
    readonly code: 'too_large' | 'too_many_entries' | 'invalid_zip',
    message: string,
  ) {
    super(message);
  }
}

export interface UnzipLimits {
  /** Largest total uncompressed size of the files taken out. */
  readonly maxBytes: number;
  readonly maxEntries?: number;
}

/**
 * The files of a zip, in memory. Declared uncompressed sizes are checked against the budget
 * before anything is inflated (fflate inflates into a buffer of the declared size, so a lying
 * header cannot make an entry grow past it): a zip bomb is refused, not expanded. Directories
 * and macOS resource forks are left out.
 */
export function unzipBounded(zip: Uint8Array, limits: UnzipLimits): Array<{ name: string; bytes: Uint8Array }> {
  const maxEntries = limits.maxEntries ?? 100_000;
  let budget = limits.maxBytes;
  let entries = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter(file) {
        if (file.name.endsWith('/') || file.name.startsWith('__MACOSX/')) return false;
        entries += 1;
        if (entries > maxEntries) throw new ZipRefusedError('too_many_entries', `the zip holds more than ${maxEntries} files`);
        budget -= file.originalSize;
        if (budget < 0) throw new ZipRefusedError('too_large', `the zip expands to more than ${limits.maxBytes} bytes`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ZipRefusedError) throw error;
    throw new ZipRefusedError('invalid_zip', `not a readable zip: ${(error as Error).message}`);
  }
  return Object.entries(files).map(([name, bytes]) => ({ name, bytes }));
}

/** Local file header magic `PK\x03\x04`. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
