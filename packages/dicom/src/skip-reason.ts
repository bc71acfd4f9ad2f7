/** Why a file was not indexed. Machine-readable; the accompanying message never contains patient data. */
export const SkipReason = {
  NotDicom: 'not-dicom',
  Truncated: 'truncated',
  NoPixelData: 'no-pixel-data',
  MissingUid: 'missing-uid',
  Unsupported: 'unsupported',
} as const;

export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/** A failed parse: the reason and a short technical message. */
export interface ParseFailure {
  ok: false;
  reason: SkipReason;
  message: string;
}
