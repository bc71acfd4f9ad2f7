import type { DicomJson } from './dicom-json';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`GET ${url} failed with HTTP ${status}`);
  }
}

/** The few DICOMweb calls the viewer makes, against the Reading Room server's `/dicomweb`. */
export class DicomwebClient {
  constructor(
    readonly root: string,
    private readonly token: () => string | null,
  ) {}

  seriesUrl(studyUid: string, seriesUid: string): string {
    return `${this.root}/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}`;
  }

  /** WADO-RS metadata of every instance of a series. */
  seriesMetadata(studyUid: string, seriesUid: string, signal?: AbortSignal): Promise<DicomJson[]> {
    return this.getJson(`${this.seriesUrl(studyUid, seriesUid)}/metadata`, signal);
  }

  authHeaders(): Record<string, string> {
    const token = this.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  private async getJson(url: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const response = await fetch(url, {
      headers: { Accept: 'application/dicom+json', ...this.authHeaders() },
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw new HttpError(response.status, url);
    return (await response.json()) as DicomJson[];
  }
}
