import { createKeyedCipher, plaintextCipher, type DataCipher } from './data-cipher';
import { resolveEncryptionKey, type KeySource } from './encryption-key';
import { holdsData, keyMatchesMarker, markerFor, readMarker, writeMarker } from './encryption-marker';

export type EncryptionSetupCode = 'key-missing' | 'wrong-key' | 'not-encrypted' | 'rekey-pending';

/** The data directory and the configured key do not fit together; the server must not start. */
export class EncryptionSetupError extends Error {
  override readonly name = 'EncryptionSetupError';
  constructor(
    readonly code: EncryptionSetupCode,
    message: string,
  ) {
    super(message);
  }
}

const KEY_HINT = 'give it with --encryption-key-file, READINGROOM_ENCRYPTION_KEY_FILE or READINGROOM_ENCRYPTION_KEY';

/**
 * The cipher a process must use on `dataDir`, decided before any database is opened:
 * - encrypted directory (marker present): the configured key must be the marker's key, else
 *   `EncryptionSetupError` (`key-missing`, `wrong-key`, or `rekey-pending` after an interrupted
 *   migration or rotation);
 * - no marker and no key: plaintext, as before;
 * - no marker, a key, and an empty directory: the marker is written and the directory is
 *   encrypted from now on;
 * - no marker, a key, and existing data: refused (`not-encrypted`) until `readingroom encrypt`.
 */
export function openEncryption(dataDir: string, source: KeySource): DataCipher {
  const key = resolveEncryptionKey(source);
  let marker = readMarker(dataDir);
  if (!marker && key) {
    if (holdsData(dataDir)) {
      throw new EncryptionSetupError(
        'not-encrypted',
        `the data directory ${dataDir} holds unencrypted data; stop the server and run \`readingroom encrypt --data-dir ${dataDir}\` with the key first`,
      );
    }
    try {
      writeMarker(dataDir, markerFor(key), { exclusive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    marker = readMarker(dataDir);
  }
  if (!marker) return plaintextCipher;
  if (marker.pendingKeyId !== undefined) {
    throw new EncryptionSetupError(
      'rekey-pending',
      `re-encryption of ${dataDir} to key ${marker.pendingKeyId} was interrupted; run the same \`readingroom encrypt\` or \`readingroom key rotate\` command again`,
    );
  }
  if (!key) {
    throw new EncryptionSetupError('key-missing', `the data directory ${dataDir} is encrypted (key id ${marker.keyId}) and no key was given; ${KEY_HINT}`);
  }
  if (!keyMatchesMarker(marker, key)) {
    throw new EncryptionSetupError(
      'wrong-key',
      `the encryption key given (key id ${key.idHex}) is not the key of ${dataDir} (key id ${marker.keyId}); refusing to start`,
    );
  }
  return createKeyedCipher(key);
}
