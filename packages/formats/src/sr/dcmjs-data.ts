import dcmjs from 'dcmjs';

type Dataset = Record<string, unknown>;

/** The part of dcmjs' `data` API this package uses: naturalized datasets in and out of Part 10. */
export interface DcmjsData {
  DicomDict: new (meta: Dataset) => { dict: Dataset; write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer };
  DicomMessage: { readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string }): { meta: Dataset; dict: Dataset } };
  DicomMetaDictionary: {
    naturalizeDataset(dataset: Dataset): Dataset;
    denaturalizeDataset(dataset: Dataset): Dataset;
  };
}

/** dcmjs' data API (typed here; the package itself is untyped). */
export const dcmjsData = (dcmjs as unknown as { data: DcmjsData }).data;

/** Writes a naturalized dataset as a Part 10 file (Explicit VR Little Endian) with dcmjs. */
export function writePart10(dataset: Dataset, meta: { implementationClassUid: string; implementationVersionName: string }): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjsData;
  const fileMeta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset['SOPClassUID'],
    MediaStorageSOPInstanceUID: dataset['SOPInstanceUID'],
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: meta.implementationClassUid,
    ImplementationVersionName: meta.implementationVersionName,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(fileMeta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/**
 * Reads a Part 10 file into a naturalized dataset with dcmjs; throws on unreadable bytes. Also
 * returns the file's own Specific Character Set (dcmjs reports every one as ISO_IR 192).
 */
export function readPart10WithCharset(bytes: Uint8Array): { dataset: Dataset; characterSet: string | null } {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const message = dcmjsData.DicomMessage.readFile(buffer);
  const charset = message.dict['00080005'] as { _rawValue?: unknown[]; Value?: unknown[] } | undefined;
  const value = charset?._rawValue?.[0] ?? charset?.Value?.[0];
  return { dataset: dcmjsData.DicomMetaDictionary.naturalizeDataset(message.dict), characterSet: typeof value === 'string' ? value.trim() : null };
}

/** {@link readPart10WithCharset} without the character set. */
export function readPart10(bytes: Uint8Array): Dataset {
  return readPart10WithCharset(bytes).dataset;
}
