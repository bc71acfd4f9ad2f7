import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredFile } from './catalog';

/** SHA-256 of the bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The relative path of a file with this hash: `dicom/<first two hex digits>/<hash>.dcm`. */
export function contentPath(hash: string): string {
  return `dicom/${hash.slice(0, 2)}/${hash}.dcm`;
}

/**
 * Writes the bytes under `<dataDir>/dicom/<aa>/<sha256>.dcm` unless a file of that size is
 * already there. Atomic: written to a temporary file in the same directory, flushed, renamed.
 */
export function storeContent(dataDir: string, bytes: Uint8Array, hash = sha256Hex(bytes)): StoredFile {
  const path = contentPath(hash);
  const target = join(dataDir, path);
  const stored: StoredFile = { path, hash, size: bytes.byteLength };
  try {
    if (statSync(target).size === bytes.byteLength) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const dir = join(dataDir, 'dicom', hash.slice(0, 2));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, target);
  return stored;
}
