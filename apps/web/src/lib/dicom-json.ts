/** One dataset in the DICOM JSON model (PS3.18 F.2): tag (8 hex digits) → element. */
export type DicomJson = Record<string, DicomJsonElement>;
export interface DicomJsonElement {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export const TAG = {
  SOPInstanceUID: '00080018',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  SeriesInstanceUID: '0020000E',
  StudyInstanceUID: '0020000D',
  SeriesNumber: '00200011',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfSeriesRelatedInstances: '00201209',
  StudyDate: '00080020',
  WindowCenter: '00281050',
  WindowWidth: '00281051',
  WindowExplanation: '00281055',
} as const;

export function firstString(dataset: DicomJson, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  return typeof value === 'string' ? value : undefined;
}

export function numbers(dataset: DicomJson, tag: string): number[] {
  return (dataset[tag]?.Value ?? []).map(Number).filter((n) => Number.isFinite(n));
}
