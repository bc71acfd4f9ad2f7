import type { DataSet } from './dicom-parser-module';
import { InstanceRecordSchema, type InstanceRecord } from './instance-record';
import { parseDataSet, type ParseOptions } from './parse-dataset';
import { SkipReason, type ParseFailure } from './skip-reason';

/** The outcome of {@link parseInstance}: a record, or why the file is skipped. */
export type ParseResult = { ok: true; instance: InstanceRecord } | ParseFailure;

function str(dataSet: DataSet, key: string): string | null {
  const value = dataSet.string(key)?.trim();
  return value === undefined || value === '' ? null : value;
}

function numbers(dataSet: DataSet, key: string): number[] | null {
  const raw = str(dataSet, key);
  if (raw === null) return null;
  const values = raw.split('\\').map((part) => Number.parseFloat(part.trim()));
  return values.every(Number.isFinite) ? values : null;
}

function firstNumber(dataSet: DataSet, key: string): number | null {
  return numbers(dataSet, key)?.[0] ?? null;
}

/** US attributes; a few writers store them with the wrong VR, so fall back to a string. */
function ushort(dataSet: DataSet, key: string): number | null {
  const element = dataSet.elements[key];
  if (!element || element.length === 0) return null;
  if (element.vr !== undefined && element.vr !== 'US' && element.vr !== 'SS') return firstNumber(dataSet, key);
  return dataSet.uint16(key) ?? null;
}

function fixed<T extends number[]>(values: number[] | null, length: T['length']): T | null {
  return values !== null && values.length >= length ? (values.slice(0, length) as T) : null;
}

function hasPixelData(dataSet: DataSet): boolean {
  return ['x7fe00010', 'x7fe00008', 'x7fe00009'].some((key) => dataSet.elements[key] !== undefined);
}

/**
 * Reads the attributes the indexer needs from one Part 10 file. Never throws on bad input:
 * failures come back as a {@link SkipReason} with a message free of patient data.
 */
export function parseInstance(bytes: Uint8Array, options: ParseOptions = {}): ParseResult {
  const parsed = parseDataSet(bytes, options);
  if (!parsed.ok) return parsed;
  const { dataSet: ds, transferSyntaxUid } = parsed;
  if (transferSyntaxUid === '') return { ok: false, reason: SkipReason.Unsupported, message: 'no transfer syntax' };
  if (!hasPixelData(ds)) return { ok: false, reason: SkipReason.NoPixelData, message: 'no pixel data element' };
  const studyInstanceUid = str(ds, 'x0020000d');
  const seriesInstanceUid = str(ds, 'x0020000e');
  const sopInstanceUid = str(ds, 'x00080018');
  if (!studyInstanceUid || !seriesInstanceUid || !sopInstanceUid) {
    return { ok: false, reason: SkipReason.MissingUid, message: 'missing study, series or SOP instance UID' };
  }
  const rows = ushort(ds, 'x00280010');
  const columns = ushort(ds, 'x00280011');
  const bitsAllocated = ushort(ds, 'x00280100');
  if (rows === null || columns === null || bitsAllocated === null) {
    return { ok: false, reason: SkipReason.Unsupported, message: 'image pixel module incomplete (rows, columns or bits allocated)' };
  }
  const candidate = {
    patient: {
      patientId: str(ds, 'x00100020'),
      patientName: str(ds, 'x00100010'),
      birthDate: str(ds, 'x00100030'),
      sex: str(ds, 'x00100040'),
    },
    study: {
      studyInstanceUid,
      studyDate: str(ds, 'x00080020'),
      studyTime: str(ds, 'x00080030'),
      accessionNumber: str(ds, 'x00080050'),
      studyDescription: str(ds, 'x00081030'),
      studyId: str(ds, 'x00200010'),
    },
    series: {
      seriesInstanceUid,
      modality: str(ds, 'x00080060'),
      seriesNumber: firstNumber(ds, 'x00200011'),
      seriesDescription: str(ds, 'x0008103e'),
      bodyPart: str(ds, 'x00180015'),
      frameOfReferenceUid: str(ds, 'x00200052'),
    },
    instance: {
      sopInstanceUid,
      sopClassUid: str(ds, 'x00080016'),
      instanceNumber: firstNumber(ds, 'x00200013'),
      rows,
      columns,
      numberOfFrames: Math.max(1, Math.trunc(firstNumber(ds, 'x00280008') ?? 1)),
      pixelSpacing: fixed<[number, number]>(numbers(ds, 'x00280030'), 2),
      imagePositionPatient: fixed<[number, number, number]>(numbers(ds, 'x00200032'), 3),
      imageOrientationPatient: fixed<[number, number, number, number, number, number]>(numbers(ds, 'x00200037'), 6),
      sliceThickness: firstNumber(ds, 'x00180050'),
      sliceLocation: firstNumber(ds, 'x00201041'),
      bitsAllocated,
      bitsStored: ushort(ds, 'x00280101'),
      pixelRepresentation: ushort(ds, 'x00280103'),
      photometricInterpretation: str(ds, 'x00280004'),
      samplesPerPixel: ushort(ds, 'x00280002') ?? 1,
      rescaleSlope: firstNumber(ds, 'x00281053'),
      rescaleIntercept: firstNumber(ds, 'x00281052'),
      windowCenter: firstNumber(ds, 'x00281050'),
      windowWidth: firstNumber(ds, 'x00281051'),
      transferSyntaxUid,
    },
  };
  const checked = InstanceRecordSchema.safeParse(candidate);
  if (!checked.success) {
    const paths = checked.error.issues.map((issue) => issue.path.join('.')).join(', ');
    return { ok: false, reason: SkipReason.Unsupported, message: `attributes out of range: ${paths}` };
  }
  return { ok: true, instance: checked.data };
}
