import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { agreementReportToCsv } from '@readingroom/agreement';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { SyncServer, type DocumentStorage } from '@readingroom/sync-server';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { CliError, ExitCode, type CliIo } from '../cli/cli-io';
import type { Config } from '../config/config-schema';
import { EncryptedStorage } from '../crypto/encrypted-storage';
import type { KeySource } from '../crypto/encryption-key';
import { openEncryption } from '../crypto/open-encryption';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { SqliteSessionStore } from '../sessions/sqlite-session-store';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { AGREEMENT_FORMATS, type AgreementFormat } from './agreement-api-schemas';
import { AgreementSubjectError, createAgreementService, type AgreementService } from './agreement-service';
import { catalogImageKeys } from './study-image-keys';

export interface AgreementCommandOptions {
  readonly project: string;
  readonly format?: string;
  readonly study?: string;
  readonly out?: string;
}

/**
 * Opens what a report reads in a data directory (users, projects and sessions in readingroom.db,
 * catalog.db, rooms.db, with the encryption key when the directory is encrypted), runs `fn` with
 * the same agreement service the server uses, and closes everything. Reading next to a running
 * server is safe (SQLite WAL); edits the server has not stored yet are not seen.
 */
export async function withAgreementService<T>(
  config: Pick<Config, 'dataDir'> & KeySource,
  fn: (service: AgreementService, projects: SqliteProjectStore) => Promise<T>,
): Promise<T> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const cipher = openEncryption(config.dataDir, config);
  const filename = join(config.dataDir, 'readingroom.db');
  const opened: { close(): unknown }[] = [];
  try {
    const users = SqliteUserStore.open({ filename });
    opened.push(users);
    const projects = SqliteProjectStore.open({ filename, cipher });
    opened.push(projects);
    const sessions = SqliteSessionStore.open({ filename });
    opened.push(sessions);
    const catalog = SqliteCatalog.open({ filename: join(config.dataDir, 'catalog.db'), cipher });
    opened.push(catalog);
    const rooms = SqliteStorage.open({ filename: join(config.dataDir, 'rooms.db') });
    opened.push(rooms);
    const storage: DocumentStorage = cipher.enabled ? new EncryptedStorage(rooms, cipher) : rooms;
    // No room is ever loaded: readDocument reads what storage holds.
    const documents = new SyncServer({ storage });
    const service = createAgreementService({ projects, sessions, users, documents, imageKeys: catalogImageKeys(catalog) });
    return await fn(service, projects);
  } finally {
    for (const store of opened.reverse()) await store.close();
  }
}

/** `agreement`: the project's (or one study's) agreement report as JSON or CSV, to stdout or a file. */
export async function agreementCommand(config: Pick<Config, 'dataDir'> & KeySource, options: AgreementCommandOptions, io: CliIo): Promise<number> {
  const format = (options.format ?? 'json') as AgreementFormat;
  if (!AGREEMENT_FORMATS.includes(format)) throw new CliError(`invalid format "${options.format}": one of ${AGREEMENT_FORMATS.join(', ')}`);
  const text = await withAgreementService(config, async (service, projects) => {
    const project = (await projects.findProjectByName(options.project)) ?? (await projects.getProject(options.project));
    if (!project) throw new CliError(`no project "${options.project}"`);
    try {
      const view = options.study ? await service.studyReport(project.id, options.study) : await service.projectReport(project.id);
      return format === 'csv' ? agreementReportToCsv(view.report) : `${JSON.stringify(view, null, 2)}\n`;
    } catch (error) {
      if (error instanceof AgreementSubjectError) throw new CliError(error.code === 'study_not_found' ? `the study is not in project "${project.name}"` : error.message);
      throw error;
    }
  });
  if (options.out === undefined) {
    io.stdout(text);
  } else {
    writeFileAtomic(resolve(options.out), text);
    io.stderr(`wrote the agreement report to ${options.out}\n`);
  }
  return ExitCode.Ok;
}
