import { imageInfoFromInstances, StudyInfoSchema, type ImageInfoInput, type InstanceLike, type StudyInfo } from '@readingroom/formats';
import { MAX_PAGE, type Catalog, type CatalogInstance, type StudySummary } from '../catalog/catalog';
import type { DicomJson, StudySource } from '../dicomweb/study-source';

/** The images labels of a study may refer to, and the study's own attributes. */
export interface StudyImages {
  /** One entry per frame or slice, stacks ordered as the viewer orders them (`imageInfoFromInstances`). */
  readonly images: ImageInfoInput[];
  /** `catalog`: imported into the data directory; `dicomweb`: the metadata of the project's upstream server. */
  readonly from: 'catalog' | 'dicomweb';
  /**
   * Patient and study attributes for DICOM SR documents. Identifying: used only when an export
   * asks for them (`includePatient`), never logged.
   */
  readonly study: StudyInfo;
}

/** Where exports and imports find a study's images; null when nothing knows the study. */
export type StudyImageSource = (studyUid: string) => Promise<StudyImages | null>;

export interface StudyImageSourceDeps {
  readonly catalog: Pick<Catalog, 'searchInstances' | 'searchStudies'>;
  /** The source serving the study (local files, or a project's upstream DICOMweb server). */
  readonly sourceFor: (studyUid: string) => Promise<StudySource>;
}

/**
 * Image information from the local catalog (rows, columns, frames, position, orientation,
 * spacing, SOP class; the series' Frame of Reference UID from the first instance's metadata,
 * since the catalog does not expose it), or, for a study the catalog does not hold, from the
 * WADO-RS metadata of the study's source (an upstream DICOMweb server: its metadata cache in
 * the server, a query in the CLI). Null when neither knows the study.
 */
export function createStudyImageSource(deps: StudyImageSourceDeps): StudyImageSource {
  return async (studyUid) => {
    const instances = await catalogInstances(deps.catalog, studyUid);
    if (instances !== null) {
      const source = await deps.sourceFor(studyUid);
      const frameOfReference = new Map<string, string | null>();
      for (const instance of instances) {
        if (frameOfReference.has(instance.seriesInstanceUid)) continue;
        const meta = await source.instanceMetadata(studyUid, instance.seriesInstanceUid, instance.sopInstanceUid, '').catch(() => null);
        frameOfReference.set(instance.seriesInstanceUid, meta ? text(meta, FRAME_OF_REFERENCE) : null);
      }
      const records = instances.map((i) => catalogRecord(i, frameOfReference.get(i.seriesInstanceUid) ?? null));
      const [summary] = await deps.catalog.searchStudies({ studyInstanceUids: [studyUid], limit: 1 });
      return { images: imageInfoFromInstances(records), from: 'catalog', study: studyInfoOfSummary(studyUid, summary) };
    }
    const source = await deps.sourceFor(studyUid);
    const series = await source.searchSeries(studyUid, { match: {} });
    if (series === null) return null;
    const records: InstanceLike[] = [];
    for (const s of series) {
      const seriesUid = text(s, SERIES_UID);
      if (seriesUid === null) continue;
      for (const meta of (await source.seriesMetadata(studyUid, seriesUid, '')) ?? []) {
        const record = instanceOfMetadata(studyUid, seriesUid, meta);
        if (record) records.push(record);
      }
    }
    const [study] = await source.searchStudies({ match: { StudyInstanceUID: studyUid }, limit: 1 }, [studyUid]);
    return { images: imageInfoFromInstances(records), from: 'dicomweb', study: studyInfoOfJson(studyUid, study) };
  };
}

async function catalogInstances(catalog: StudyImageSourceDeps['catalog'], studyUid: string): Promise<CatalogInstance[] | null> {
  const all: CatalogInstance[] = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = await catalog.searchInstances(studyUid, null, { limit: MAX_PAGE, offset });
    if (page === null) return offset === 0 ? null : all;
    all.push(...page);
    if (page.length < MAX_PAGE) return all;
  }
}

const catalogRecord = (i: CatalogInstance, frameOfReferenceUid: string | null): InstanceLike => ({
  study: { studyInstanceUid: i.studyInstanceUid },
  series: { seriesInstanceUid: i.seriesInstanceUid, frameOfReferenceUid },
  instance: {
    sopInstanceUid: i.sopInstanceUid,
    sopClassUid: i.sopClassUid,
    instanceNumber: i.instanceNumber,
    rows: i.rows,
    columns: i.columns,
    numberOfFrames: Math.max(1, i.numberOfFrames),
    pixelSpacing: i.pixelSpacing,
    imagePositionPatient: i.imagePositionPatient,
    imageOrientationPatient: i.imageOrientationPatient,
  },
});

// DICOM JSON tags (PS3.18 F.2) read here.
const SERIES_UID = '0020000E';
const SOP_CLASS = '00080016';
const SOP_INSTANCE = '00080018';
const INSTANCE_NUMBER = '00200013';
const ROWS = '00280010';
const COLUMNS = '00280011';
const NUMBER_OF_FRAMES = '00280008';
const PIXEL_SPACING = '00280030';
const POSITION = '00200032';
const ORIENTATION = '00200037';
const FRAME_OF_REFERENCE = '00200052';

function values(json: DicomJson | undefined, tag: string): readonly unknown[] {
  return json?.[tag]?.Value ?? [];
}

function text(json: DicomJson | undefined, tag: string): string | null {
  const v = values(json, tag)[0];
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  // PN: { Alphabetic: "..." }
  if (typeof v === 'object' && v !== null && typeof (v as { Alphabetic?: unknown }).Alphabetic === 'string') {
    return (v as { Alphabetic: string }).Alphabetic.trim() || null;
  }
  return null;
}

/** Numeric values; DS and IS may arrive as JSON numbers or as strings. Null unless exactly `count` finite numbers. */
function numbers(json: DicomJson | undefined, tag: string, count?: number): number[] | null {
  const out = values(json, tag).map((v) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN));
  if (out.length === 0 || out.some((n) => !Number.isFinite(n))) return null;
  return count === undefined || out.length === count ? out : null;
}

const integer = (json: DicomJson, tag: string): number | null => {
  const n = numbers(json, tag)?.[0];
  return n !== undefined && Number.isInteger(n) ? n : null;
};

/** An instance from its WADO-RS metadata; null without the attributes every image needs. */
export function instanceOfMetadata(studyUid: string, seriesUid: string, meta: DicomJson): InstanceLike | null {
  const sopInstanceUid = text(meta, SOP_INSTANCE);
  const rows = integer(meta, ROWS);
  const columns = integer(meta, COLUMNS);
  if (sopInstanceUid === null || rows === null || columns === null || rows < 1 || columns < 1) return null;
  return {
    study: { studyInstanceUid: studyUid },
    series: { seriesInstanceUid: seriesUid, frameOfReferenceUid: text(meta, FRAME_OF_REFERENCE) },
    instance: {
      sopInstanceUid,
      sopClassUid: text(meta, SOP_CLASS),
      instanceNumber: integer(meta, INSTANCE_NUMBER),
      rows,
      columns,
      numberOfFrames: Math.max(1, integer(meta, NUMBER_OF_FRAMES) ?? 1),
      pixelSpacing: numbers(meta, PIXEL_SPACING, 2) as [number, number] | null,
      imagePositionPatient: numbers(meta, POSITION, 3) as [number, number, number] | null,
      imageOrientationPatient: numbers(meta, ORIENTATION, 6) as [number, number, number, number, number, number] | null,
    },
  };
}

/** The attributes that pass the SR schema (a value too long for its VR is left out, not cut). */
function studyInfo(studyInstanceUid: string, fields: Record<string, string | null | undefined>): StudyInfo {
  const info: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (StudyInfoSchema.safeParse({ studyInstanceUid, [key]: value }).success) info[key] = value;
  }
  return { studyInstanceUid, ...info };
}

function studyInfoOfSummary(studyUid: string, s: StudySummary | undefined): StudyInfo {
  return studyInfo(studyUid, {
    patientName: s?.patientName,
    patientId: s?.patientId,
    patientSex: s?.patientSex,
    studyDate: s?.studyDate,
    studyTime: s?.studyTime,
    accessionNumber: s?.accessionNumber,
    studyId: s?.studyId,
  });
}

function studyInfoOfJson(studyUid: string, json: DicomJson | undefined): StudyInfo {
  return studyInfo(studyUid, {
    patientName: text(json, '00100010'),
    patientId: text(json, '00100020'),
    patientBirthDate: text(json, '00100030'),
    patientSex: text(json, '00100040'),
    studyDate: text(json, '00080020'),
    studyTime: text(json, '00080030'),
    accessionNumber: text(json, '00080050'),
    studyId: text(json, '00200010'),
    referringPhysicianName: text(json, '00080090'),
  });
}

/** What an export puts into SR documents: only the Study Instance UID unless patient data is asked for. */
export function exportedStudyInfo(study: StudyInfo, includePatient: boolean): StudyInfo {
  return includePatient ? study : { studyInstanceUid: study.studyInstanceUid };
}
