import type { InstanceRecord } from '@readingroom/dicom';

/** Where an instance's Part 10 file lives, relative to the data directory, and what it holds. */
export interface StoredFile {
  /** Relative to the data directory, `/`-separated: `dicom/ab/<sha256>.dcm`. */
  readonly path: string;
  /** SHA-256 of the file, lower-case hex. */
  readonly hash: string;
  readonly size: number;
}

/** A study as QIDO-RS lists it, with counts and modalities derived from its series. */
export interface StudySummary {
  readonly studyInstanceUid: string;
  readonly studyDate: string | null;
  readonly studyTime: string | null;
  readonly accessionNumber: string | null;
  readonly studyDescription: string | null;
  readonly studyId: string | null;
  readonly patientId: string | null;
  readonly patientName: string | null;
  readonly patientSex: string | null;
  readonly modalities: readonly string[];
  readonly seriesCount: number;
  readonly instanceCount: number;
}

export interface SeriesSummary {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly modality: string | null;
  readonly seriesNumber: number | null;
  readonly seriesDescription: string | null;
  readonly bodyPart: string | null;
  readonly instanceCount: number;
}

/** One indexed instance with its geometry and stored file. */
export interface CatalogInstance {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string | null;
  readonly modality: string | null;
  readonly instanceNumber: number | null;
  readonly rows: number;
  readonly columns: number;
  readonly numberOfFrames: number;
  readonly pixelSpacing: readonly [number, number] | null;
  readonly imagePositionPatient: readonly [number, number, number] | null;
  readonly imageOrientationPatient: readonly [number, number, number, number, number, number] | null;
  readonly sliceThickness: number | null;
  readonly transferSyntaxUid: string;
  readonly file: StoredFile;
}

/** Paging shared by every search; `limit` is capped by the implementation. */
export interface Page {
  readonly limit?: number;
  readonly offset?: number;
}

/** Exact matches; every given field must match. Lists mean "any of". */
export interface StudySearch extends Page {
  /** Restricts the search to these studies (access control); null or absent: every study. */
  readonly within?: readonly string[] | null;
  readonly studyInstanceUids?: readonly string[];
  readonly patientId?: string;
  /** `YYYYMMDD`, inclusive bounds. */
  readonly studyDateFrom?: string;
  readonly studyDateTo?: string;
  readonly accessionNumber?: string;
  /** Studies with at least one series of this modality. */
  readonly modality?: string;
}

export interface SeriesSearch extends Page {
  readonly seriesInstanceUids?: readonly string[];
  readonly modality?: string;
}

export interface InstanceSearch extends Page {
  readonly seriesInstanceUids?: readonly string[];
  readonly sopInstanceUids?: readonly string[];
  readonly modality?: string;
}

export type AddInstanceResult =
  | { readonly status: 'added'; readonly newStudy: boolean; readonly newSeries: boolean }
  | { readonly status: 'already-present' };

/**
 * The index of imported images: patients, studies, series, instances and their files. Async
 * so another database can slot in. Missing things are `null` or empty lists, not errors.
 * Implementations run `runCatalogTests` (catalog.suite.ts).
 */
export interface Catalog {
  /**
   * Indexes an instance whose file is already stored. An instance whose SOP Instance UID or
   * file hash is already indexed is left as it is: `already-present`.
   */
  addInstance(record: InstanceRecord, file: StoredFile): Promise<AddInstanceResult>;
  /** True when a file with this hash or an instance with this SOP Instance UID is indexed. */
  isPresent(query: { hash?: string; sopInstanceUid?: string }): Promise<boolean>;
  searchStudies(search: StudySearch): Promise<StudySummary[]>;
  /** null when the study is unknown. */
  searchSeries(studyUid: string, search: SeriesSearch): Promise<SeriesSummary[] | null>;
  /** `seriesUid` null: every series of the study. null when the study (or series) is unknown. */
  searchInstances(studyUid: string, seriesUid: string | null, search: InstanceSearch): Promise<CatalogInstance[] | null>;
  /** The instance when it belongs to that study and series. */
  getInstance(studyUid: string, seriesUid: string, sopUid: string): Promise<CatalogInstance | null>;
  counts(): Promise<{ studies: number; series: number; instances: number }>;
  close(): Promise<void>;
}

/** Largest page a search returns, whatever `limit` asks for. */
export const MAX_PAGE = 5000;
