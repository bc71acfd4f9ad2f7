import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-schema';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { CliError, type CliIo } from '../cli/cli-io';
import type { KeySource } from '../crypto/encryption-key';
import { openEncryption } from '../crypto/open-encryption';
import { DEID_MAPPING_FILE, resolveDeidSecret, type DeidOptions } from './deid-secret';
import { importPaths, type ImportProgress } from './import-paths';
import { NO_PROJECTS, type ImportProjects } from './import-projects';
import { formatSkip, formatSummary, importSucceeded } from './import-summary';

export interface ImportCommandOptions {
  readonly project?: string;
  readonly deidentify?: boolean;
  readonly keepMapping?: boolean;
}

/** Output of the CLI, plus whether stdout is a terminal (progress bar) or not (periodic lines). */
export type ImportIo = CliIo;

const BAR_WIDTH = 30;

function progressWriter(io: ImportIo) {
  let lastLine = 0;
  let barShown = false;
  return {
    update({ done, total }: ImportProgress) {
      if (io.isTTY) {
        const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
        io.stdout(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} files`);
        barShown = true;
      } else if (done === total || Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        io.stdout(`progress: ${done}/${total} files\n`);
      }
    },
    /** Clears the bar so a full line can be printed. */
    line(text: string) {
      if (barShown) io.stdout('\r\x1b[2K');
      barShown = false;
      io.stdout(`${text}\n`);
    },
  };
}

/**
 * `import <path...>`: imports files and folders into `<dataDir>`. Exit code 0 when at least one
 * file was imported or every file was already present, 1 otherwise. Prints paths, reasons and
 * counts only: never a patient name, ID or date.
 */
export async function importCommand(
  config: Pick<Config, 'dataDir'> & KeySource,
  paths: readonly string[],
  options: ImportCommandOptions,
  io: ImportIo,
  projects: ImportProjects = NO_PROJECTS,
): Promise<number> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const cipher = openEncryption(config.dataDir, config);
  let projectId: string | undefined;
  let deidentify = options.deidentify === true;
  if (options.project !== undefined) {
    const project = await projects.findProjectByName(options.project);
    if (!project) throw new CliError(`no project "${options.project}"`);
    projectId = project.id;
    if (project.settings.forceDeidentify && !deidentify) {
      io.stdout(`project "${options.project}" requires de-identification: de-identifying\n`);
      deidentify = true;
    }
  }
  if (options.keepMapping && !deidentify) throw new CliError('--keep-mapping only makes sense with --deidentify');
  const deid: DeidOptions | undefined = deidentify
    ? {
        secret: resolveDeidSecret(config.dataDir),
        ...(options.keepMapping ? { mappingFile: join(config.dataDir, DEID_MAPPING_FILE) } : {}),
      }
    : undefined;

  const catalog = SqliteCatalog.open({ filename: join(config.dataDir, 'catalog.db'), cipher });
  const progress = progressWriter(io);
  try {
    const summary = await importPaths(paths, {
      dataDir: config.dataDir,
      catalog,
      cipher,
      ...(deid ? { deidentify: deid } : {}),
      ...(projectId !== undefined ? { projectId, linkStudy: (id: string, uid: string) => projects.linkStudy(id, uid) } : {}),
      onProgress: (p) => progress.update(p),
      onSkip: (skip) => progress.line(formatSkip(skip)),
    });
    progress.line(formatSummary(summary).trimEnd());
    return importSucceeded(summary) ? 0 : 1;
  } finally {
    await catalog.close();
  }
}
