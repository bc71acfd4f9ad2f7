import { FrameExtractionError, TransferSyntax, extractFrame, readDicomJsonMetadata } from '@readingroom/dicom';
import type { Catalog, CatalogInstance } from '../catalog/catalog';
import { ContentStore } from '../catalog/file-store';
import { PARSE_OPTIONS } from '../import/importer';
import { instanceJson, seriesJson, studyJson } from './qido-json';
import { toInstanceSearch, toSeriesSearch, toStudySearch } from './qido-query';
import type { DicomJson, FramePart, InstanceFile, QidoQuery, StudySource } from './study-source';

export interface LocalStudySourceOptions {
  readonly catalog: Catalog;
  readonly dataDir: string;
  /** Reads the stored files (decrypting them when encryption at rest is on); default: plaintext files of `dataDir`. */
  readonly files?: ContentStore;
  /** Instances whose metadata is kept in memory (files are immutable, so it never goes stale). */
  readonly metadataCacheSize?: number;
}

/** The transfer syntax a frame is served in: native little endian frames are the same bytes in any of them. */
export function frameTransferSyntax(stored: string): string {
  const nativeLittleEndian: readonly string[] = [
    TransferSyntax.ImplicitVrLittleEndian,
    TransferSyntax.ExplicitVrLittleEndian,
    TransferSyntax.DeflatedExplicitVrLittleEndian,
  ];
  return nativeLittleEndian.includes(stored) ? TransferSyntax.ExplicitVrLittleEndian : stored;
}

const instanceUrl = (baseUrl: string, i: CatalogInstance) =>
  `${baseUrl}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;

/** StudySource over the catalog and the content-addressed files of the data directory. */
export class LocalStudySource implements StudySource {
  readonly #catalog: Catalog;
  readonly #files: ContentStore;
  readonly #cacheSize: number;
  /** `baseUrl \n sopUid` → metadata; a Map keeps insertion order, which makes it an LRU. */
  readonly #metadata = new Map<string, DicomJson>();

  constructor(options: LocalStudySourceOptions) {
    this.#catalog = options.catalog;
    this.#files = options.files ?? new ContentStore(options.dataDir);
    this.#cacheSize = options.metadataCacheSize ?? 5000;
  }

  async searchStudies(query: QidoQuery, studyUids: readonly string[] | null): Promise<DicomJson[]> {
    return (await this.#catalog.searchStudies(toStudySearch(query, studyUids))).map(studyJson);
  }

  async searchSeries(studyUid: string, query: QidoQuery): Promise<DicomJson[] | null> {
    return (await this.#catalog.searchSeries(studyUid, toSeriesSearch(query)))?.map(seriesJson) ?? null;
  }

  async searchInstances(studyUid: string, seriesUid: string | null, query: QidoQuery): Promise<DicomJson[] | null> {
    return (await this.#catalog.searchInstances(studyUid, seriesUid, toInstanceSearch(query)))?.map(instanceJson) ?? null;
  }

  async seriesMetadata(studyUid: string, seriesUid: string, baseUrl: string): Promise<DicomJson[] | null> {
    const instances = await this.#catalog.searchInstances(studyUid, seriesUid, {});
    if (!instances) return null;
    const out: DicomJson[] = [];
    for (const instance of instances) out.push(await this.#metadataOf(instance, baseUrl));
    return out;
  }

  async instanceMetadata(studyUid: string, seriesUid: string, sopUid: string, baseUrl: string): Promise<DicomJson | null> {
    const instance = await this.#catalog.getInstance(studyUid, seriesUid, sopUid);
    return instance ? this.#metadataOf(instance, baseUrl) : null;
  }

  async frames(studyUid: string, seriesUid: string, sopUid: string, frameNumbers: readonly number[]): Promise<FramePart[] | null> {
    const instance = await this.#catalog.getInstance(studyUid, seriesUid, sopUid);
    if (!instance || frameNumbers.some((n) => !Number.isInteger(n) || n < 1 || n > instance.numberOfFrames)) return null;
    const bytes = await this.#files.read(instance.file);
    const parts: FramePart[] = [];
    for (const n of frameNumbers) {
      try {
        const frame = extractFrame(bytes, n - 1, PARSE_OPTIONS);
        const syntax = frameTransferSyntax(frame.transferSyntaxUid);
        parts.push({ data: frame.data, contentType: `application/octet-stream; transfer-syntax=${syntax}` });
      } catch (error) {
        if (error instanceof FrameExtractionError && error.code === 'frame-out-of-range') return null;
        throw error;
      }
    }
    return parts;
  }

  async instance(studyUid: string, seriesUid: string, sopUid: string): Promise<InstanceFile | null> {
    const instance = await this.#catalog.getInstance(studyUid, seriesUid, sopUid);
    if (!instance) return null;
    return { stream: this.#files.stream(instance.file), size: instance.file.size, etag: instance.file.hash };
  }

  async etag(studyUid: string, seriesUid: string, sopUid: string): Promise<string | null> {
    return (await this.#catalog.getInstance(studyUid, seriesUid, sopUid))?.file.hash ?? null;
  }

  async #metadataOf(instance: CatalogInstance, baseUrl: string): Promise<DicomJson> {
    const key = `${baseUrl}\n${instance.sopInstanceUid}`;
    const cached = this.#metadata.get(key);
    if (cached) {
      this.#metadata.delete(key);
      this.#metadata.set(key, cached);
      return cached;
    }
    const frames = Array.from({ length: instance.numberOfFrames }, (_, i) => i + 1).join(',');
    const pixelDataUri = `${instanceUrl(baseUrl, instance)}/frames/${frames}`;
    // Only pixel data becomes a BulkDataURI (served by /frames); other binaries stay inline.
    const metadata = readDicomJsonMetadata(await this.#files.read(instance.file), () => pixelDataUri, {
      ...PARSE_OPTIONS,
      bulkDataThreshold: Number.POSITIVE_INFINITY,
    });
    this.#metadata.set(key, metadata);
    if (this.#metadata.size > this.#cacheSize) this.#metadata.delete(this.#metadata.keys().next().value!);
    return metadata;
  }
}
