import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { CliError, ExitCode, type CliIo } from '../cli/cli-io';
import { generateEncryptionKeyText, readEncryptionKeyFile, resolveEncryptionKey, type KeySource } from './encryption-key';
import { readMarker } from './encryption-marker';
import { rekeyDataDir, type RekeySummary } from './rekey-data-dir';

const describe = (s: RekeySummary) =>
  `re-encrypted ${s.roomValues} document updates and snapshots, ${s.projects} projects, ${s.labels} labels, ` +
  `${s.files} DICOM files (${s.removedFiles} old files removed), ${s.mappings} de-identification mappings, ${s.auditEntries} audit entries\n`;

/** `readingroom encrypt`: encrypts an existing plaintext data directory under the configured key. */
export async function encryptCommand(config: { dataDir: string } & KeySource, io: Pick<CliIo, 'stdout'>): Promise<number> {
  const key = resolveEncryptionKey(config);
  if (!key) throw new CliError('no encryption key: give --encryption-key-file, READINGROOM_ENCRYPTION_KEY_FILE or READINGROOM_ENCRYPTION_KEY');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const summary = await rekeyDataDir(config.dataDir, null, key);
  io.stdout(describe(summary));
  io.stdout(`${config.dataDir} is encrypted under key id ${key.idHex}; the server now needs that key to start\n`);
  return ExitCode.Ok;
}

/** `readingroom key rotate --new-key-file <f>`: re-encrypts everything from the configured key to the new one. */
export async function rotateKeyCommand(config: { dataDir: string } & KeySource, newKeyFile: string, io: Pick<CliIo, 'stdout'>): Promise<number> {
  const current = resolveEncryptionKey(config);
  if (!current) {
    const marker = readMarker(config.dataDir);
    throw new CliError(
      marker ? `give the current key (key id ${marker.keyId}) with --encryption-key-file or READINGROOM_ENCRYPTION_KEY(_FILE)` : `${config.dataDir} is not encrypted; run \`readingroom encrypt\` first`,
    );
  }
  const target = readEncryptionKeyFile(newKeyFile);
  const summary = await rekeyDataDir(config.dataDir, current, target);
  io.stdout(describe(summary));
  io.stdout(`key rotated from key id ${current.idHex} to ${target.idHex}; the old key no longer opens ${config.dataDir}\n`);
  return ExitCode.Ok;
}

/** `readingroom key generate --out <file>`: writes a new random key (mode 0600, never overwrites). */
export function generateKeyCommand(out: string, io: Pick<CliIo, 'stdout'>): number {
  let fd: number;
  try {
    fd = openSync(out, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${out} already exists; not overwriting a key`);
    throw error;
  }
  try {
    writeSync(fd, `${generateEncryptionKeyText()}\n`);
  } finally {
    closeSync(fd);
  }
  io.stdout(`wrote a new encryption key to ${out} (key id ${readEncryptionKeyFile(out).idHex}); keep a copy: without it the data cannot be read\n`);
  return ExitCode.Ok;
}
