import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KEY_ID_BYTES, type SealingKey } from './envelope';

/** One data-encryption key with its id and the subkeys derived from it. Never logged. */
export interface EncryptionKey extends SealingKey {
  /** First 8 bytes of SHA-256 of the key, lower-case hex: safe to print and store. */
  readonly idHex: string;
  /** HMAC-SHA-256 key for blind indexes and content names, derived from the key (HKDF). */
  readonly indexKey: Uint8Array;
}

const KEY_BYTES = 32;

/** A key that could not be read or is not 32 bytes; the message never contains key material. */
export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
}

const derive = (key: Uint8Array, info: string) => new Uint8Array(hkdfSync('sha256', key, new Uint8Array(0), info, KEY_BYTES));

/** Builds the key (id and subkeys) from 32 raw bytes. */
export function encryptionKeyFromBytes(raw: Uint8Array): EncryptionKey {
  if (raw.byteLength !== KEY_BYTES) throw new EncryptionKeyError(`an encryption key must be ${KEY_BYTES} bytes, got ${raw.byteLength}`);
  const id = new Uint8Array(createHash('sha256').update(raw).digest().subarray(0, KEY_ID_BYTES));
  return {
    id,
    idHex: Buffer.from(id).toString('hex'),
    // Separate subkeys: the AEAD key and the HMAC key never share material directly.
    aesKey: derive(raw, 'readingroom/at-rest/aes-256-gcm/v1'),
    indexKey: derive(raw, 'readingroom/at-rest/hmac-index/v1'),
  };
}

/** Parses a key written as base64 (standard or url-safe, padding optional) of 32 bytes. */
export function parseEncryptionKey(text: string, source: string): EncryptionKey {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new EncryptionKeyError(`${source}: expected the base64 encoding of ${KEY_BYTES} random bytes`);
  }
  const raw = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (raw.length !== KEY_BYTES) {
    throw new EncryptionKeyError(`${source}: expected the base64 encoding of ${KEY_BYTES} bytes, got ${raw.length} bytes`);
  }
  return encryptionKeyFromBytes(raw);
}

/** Reads a key file: base64 text of 32 bytes, or exactly 32 raw bytes. */
export function readEncryptionKeyFile(path: string): EncryptionKey {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new EncryptionKeyError(`cannot read the encryption key file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (bytes.length === KEY_BYTES && !/^[A-Za-z0-9+/_=\s-]+$/.test(bytes.toString('latin1'))) return encryptionKeyFromBytes(bytes);
  return parseEncryptionKey(bytes.toString('utf8'), `encryption key file ${path}`);
}

/** Where a key may come from (config fields `encryptionKey` / `encryptionKeyFile`). */
export interface KeySource {
  readonly encryptionKey?: string | undefined;
  readonly encryptionKeyFile?: string | undefined;
}

/** The configured key, or null when encryption is not configured. Both set is an error. */
export function resolveEncryptionKey(source: KeySource): EncryptionKey | null {
  if (source.encryptionKey !== undefined && source.encryptionKeyFile !== undefined) {
    throw new EncryptionKeyError('set either READINGROOM_ENCRYPTION_KEY or an encryption key file, not both');
  }
  if (source.encryptionKeyFile !== undefined) return readEncryptionKeyFile(source.encryptionKeyFile);
  if (source.encryptionKey !== undefined) return parseEncryptionKey(source.encryptionKey, 'READINGROOM_ENCRYPTION_KEY');
  return null;
}

/** A fresh random key, base64 encoded (what `readingroom key generate` writes). */
export function generateEncryptionKeyText(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
