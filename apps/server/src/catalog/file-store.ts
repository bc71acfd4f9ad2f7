import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { plaintextCipher, type DataCipher } from '../crypto/data-cipher';
import { ENVELOPE_OVERHEAD } from '../crypto/envelope';
import type { StoredFile } from './catalog';

/** SHA-256 of the bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The relative path of a file with this hash: `dicom/<first two hex digits>/<hash>.dcm`. */
export function contentPath(hash: string): string {
  return `dicom/${hash.slice(0, 2)}/${hash}.dcm`;
}

/** Associated data of an encrypted file: its content name, so files cannot be swapped. */
export const contentAd = (hash: string) => `dicom/${hash}`;

/** Writes `bytes` to `target` atomically (see writeFileAtomic), creating its folder. */
function writeAtomically(dir: string, target: string, bytes: Uint8Array): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(target, bytes);
}

/** True when `target` exists with exactly `size` bytes. */
function presentWithSize(target: string, size: number): boolean {
  try {
    return statSync(target).size === size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return false;
  }
}

/**
 * The content-addressed DICOM files of a data directory, `<dataDir>/dicom/<aa>/<name>.dcm`.
 * With encryption on, a file is one sealed envelope (bound to its name) and its name is an HMAC
 * of the plaintext; `StoredFile.size` is always the plaintext size.
 */
export class ContentStore {
  constructor(
    readonly dataDir: string,
    private readonly cipher: DataCipher = plaintextCipher,
  ) {}

  /** The content name of these bytes (dedupe key and ETag). */
  hash(bytes: Uint8Array): string {
    return this.cipher.contentHash(bytes);
  }

  /** Writes the bytes unless a file of that name and size is already there. */
  store(bytes: Uint8Array, hash = this.hash(bytes)): StoredFile {
    const path = contentPath(hash);
    const target = join(this.dataDir, path);
    const stored: StoredFile = { path, hash, size: bytes.byteLength };
    const onDisk = this.cipher.enabled ? bytes.byteLength + ENVELOPE_OVERHEAD : bytes.byteLength;
    if (presentWithSize(target, onDisk)) return stored;
    const sealed = this.cipher.encryptBytes(bytes, contentAd(hash));
    writeAtomically(join(this.dataDir, 'dicom', hash.slice(0, 2)), target, sealed);
    return stored;
  }

  absolutePath(file: Pick<StoredFile, 'path'>): string {
    return join(this.dataDir, ...file.path.split('/'));
  }

  /** The file's plaintext; rejects when it fails authentication. */
  async read(file: Pick<StoredFile, 'path' | 'hash'>): Promise<Uint8Array> {
    const bytes = await readFile(this.absolutePath(file));
    return this.cipher.decryptBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentAd(file.hash));
  }

  /**
   * The file's plaintext as a stream. Encrypted files are authenticated as a whole before the
   * first byte is released, so they are read into memory (as `/frames` already does).
   */
  stream(file: Pick<StoredFile, 'path' | 'hash'>): Readable {
    if (!this.cipher.enabled) return createReadStream(this.absolutePath(file));
    const read = () => this.read(file);
    return Readable.from(
      (async function* () {
        const bytes = await read();
        yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      })(),
    );
  }
}

/**
 * Writes the bytes under `<dataDir>/dicom/<aa>/<sha256>.dcm` unless a file of that size is
 * already there (plaintext store). Atomic: written to a temporary file in the same directory,
 * flushed, renamed.
 */
export function storeContent(dataDir: string, bytes: Uint8Array, hash = sha256Hex(bytes)): StoredFile {
  return new ContentStore(dataDir).store(bytes, hash);
}
