// Test-only helpers shared by the format tests.
import type { Annotation } from '@readingroom/model';
import { importLabels } from '../import-labels';
import type { ExportInput, FormatName, ImportResult, LabelFile } from '../types';
import { NOW, TAXONOMY } from './demo-fixture';

export function reimport(format: FormatName, files: readonly LabelFile[], input: ExportInput, extra: { sourceReaderId?: string } = {}): ImportResult {
  return importLabels(format, files, { readerId: input.readerId, taxonomy: [...TAXONOMY], images: input.images, now: NOW + 3_600_000, ...extra });
}

/** What every format keeps: kind, label, placement and geometry. */
export function placement(a: Annotation): unknown {
  const base = { kind: a.kind, label: a.label, study: a.studyInstanceUid, series: a.seriesInstanceUid, geometry: a.geometry };
  return a.kind === 'box2d' ? { ...base, sop: a.sopInstanceUid, frame: a.frameIndex } : base;
}

export const textOf = (file: LabelFile | undefined): string => {
  if (!file) throw new Error('missing file');
  return typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content);
};

export function fileAt(files: readonly LabelFile[], path: string): LabelFile {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no file ${path} in ${files.map((f) => f.path).join(', ')}`);
  return file;
}
