import { join } from 'node:path';
import { rekeyCatalog } from '../catalog/catalog-rekey';
import { DEID_MAPPING_FILE, rekeyMappingFile } from '../import/deid-secret';
import { rekeyProjectStore } from '../projects/sqlite-project-store';
import { createKeyedCipher } from './data-cipher';
import type { EncryptionKey } from './encryption-key';
import { keyMatchesMarker, markerFor, readMarker, writeMarker, type EncryptionMarker } from './encryption-marker';
import { rekeyAuditLog, rekeyRooms } from './rekey-sqlite';

/** What a re-encryption rewrote, for the command's output (counts only). */
export interface RekeySummary {
  readonly roomValues: number;
  readonly projects: number;
  readonly labels: number;
  readonly files: number;
  readonly removedFiles: number;
  readonly mappings: number;
  readonly auditEntries: number;
}

/** The data directory is not in a state this re-encryption can start from. */
export class RekeyRefusedError extends Error {
  override readonly name = 'RekeyRefusedError';
}

/**
 * Re-encrypts everything in `dataDir` under `target`: document updates and snapshots, project
 * descriptions and label names, catalog columns and blind indexes, DICOM files (renamed to their
 * new HMAC names), the de-identification mapping file, the audit log's before/after values. `current` is the directory's key, or null
 * for the `encrypt` migration of a plaintext directory. Run with the server stopped.
 *
 * The marker records the target as pending first, so an interrupted run leaves a directory no
 * server will start on; running the same command again finishes it (every step opens data under
 * either key, or plaintext for the migration, and is repeatable). Only at the end does the marker
 * name the target key alone, and from then on the old key is refused.
 */
export async function rekeyDataDir(dataDir: string, current: EncryptionKey | null, target: EncryptionKey): Promise<RekeySummary> {
  const marker = readMarker(dataDir);
  checkStart(dataDir, marker, current, target);
  const pending: EncryptionMarker = current
    ? { ...markerFor(current), pendingKeyId: target.idHex }
    : { format: 'readingroom-encryption', version: 1, algorithm: 'AES-256-GCM', keyId: null, check: null, pendingKeyId: target.idHex };
  writeMarker(dataDir, pending);

  // Reads anything sealed by either key (and plaintext during the migration); writes under target.
  const from = createKeyedCipher(target, { alsoDecryptWith: current ? [current] : [], acceptPlaintext: current === null });
  const to = createKeyedCipher(target);
  const roomValues = rekeyRooms(join(dataDir, 'rooms.db'), from, to);
  const { projects, labels } = rekeyProjectStore(join(dataDir, 'readingroom.db'), from, to);
  const { files, removedFiles } = await rekeyCatalog(dataDir, from, to);
  const mappings = rekeyMappingFile(join(dataDir, DEID_MAPPING_FILE), from, to);
  const auditEntries = rekeyAuditLog(join(dataDir, 'audit.db'), from, to);

  writeMarker(dataDir, markerFor(target));
  return { roomValues, projects, labels, files, removedFiles, mappings, auditEntries };
}

function checkStart(dataDir: string, marker: EncryptionMarker | null, current: EncryptionKey | null, target: EncryptionKey): void {
  if (current === null) {
    if (!marker) return;
    if (marker.keyId === null && marker.pendingKeyId === target.idHex) return; // resuming the migration
    if (marker.keyId === null) throw new RekeyRefusedError(`an interrupted \`encrypt\` of ${dataDir} was started with another key (key id ${marker.pendingKeyId}); run it again with that key`);
    throw new RekeyRefusedError(`${dataDir} is already encrypted (key id ${marker.keyId}); use \`readingroom key rotate\` to change the key`);
  }
  if (!marker || marker.keyId === null) throw new RekeyRefusedError(`${dataDir} is not encrypted; run \`readingroom encrypt\` first`);
  if (!keyMatchesMarker(marker, current)) {
    throw new RekeyRefusedError(`the encryption key given (key id ${current.idHex}) is not the key of ${dataDir} (key id ${marker.keyId})`);
  }
  if (marker.pendingKeyId !== undefined && marker.pendingKeyId !== target.idHex) {
    throw new RekeyRefusedError(`an interrupted rotation of ${dataDir} to key id ${marker.pendingKeyId} must be finished first: run it again with that new key`);
  }
  if (current.idHex === target.idHex) throw new RekeyRefusedError('the new key is the same as the current key');
}
