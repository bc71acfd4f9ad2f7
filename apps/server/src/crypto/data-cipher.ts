import { createHash, createHmac } from 'node:crypto';
import { EnvelopeError, envelopeKeyId, open, seal } from './envelope';
import type { EncryptionKey } from './encryption-key';

/**
 * Encrypts short strings (database columns, audit before/after JSON) for storage. `ad` names the
 * value's place, e.g. `catalog/patients.patient_name/<row key>`; decrypting with another `ad`
 * fails. The audit log and any other store apply it to values before they reach SQLite.
 */
export interface FieldCipher {
  /** False for the plaintext cipher of a data directory without encryption. */
  readonly enabled: boolean;
  /** The stored form of `value`: base64 of an envelope (the value itself when disabled). */
  encrypt(value: string, ad: string): string;
  /** The value back from its stored form; throws when it was tampered with, moved or sealed under an unknown key. */
  decrypt(stored: string, ad: string): string;
  /**
   * A deterministic keyed digest of `value` for equality lookups (HMAC-SHA-256, hex); the value
   * itself when disabled. `purpose` separates indexes so equal values in two columns differ.
   */
  blindIndex(purpose: string, value: string): string;
}

/** Everything stored under a data directory's key: strings, byte blobs and content names. */
export interface DataCipher extends FieldCipher {
  /** Hex id of the key new data is sealed under; null when disabled. */
  readonly keyId: string | null;
  encryptBytes(plain: Uint8Array, ad: string): Uint8Array;
  decryptBytes(stored: Uint8Array, ad: string): Uint8Array;
  /**
   * Name of a file's content for dedupe and ETags: SHA-256 hex when disabled, HMAC-SHA-256 hex
   * under the index key when enabled (a plain hash would confirm guesses of a file's content).
   */
  contentHash(bytes: Uint8Array): string;
}

/** The same cipher for nullable columns: null stays null. */
export const nullableField = (cipher: FieldCipher) => ({
  encrypt: (value: string | null, ad: string) => (value === null ? null : cipher.encrypt(value, ad)),
  decrypt: (stored: string | null, ad: string) => (stored === null ? null : cipher.decrypt(stored, ad)),
});

/** The cipher of a data directory without encryption: every operation is the identity. */
export const plaintextCipher: DataCipher = {
  enabled: false,
  keyId: null,
  encrypt: (value) => value,
  decrypt: (stored) => stored,
  blindIndex: (_purpose, value) => value,
  encryptBytes: (plain) => plain,
  decryptBytes: (stored) => stored,
  contentHash: (bytes) => createHash('sha256').update(bytes).digest('hex'),
};

export interface KeyedCipherOptions {
  /** Keys that may have sealed existing data (older keys during a rotation). */
  readonly alsoDecryptWith?: readonly EncryptionKey[];
  /**
   * Hand back values that are not envelopes as they are: only for the `encrypt` migration, which
   * reads a directory that is partly plaintext. Never set for serving.
   */
  readonly acceptPlaintext?: boolean;
}

/** A cipher that seals with `key` and opens anything sealed by `key` or `alsoDecryptWith`. */
export function createKeyedCipher(key: EncryptionKey, options: KeyedCipherOptions = {}): DataCipher {
  const byId = new Map<string, EncryptionKey>([[key.idHex, key]]);
  for (const other of options.alsoDecryptWith ?? []) byId.set(other.idHex, other);
  const lookup = (id: string) => byId.get(id);
  const acceptPlaintext = options.acceptPlaintext === true;
  const hmacHex = (domain: string, data: string | Uint8Array) =>
    createHmac('sha256', key.indexKey).update(`${domain}\u0000`).update(data).digest('hex');

  const decryptBytes = (stored: Uint8Array, ad: string): Uint8Array => {
    if (acceptPlaintext && envelopeKeyId(stored) === null) return stored;
    return open(lookup, stored, ad);
  };
  return {
    enabled: true,
    keyId: key.idHex,
    encryptBytes: (plain, ad) => seal(key, plain, ad),
    decryptBytes,
    encrypt: (value, ad) => Buffer.from(seal(key, Buffer.from(value, 'utf8'), ad)).toString('base64'),
    decrypt(stored, ad) {
      const bytes = Buffer.from(stored, 'base64');
      // base64 decoding is lenient: only a canonical round trip counts as an envelope.
      const isEnvelope = envelopeKeyId(bytes) !== null && bytes.toString('base64') === stored;
      if (!isEnvelope) {
        if (acceptPlaintext) return stored;
        throw new EnvelopeError('not-an-envelope', 'stored value is not encrypted (no RRE1 envelope)');
      }
      return Buffer.from(open(lookup, bytes, ad)).toString('utf8');
    },
    blindIndex: (purpose, value) => hmacHex(`index/${purpose}`, value),
    contentHash: (bytes) => hmacHex('content', bytes),
  };
}
