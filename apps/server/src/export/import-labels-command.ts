import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FORMATS, type FormatName } from '@readingroom/formats';
import { CliError, ExitCode, type CliIo } from '../cli/cli-io';
import { CLI_ACTOR } from '../cli/project-commands';
import type { Config } from '../config/config-schema';
import type { KeySource } from '../crypto/encryption-key';
import { ZipRefusedError } from '../import/unzip';
import { IMPORT_TARGETS, ModelIdSchema, type ImportReportView, type ImportTarget } from './export-schemas';
import { importEvent } from './export-routes';
import { importLabelsIntoStudy, ImportError } from './import-service';
import { labelFilesOf, type RawFile } from './label-files';
import { withDataDir } from './open-data-dir';
import { progressBar } from './progress-bar';

export interface ImportLabelsCommandOptions {
  readonly project: string;
  readonly study: string;
  readonly format: string;
  /** Files, zips or folders (read recursively). */
  readonly file: readonly string[];
  readonly as: string;
  /** as=read: the reader, by username or id. */
  readonly reader?: string | undefined;
  readonly model?: string | undefined;
  readonly fromReader?: string | undefined;
}

const SHOWN = 20;

/** The files under `paths`: a folder's files keep their path below it (YOLO's `labels/<image>.txt`). */
function readInputs(paths: readonly string[], onFile: (done: number, total: number) => void): RawFile[] {
  const found: { name: string; path: string }[] = [];
  const walk = (root: string, path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(root, join(path, name));
    else if (stat.isFile()) found.push({ name: root === path ? path : relative(root, path), path });
  };
  for (const path of paths) {
    try {
      walk(path, path);
    } catch (error) {
      throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return found.map(({ name, path }, i) => {
    const bytes = new Uint8Array(readFileSync(path));
    onFile(i + 1, found.length);
    return { name, bytes };
  });
}

function summary(report: ImportReportView, project: string): string {
  const { annotations, imageStates } = report.imported;
  return (
    `imported ${annotations} annotation${annotations === 1 ? '' : 's'} and ${imageStates} review outcome${imageStates === 1 ? '' : 's'} ` +
    `from ${report.files} file${report.files === 1 ? '' : 's'} (${report.format}) into ${report.as === 'read' ? 'the read' : 'the shared document'} of ` +
    `"${project}" (room ${report.room}) as ${report.author}; ${report.skipped.length} skipped, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}\n`
  );
}

/**
 * `import-labels`: labels of one study from files (COCO, YOLO, VinDr CSV, DICOM SR; files, zips
 * or folders) into a reader's read or, as pre-annotations, the shared document, exactly as
 * `POST …/import-labels` does: through the sync core's accept step (validated, stored, audited
 * per annotation). Works on a data directory no server holds (refused otherwise: the server's
 * rooms would not see the write). Exit 0 when something was imported or everything was already
 * there, 1 otherwise.
 */
export async function importLabelsCommand(
  config: Pick<Config, 'dataDir' | 'maxDocumentBytes' | 'maxImportBytes'> & KeySource,
  options: ImportLabelsCommandOptions,
  io: CliIo,
): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(options.format)) throw new CliError(`invalid format "${options.format}": one of ${FORMATS.join(', ')}`);
  if (!(IMPORT_TARGETS as readonly string[]).includes(options.as)) throw new CliError(`invalid --as "${options.as}": one of ${IMPORT_TARGETS.join(', ')}`);
  const format = options.format as FormatName;
  const as = options.as as ImportTarget;
  if (as === 'read' && options.reader === undefined) throw new CliError('--as read needs --reader <username>');
  if (as === 'read' && options.model !== undefined) throw new CliError('--model goes only with --as pre-annotations');
  if (as === 'pre-annotations' && options.reader !== undefined) throw new CliError('--reader goes only with --as read');
  if (options.model !== undefined && !ModelIdSchema.safeParse(options.model).success) throw new CliError('--model must look like model:<name>');
  if (options.file.length === 0) throw new CliError('give at least one --file');

  const progress = progressBar(io);
  const raw = readInputs(options.file, (done, total) => progress.update('reading', done, total));
  progress.clear();
  let files;
  try {
    files = labelFilesOf(raw, config.maxImportBytes);
  } catch (error) {
    if (error instanceof ZipRefusedError) throw new CliError(error.message);
    throw error;
  }

  return withDataDir(config, io.stderr, async (dir) => {
    const project = (await dir.projects.findProjectByName(options.project)) ?? (await dir.projects.getProject(options.project));
    if (!project) throw new CliError(`no project "${options.project}"`);
    let reader: string | undefined;
    if (options.reader !== undefined) {
      const user = (await dir.users.findByUsername(options.reader)) ?? (await dir.users.findById(options.reader));
      if (!user) throw new CliError(`no user "${options.reader}"`);
      reader = user.id;
    }
    let report: ImportReportView;
    try {
      report = await importLabelsIntoStudy(
        { projects: dir.projects, users: dir.users, authorize: (user, room) => dir.access.authorize(user, room), documents: dir.sync, images: dir.images },
        {
          projectId: project.id,
          studyUid: options.study,
          format,
          files,
          as,
          reader,
          model: options.model,
          fromReader: options.fromReader,
          // The operator on the data directory acts as an administrator, like the other commands.
          caller: { id: CLI_ACTOR, isAdmin: true },
        },
      );
    } catch (error) {
      if (error instanceof ImportError) throw new CliError(`${error.code}: ${error.message}`);
      throw error;
    }
    dir.audit.record([importEvent(CLI_ACTOR, project.id, options.study, { format, as, reader, model: options.model }, report)]);
    for (const s of report.skipped.slice(0, SHOWN)) io.stderr(`skipped (${s.reason}) ${s.item}: ${s.message}\n`);
    if (report.skipped.length > SHOWN) io.stderr(`... and ${report.skipped.length - SHOWN} more skipped\n`);
    for (const w of report.warnings.slice(0, SHOWN)) io.stderr(`warning ${w.item}: ${w.message}\n`);
    io.stdout(summary(report, project.name));
    const imported = report.imported.annotations + report.imported.imageStates;
    const allThere = report.skipped.length > 0 && report.skipped.every((s) => s.reason === 'already-present');
    return imported > 0 || allThere ? ExitCode.Ok : ExitCode.Error;
  });
}
