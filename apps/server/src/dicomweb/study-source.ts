import type { Readable } from 'node:stream';

/** One dataset in the DICOM JSON model (PS3.18 F.2): tag (8 hex digits, upper case) → element. */
export type DicomJson = Record<string, DicomJsonElement>;
export interface DicomJsonElement {
  readonly vr: string;
  readonly Value?: readonly unknown[];
  readonly BulkDataURI?: string;
  readonly InlineBinary?: string;
}

/** QIDO-RS query: matching attributes by keyword or tag, paging, extra fields. */
export interface QidoQuery {
  readonly match: Readonly<Record<string, string>>;
  readonly limit?: number;
  readonly offset?: number;
  readonly includeFields?: readonly string[];
}

/** One frame's bytes as WADO-RS returns them (one part of a multipart/related answer). */
export interface FramePart {
  readonly data: Uint8Array;
  /** e.g. `application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1` or `image/jp2`. */
  readonly contentType: string;
}

/** A whole Part 10 instance, streamed. */
export interface InstanceFile {
  readonly stream: Readable;
  readonly size: number | null;
  /** Strong validator for ETag (content hash or upstream ETag). */
  readonly etag: string;
}

/**
 * Where a project's images come from: the local store (files imported into the data directory)
 * or an upstream DICOMweb server (e.g. Orthanc) that the server queries with its own
 * credentials. The /dicomweb routes check access, then ask the study's source. A missing study,
 * series or instance is `null`, not an error.
 */
export interface StudySource {
  searchStudies(query: QidoQuery, studyUids: readonly string[] | null): Promise<DicomJson[]>;
  searchSeries(studyUid: string, query: QidoQuery): Promise<DicomJson[] | null>;
  searchInstances(studyUid: string, seriesUid: string | null, query: QidoQuery): Promise<DicomJson[] | null>;
  /** Metadata of every instance of a series (WADO-RS .../series/{s}/metadata), with BulkDataURIs under `baseUrl`. */
  seriesMetadata(studyUid: string, seriesUid: string, baseUrl: string): Promise<DicomJson[] | null>;
  instanceMetadata(studyUid: string, seriesUid: string, sopUid: string, baseUrl: string): Promise<DicomJson | null>;
  /** Frames are 1-based, as in WADO-RS URLs. */
  frames(studyUid: string, seriesUid: string, sopUid: string, frameNumbers: readonly number[]): Promise<FramePart[] | null>;
  instance(studyUid: string, seriesUid: string, sopUid: string): Promise<InstanceFile | null>;
  /**
   * Optional: the instance's strong validator without reading it, so the routes can answer
   * `If-None-Match` with 304 before extracting frames. Without it they hash the response.
   */
  etag?(studyUid: string, seriesUid: string, sopUid: string): Promise<string | null>;
}
