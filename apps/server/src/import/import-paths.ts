import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Importer, type ImporterOptions } from './importer';
import type { ImportSummary } from './import-summary';

export interface ImportProgress {
  readonly done: number;
  readonly total: number;
}

export interface ImportPathsOptions extends ImporterOptions {
  readonly onProgress?: (progress: ImportProgress) => void;
}

/**
 * Every regular file under the paths, directories walked recursively, in a stable order.
 * Symbolic links to directories are not followed (no loops); missing paths become skips.
 */
export async function listFiles(paths: readonly string[], onMissing: (path: string, message: string) => void): Promise<string[]> {
  const files: string[] = [];
  const visit = async (path: string, top: boolean) => {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      onMissing(path, (error as NodeJS.ErrnoException).code ?? 'cannot read');
      return;
    }
    if (info.isFile()) files.push(path);
    else if (info.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.isDirectory()) await visit(join(path, entry.name), false);
        else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(join(path, entry.name)).catch(() => null))?.isFile())) {
          files.push(join(path, entry.name));
        }
      }
    } else if (top) onMissing(path, 'not a file or directory');
  };
  for (const path of paths) await visit(path, true);
  return files;
}

/** Imports files and directories (recursively) into the catalog; see {@link Importer}. */
export async function importPaths(paths: readonly string[], options: ImportPathsOptions): Promise<ImportSummary> {
  const importer = new Importer(options);
  const files = await listFiles(paths, (path, message) => importer.skip(path, 'unreadable', message));
  let done = 0;
  for (const file of files) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(file);
    } catch (error) {
      importer.skip(file, 'unreadable', (error as NodeJS.ErrnoException).code ?? 'cannot read');
    }
    if (bytes) await importer.importBytes(file, bytes);
    done += 1;
    options.onProgress?.({ done, total: files.length });
  }
  return importer.summary();
}
