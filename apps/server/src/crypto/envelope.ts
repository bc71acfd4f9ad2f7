import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The at-rest envelope: `RRE1` | key id (8) | nonce (12) | ciphertext | tag (16), AES-256-GCM.
 * The associated data names the place the bytes belong to (room and position, file hash, table
 * column and row), so a blob copied to another place fails to open instead of decrypting there.
 */
export const ENVELOPE_MAGIC = Buffer.from('RRE1', 'ascii');
export const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = ENVELOPE_MAGIC.length + KEY_ID_BYTES + NONCE_BYTES;
/** Bytes an envelope adds to its plaintext. */
export const ENVELOPE_OVERHEAD = HEADER_BYTES + TAG_BYTES;

/** Why an envelope did not open; never carries plaintext or key material. */
export type EnvelopeErrorCode = 'not-an-envelope' | 'unknown-key' | 'authentication-failed';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A 32-byte AES key and its 8-byte id (as in every envelope it seals). */
export interface SealingKey {
  readonly id: Uint8Array;
  readonly aesKey: Uint8Array;
}

const adBytes = (ad: string | Uint8Array) => (typeof ad === 'string' ? Buffer.from(ad, 'utf8') : ad);

/** Encrypts `plaintext` under `key`, bound to `ad`, with a fresh random nonce. */
export function seal(key: SealingKey, plaintext: Uint8Array, ad: string | Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.aesKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(adBytes(ad));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length + final.length + TAG_BYTES);
  let at = ENVELOPE_MAGIC.copy(out, 0);
  at += Buffer.from(key.id.buffer, key.id.byteOffset, key.id.byteLength).copy(out, at);
  at += nonce.copy(out, at);
  at += body.copy(out, at);
  at += final.copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** True when the bytes start like an envelope (magic and room for header and tag). */
export function looksSealed(bytes: Uint8Array): boolean {
  if (bytes.byteLength < ENVELOPE_OVERHEAD) return false;
  for (let i = 0; i < ENVELOPE_MAGIC.length; i++) if (bytes[i] !== ENVELOPE_MAGIC[i]) return false;
  return true;
}

/** The key id of an envelope, lower-case hex; null when the bytes are not an envelope. */
export function envelopeKeyId(bytes: Uint8Array): string | null {
  if (!looksSealed(bytes)) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset + ENVELOPE_MAGIC.length, KEY_ID_BYTES).toString('hex');
}

/**
 * Decrypts an envelope with the key its header names (looked up by hex id) and checks it against
 * `ad`. Throws `EnvelopeError` when it is not an envelope, the key is unknown, or any byte, the
 * key or the associated data differ from what was sealed.
 */
export function open(lookup: (keyIdHex: string) => SealingKey | undefined, envelope: Uint8Array, ad: string | Uint8Array): Uint8Array {
  const keyId = envelopeKeyId(envelope);
  if (keyId === null) throw new EnvelopeError('not-an-envelope', 'stored value is not encrypted (no RRE1 envelope)');
  const key = lookup(keyId);
  if (!key) throw new EnvelopeError('unknown-key', `stored value is encrypted under key ${keyId}, which was not given`);
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const nonce = buf.subarray(ENVELOPE_MAGIC.length + KEY_ID_BYTES, HEADER_BYTES);
  const body = buf.subarray(HEADER_BYTES, buf.length - TAG_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.aesKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(adBytes(ad));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch {
    throw new EnvelopeError('authentication-failed', 'stored value failed authentication (tampered, moved, or wrong key)');
  }
}
