import { writeFileAtomic } from '../fs/write-file-atomic';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyedCipher } from './data-cipher';
import type { EncryptionKey } from './encryption-key';

/** `<dataDir>/encryption.json`: which key the directory is encrypted under. Never holds the key. */
export const MARKER_FILE = 'encryption.json';

/** Files and folders that hold data which encryption covers (secrets files do not count). */
export const DATA_ENTRIES = ['rooms.db', 'readingroom.db', 'catalog.db', 'audit.db', 'dicom', 'deid-mapping.jsonl'] as const;

export interface EncryptionMarker {
  readonly format: 'readingroom-encryption';
  readonly version: 1;
  readonly algorithm: 'AES-256-GCM';
  /** Key id (hex) everything is sealed under; null only while an `encrypt` migration runs. */
  readonly keyId: string | null;
  /** A known value sealed under that key: proves a given key is the right one. */
  readonly check: string | null;
  /** Set while `readingroom encrypt` or `key rotate` re-encrypts: the key id being moved to. */
  readonly pendingKeyId?: string;
}

const CHECK_VALUE = 'readingroom encryption check';
const checkAd = (keyId: string) => `marker/${keyId}`;

/** Reads the marker; null when the directory was never encrypted. */
export function readMarker(dataDir: string): EncryptionMarker | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, MARKER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const marker = JSON.parse(text) as Partial<EncryptionMarker>;
  if (marker.format !== 'readingroom-encryption' || marker.version !== 1) {
    throw new Error(`${join(dataDir, MARKER_FILE)} is not a Reading Room encryption marker of a known version`);
  }
  return marker as EncryptionMarker;
}

/** The marker for a directory fully encrypted under `key`. */
export function markerFor(key: EncryptionKey, pendingKeyId?: string): EncryptionMarker {
  return {
    format: 'readingroom-encryption',
    version: 1,
    algorithm: 'AES-256-GCM',
    keyId: key.idHex,
    check: createKeyedCipher(key).encrypt(CHECK_VALUE, checkAd(key.idHex)),
    ...(pendingKeyId !== undefined ? { pendingKeyId } : {}),
  };
}

/** True when `key` opens the marker's check value. */
export function keyMatchesMarker(marker: EncryptionMarker, key: EncryptionKey): boolean {
  if (marker.keyId !== key.idHex || marker.check === null) return false;
  try {
    return createKeyedCipher(key).decrypt(marker.check, checkAd(key.idHex)) === CHECK_VALUE;
  } catch {
    return false;
  }
}

/** Writes the marker atomically (temporary file, fsync, rename). `exclusive`: fail if one exists. */
export function writeMarker(dataDir: string, marker: EncryptionMarker, options: { exclusive?: boolean } = {}): void {
  const target = join(dataDir, MARKER_FILE);
  const text = `${JSON.stringify(marker, null, 2)}\n`;
  if (options.exclusive) {
    const fd = openSync(target, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  writeFileAtomic(target, text);
}

/** True when the directory already holds data that would be plaintext. */
export function holdsData(dataDir: string): boolean {
  return DATA_ENTRIES.some((entry) => existsSync(join(dataDir, entry)));
}
