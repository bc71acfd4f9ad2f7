import { inflateRawSync } from 'node:zlib';
import { DeidentifyError, deidentify, parseInstance, type ParseOptions, type ParseResult } from '@readingroom/dicom';
import type { Catalog } from '../catalog/catalog';
import { ContentStore } from '../catalog/file-store';
import type { DataCipher } from '../crypto/data-cipher';
import { appendMapping, deidentifyPolicies, type DeidOptions } from './deid-secret';
import type { ImportSkipReason, ImportSummary, SkippedFile } from './import-summary';

/** Deflated transfer syntax support for every parse in the server. */
export const PARSE_OPTIONS: ParseOptions = { inflateRaw: (data) => inflateRawSync(data) };

export interface ImporterOptions {
  readonly dataDir: string;
  readonly catalog: Catalog;
  /** Encryption at rest of stored files and the mapping file; default none. */
  readonly cipher?: DataCipher;
  /** De-identify every file before storing it. */
  readonly deidentify?: DeidOptions;
  /** Link every study seen (new or already present) to this project through `linkStudy`. */
  readonly projectId?: string;
  readonly linkStudy?: (projectId: string, studyUid: string) => void | Promise<void>;
  readonly onSkip?: (skip: SkippedFile) => void;
}

export type ImportOutcome = 'imported' | 'already-present' | 'skipped';

/** Operator-facing explanation of a skip; fixed phrases where the parser's message is technical. */
function describe(result: Extract<ParseResult, { ok: false }>): string {
  switch (result.reason) {
    case 'not-dicom':
      return 'not a DICOM file';
    case 'truncated':
      return /7FE0/i.test(result.message) ? 'pixel data runs past the end of the file' : 'the file ends in the middle of an element';
    case 'no-pixel-data':
      return 'no pixel data element';
    case 'missing-uid':
      return 'missing study, series or SOP instance UID';
    case 'unsupported':
      return result.message;
  }
}

/**
 * Imports files one at a time: parse, optionally de-identify, store content-addressed, index,
 * link to the project. Shared by the CLI (paths) and `POST /api/import` (uploads).
 */
export class Importer {
  readonly #options: ImporterOptions;
  readonly #files: ContentStore;
  readonly #studies = new Set<string>();
  readonly #series = new Set<string>();
  readonly #linked = new Set<string>();
  readonly #skipped: SkippedFile[] = [];
  #instances = 0;
  #alreadyPresent = 0;

  constructor(options: ImporterOptions) {
    this.#options = options;
    this.#files = new ContentStore(options.dataDir, options.cipher);
  }

  /** Records a file that could not even be read. */
  skip(path: string, reason: ImportSkipReason, message: string): 'skipped' {
    const skip = { path, reason, message };
    this.#skipped.push(skip);
    this.#options.onSkip?.(skip);
    return 'skipped';
  }

  async importBytes(path: string, original: Uint8Array): Promise<ImportOutcome> {
    const { catalog } = this.#options;
    let parsed = parseInstance(original, PARSE_OPTIONS);
    if (!parsed.ok) return this.skip(path, parsed.reason, describe(parsed));
    let bytes = original;
    if (this.#options.deidentify) {
      try {
        const result = deidentify(original, deidentifyPolicies(this.#options.deidentify));
        bytes = result.bytes;
        if (result.mapping && this.#options.deidentify.mappingFile) appendMapping(this.#options.deidentify.mappingFile, result.mapping, this.#options.cipher);
      } catch (error) {
        if (!(error instanceof DeidentifyError)) throw error;
        return this.skip(path, 'unsupported', `cannot de-identify: ${error.message}`);
      }
      parsed = parseInstance(bytes, PARSE_OPTIONS);
      if (!parsed.ok) return this.skip(path, 'unsupported', `de-identified file unreadable: ${parsed.reason}`);
    }
    const record = parsed.instance;
    const hash = this.#files.hash(bytes);
    let outcome: ImportOutcome = 'already-present';
    if (!(await catalog.isPresent({ hash, sopInstanceUid: record.instance.sopInstanceUid }))) {
      const file = this.#files.store(bytes, hash);
      const added = await catalog.addInstance(record, file);
      if (added.status === 'added') outcome = 'imported';
    }
    if (outcome === 'imported') {
      this.#instances += 1;
      this.#studies.add(record.study.studyInstanceUid);
      this.#series.add(record.series.seriesInstanceUid);
    } else {
      this.#alreadyPresent += 1;
    }
    await this.#link(record.study.studyInstanceUid);
    return outcome;
  }

  async #link(studyUid: string) {
    const { projectId, linkStudy } = this.#options;
    if (projectId === undefined || !linkStudy || this.#linked.has(studyUid)) return;
    this.#linked.add(studyUid);
    await linkStudy(projectId, studyUid);
  }

  summary(): ImportSummary {
    const skipped: Partial<Record<ImportSkipReason, number>> = {};
    for (const { reason } of this.#skipped) skipped[reason] = (skipped[reason] ?? 0) + 1;
    return {
      studies: this.#studies.size,
      series: this.#series.size,
      instances: this.#instances,
      alreadyPresent: this.#alreadyPresent,
      skipped,
      skippedFiles: [...this.#skipped],
    };
  }
}
