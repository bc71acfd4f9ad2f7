/**
 * Tags are written as eight upper-case hex digits, `GGGGEEEE`, the form used by the DICOM JSON
 * model. dicom-parser keys its elements as `xggggeeee`; these helpers convert between the two.
 */

/** Converts a numeric tag (group << 16 | element) to `GGGGEEEE`. */
export function tagKey(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** Converts a dicom-parser key (`x0020000d`) to `0020000D`. */
export function tagFromParserKey(key: string): string {
  return key.slice(1).toUpperCase();
}

/** Converts `0020000D` to the dicom-parser key `x0020000d`. */
export function parserKey(tag: string): string {
  return `x${tag.toLowerCase()}`;
}

/** The group number of a `GGGGEEEE` tag. */
export function tagGroup(tag: string): number {
  return Number.parseInt(tag.slice(0, 4), 16);
}

/** Private tags live in odd groups (PS3.5 7.8). */
export function isPrivateTag(tag: string): boolean {
  return tagGroup(tag) % 2 === 1;
}

/** Well-known tags used across the package. */
export const Tags = {
  TransferSyntaxUid: '00020010',
  MediaStorageSopClassUid: '00020002',
  MediaStorageSopInstanceUid: '00020003',
  SopClassUid: '00080016',
  SopInstanceUid: '00080018',
  StudyInstanceUid: '0020000D',
  SeriesInstanceUid: '0020000E',
  FrameOfReferenceUid: '00200052',
  PatientName: '00100010',
  PatientId: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  SamplesPerPixel: '00280002',
  BitsAllocated: '00280100',
  PixelData: '7FE00010',
  FloatPixelData: '7FE00008',
  DoubleFloatPixelData: '7FE00009',
  Item: 'FFFEE000',
  ItemDelimitation: 'FFFEE00D',
  SequenceDelimitation: 'FFFEE0DD',
} as const;
