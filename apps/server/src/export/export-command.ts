import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError, ExitCode, type CliIo } from '../cli/cli-io';
import { CLI_ACTOR } from '../cli/project-commands';
import type { Config } from '../config/config-schema';
import type { KeySource } from '../crypto/encryption-key';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { EXPORT_FORMATS, EXPORT_SOURCES, formatsOf, type ExportFormat, type ExportReportView, type ExportSource } from './export-schemas';
import { createExportService, ExportError, type ExportPlan } from './export-service';
import { withDataDir } from './open-data-dir';
import { progressBar } from './progress-bar';
import { zipBytes } from './zip-writer';

export interface ExportCommandOptions {
  readonly project: string;
  readonly format: string;
  readonly source?: string | undefined;
  readonly study?: readonly string[] | undefined;
  /** A new or empty directory, or a file name ending in `.zip`. */
  readonly out: string;
  readonly includePatient?: boolean | undefined;
}

/** Issues printed in full; the rest are counted (all of them are in export-report.json). */
const SHOWN_ISSUES = 20;

function parseChoice<T extends string>(value: string, choices: readonly T[], what: string): T {
  if (!(choices as readonly string[]).includes(value)) throw new CliError(`invalid ${what} "${value}": one of ${choices.join(', ')}`);
  return value as T;
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

/** Writes the files into a directory that is new or empty, so no file of an earlier export is mixed in. */
function writeDirectory(out: string, plan: ExportPlan, onFile: (done: number, total: number) => void): number {
  if (existsSync(out) && readdirSync(out).length > 0) throw new CliError(`${out} is not empty: export into a new or empty directory (or a .zip file)`);
  let bytes = 0;
  for (const [i, file] of plan.files.entries()) {
    const target = join(out, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.bytes);
    bytes += file.bytes.byteLength;
    onFile(i + 1, plan.files.length);
  }
  return bytes;
}

function summary(report: ExportReportView, written: { files: number; bytes: number; out: string }): string {
  const labelFiles = report.files.length;
  const lines = [
    `exported ${labelFiles} label file${labelFiles === 1 ? '' : 's'} (${size(written.bytes)} written) of ${report.studies.length} stud${report.studies.length === 1 ? 'y' : 'ies'} ` +
      `from the ${report.source === 'consensus' ? 'consensus' : "readers' reads"} as ${report.formats.join(', ')} to ${written.out}`,
    `labels as of ${report.asOf}; ${report.deidentified ? 'de-identified (no patient attributes)' : 'WITH patient attributes in DICOM SR'}`,
    `reads: ${report.readers.map((r) => `${r.displayName} (${r.id})`).join(', ') || 'none'}`,
  ];
  if (report.notFinal.length > 0) {
    const what = report.source === 'consensus' ? 'consensus is not final' : 'reads are not all submitted';
    lines.push(`NOT FINAL: ${report.notFinal.length} stud${report.notFinal.length === 1 ? 'y' : 'ies'} whose ${what}: ${report.notFinal.join(', ')}`);
  }
  lines.push(`${report.skipped.length} item${report.skipped.length === 1 ? '' : 's'} skipped, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'} (details: export-report.json)`);
  return `${lines.join('\n')}\n`;
}

/**
 * `export`: the labels of a project (or of some studies) in one or all formats, from the consensus
 * or from every reader's read, into a directory (one folder per format) or a zip: the same files
 * and bytes as `GET /api/projects/:id/export`. Refuses a data directory a running server holds
 * (the export is audited, and the audit trail has one appender). Progress on stderr, the summary
 * on stdout. Exit 0 when label files were written, 1 when there was nothing to export or on
 * errors, 2 for usage errors.
 */
export async function exportCommand(config: Pick<Config, 'dataDir' | 'maxDocumentBytes'> & KeySource, options: ExportCommandOptions, io: CliIo): Promise<number> {
  const format = parseChoice<ExportFormat>(options.format, EXPORT_FORMATS, 'format');
  const source = parseChoice<ExportSource>(options.source ?? 'consensus', EXPORT_SOURCES, 'source');
  const out = resolve(options.out);
  const toZip = out.toLowerCase().endsWith('.zip');
  if (toZip && existsSync(out)) throw new CliError(`${options.out} exists: give a new file name`);
  const progress = progressBar(io);

  return withDataDir(config, io.stderr, async (dir) => {
    const project = (await dir.projects.findProjectByName(options.project)) ?? (await dir.projects.getProject(options.project));
    if (!project) throw new CliError(`no project "${options.project}"`);
    const service = createExportService({ projects: dir.projects, sessions: dir.sessions, users: dir.users, documents: dir.sync, images: dir.images });
    let plan: ExportPlan;
    try {
      plan = await service.prepare(
        { projectId: project.id, formats: formatsOf(format), source, studies: options.study?.length ? options.study : undefined, includePatient: options.includePatient === true },
        (p) => progress.update(p.stage, p.done, p.total),
      );
    } catch (error) {
      if (error instanceof ExportError) throw new CliError(error.code === 'study_not_found' ? `${error.message} "${project.name}"` : error.message);
      throw error;
    }
    let bytes: number;
    if (toZip) {
      const zip = await zipBytes(plan.files, plan.asOf);
      mkdirSync(dirname(out), { recursive: true });
      writeFileAtomic(out, zip);
      bytes = zip.byteLength;
    } else {
      bytes = writeDirectory(out, plan, (done, total) => progress.update('writing', done, total));
    }
    progress.clear();
    const { report } = plan;
    dir.audit.record([
      {
        actor: CLI_ACTOR,
        action: 'data.exported',
        projectId: project.id,
        studyUid: report.studies.length === 1 ? report.studies[0]!.studyInstanceUid : null,
        after: {
          format,
          source,
          studies: report.studies.length,
          readers: report.readers.length,
          files: plan.files.length,
          bytes,
          includePatient: !report.deidentified,
          notFinal: report.notFinal.length,
          completed: true,
          via: toZip ? 'cli-zip' : 'cli',
        },
      },
    ]);
    for (const issue of [...report.warnings, ...report.skipped].slice(0, SHOWN_ISSUES)) {
      const where = [issue.format, issue.readerId].filter((x) => x !== null).join(' ');
      io.stderr(`${issue.reason ? `skipped (${issue.reason})` : 'warning'}${where ? ` [${where}]` : ''} ${issue.item}: ${issue.message}\n`);
    }
    const more = report.warnings.length + report.skipped.length - SHOWN_ISSUES;
    if (more > 0) io.stderr(`... and ${more} more in export-report.json\n`);
    io.stdout(summary(report, { files: plan.files.length, bytes, out: options.out }));
    return report.files.length > 0 ? ExitCode.Ok : ExitCode.Error;
  });
}
