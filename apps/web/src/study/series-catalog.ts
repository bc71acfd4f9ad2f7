import { TAG, firstString, numbers, type DicomJson } from '../lib/dicom-json';

/** One series of the open study, from QIDO-RS. */
export interface SeriesInfo {
  readonly uid: string;
  readonly number: number | null;
  readonly description: string;
  readonly modality: string;
  readonly instanceCount: number;
}

/** Series sorted by series number (then description), skipping entries without a UID. */
export function seriesFromQido(results: readonly DicomJson[]): SeriesInfo[] {
  const series: SeriesInfo[] = [];
  for (const result of results) {
    const uid = firstString(result, TAG.SeriesInstanceUID);
    if (!uid) continue;
    series.push({
      uid,
      number: numbers(result, TAG.SeriesNumber)[0] ?? null,
      description: firstString(result, TAG.SeriesDescription) ?? '',
      modality: firstString(result, TAG.Modality) ?? '',
      instanceCount: numbers(result, TAG.NumberOfSeriesRelatedInstances)[0] ?? 0,
    });
  }
  return series.sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9) || a.description.localeCompare(b.description));
}
