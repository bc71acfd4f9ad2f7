import type { DicomJson } from '../dicomweb/study-source';
import type { UpstreamClient } from './upstream-client';

/** What an admin sees of an upstream study when linking it to a project (no patient names). */
export interface UpstreamStudySummary {
  readonly studyInstanceUid: string;
  readonly studyDate: string | null;
  readonly studyDescription: string | null;
  readonly accessionNumber: string | null;
  readonly modalities: readonly string[];
  readonly numberOfSeries: number | null;
  readonly numberOfInstances: number | null;
}

const PAGE_SIZE = 500;
const MAX_PAGES = 2_000;

const str = (d: DicomJson, tag: string): string | null => {
  const v = d[tag]?.Value?.[0];
  return typeof v === 'string' && v !== '' ? v : null;
};
const num = (d: DicomJson, tag: string): number | null => {
  const v = Number(d[tag]?.Value?.[0]);
  return Number.isFinite(v) && d[tag]?.Value?.length ? v : null;
};

/**
 * Pages through upstream QIDO `/studies` until an empty page. A server may cap a page below
 * the asked limit, so a short page does not end the walk; a page with nothing new does
 * (a server that ignores `offset` would otherwise loop forever).
 */
export async function listAllStudies(client: UpstreamClient): Promise<UpstreamStudySummary[]> {
  const byUid = new Map<string, UpstreamStudySummary>();
  for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    for (const field of ['00080020', '00081030', '00080050', '00080061', '00201206', '00201208']) params.append('includefield', field);
    const list = ((await client.getJsonArray(['studies'], params)) ?? []) as DicomJson[];
    let added = 0;
    for (const d of list) {
      const uid = str(d, '0020000D');
      if (!uid || byUid.has(uid)) continue;
      added++;
      byUid.set(uid, {
        studyInstanceUid: uid,
        studyDate: str(d, '00080020'),
        studyDescription: str(d, '00081030'),
        accessionNumber: str(d, '00080050'),
        modalities: (d['00080061']?.Value ?? []).filter((m): m is string => typeof m === 'string'),
        numberOfSeries: num(d, '00201206'),
        numberOfInstances: num(d, '00201208'),
      });
    }
    if (list.length === 0 || added === 0) break;
    offset += list.length;
  }
  return [...byUid.values()];
}
