import { createHmac, randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDateShifter, createUidMapper, type DeidentifyMapping, type DeidentifyOptions } from '@readingroom/dicom';
import { plaintextCipher, type FieldCipher } from '../crypto/data-cipher';

/** How an import de-identifies: the key for pseudonyms, date shifts and UIDs, and where mappings go. */
export interface DeidOptions {
  /** From {@link resolveDeidSecret}. The same key always gives the same pseudonyms and UIDs. */
  readonly secret: Uint8Array;
  /** File to append the original → new mappings to (JSON lines, mode 0600); absent: none are kept. */
  readonly mappingFile?: string;
}

export const DEID_SECRET_FILE = 'deid-secret';
export const DEID_MAPPING_FILE = 'deid-mapping.jsonl';

/**
 * The de-identification key of a data directory, `<dataDir>/deid-secret` (32 random bytes,
 * hex, mode 0600), created on first use. Losing it means re-importing the same files gives
 * new pseudonyms and UIDs; leaking it lets anyone holding the originals link them.
 */
export function resolveDeidSecret(dataDir: string): Uint8Array {
  const file = join(dataDir, DEID_SECRET_FILE);
  const read = () => {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file} is not 64 hex digits; restore it from a backup`);
    return Buffer.from(text, 'hex');
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read();
}

/** The package's de-identification policies, all derived from one HMAC-SHA-256 key. */
export function deidentifyPolicies(options: DeidOptions): DeidentifyOptions {
  const hmac = (data: Uint8Array) => createHmac('sha256', options.secret).update(data).digest();
  const pseudonym = (originalPatientId: string) => {
    const digest = hmac(new TextEncoder().encode(`patient\u0000${originalPatientId.trim()}`));
    const code = digest.subarray(0, 8).toString('hex').toUpperCase();
    return { id: `RR-${code}`, name: `ANONYMOUS^${code}` };
  };
  return {
    patientPseudonym: pseudonym,
    dateShiftDays: createDateShifter(hmac),
    uidMap: createUidMapper(hmac),
    keepMapping: options.mappingFile !== undefined,
  };
}

/** Associated data of an encrypted mapping line. */
const MAPPING_AD = 'import/deid-mapping';

/**
 * Appends one mapping (sensitive: it holds the original identifiers) to the mapping file: a JSON
 * line, or with encryption at rest the base64 envelope of that line.
 */
export function appendMapping(file: string, mapping: DeidentifyMapping, cipher: FieldCipher = plaintextCipher): void {
  appendFileSync(file, `${cipher.encrypt(JSON.stringify(mapping), MAPPING_AD)}\n`, { mode: 0o600 });
}

/** Every mapping of a mapping file, in order; [] when there is none. */
export function readMappings(file: string, cipher: FieldCipher = plaintextCipher): DeidentifyMapping[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
  return lines.map((line) => JSON.parse(cipher.decrypt(line, MAPPING_AD)) as DeidentifyMapping);
}

/** Rewrites the mapping file from `from` to `to` (atomically: temporary file, fsync, rename). */
export function rekeyMappingFile(file: string, from: FieldCipher, to: FieldCipher): number {
  if (!existsSync(file)) return 0;
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
  const text = lines.map((line) => `${to.encrypt(from.decrypt(line, MAPPING_AD), MAPPING_AD)}\n`).join('');
  writeFileAtomic(file, text);
  return lines.length;
}
