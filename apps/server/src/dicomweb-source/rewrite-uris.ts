import type { DicomJson, DicomJsonElement } from '../dicomweb/study-source';

const PIXEL_DATA_TAGS = new Set(['7FE00010', '7FE00008', '7FE00009']);

/** Maps a URI found in an upstream answer to the URI a browser may see, or undefined to drop it. */
export type UriMapper = (uri: string, context: { readonly tag: string; readonly dataset: DicomJson; readonly topLevel: boolean }) => string | undefined;

/**
 * Returns a copy of `dataset` in which every BulkDataURI and every UR value has gone through
 * `map` (recursively, through sequences). A URI the mapper drops loses its BulkDataURI (the
 * element keeps its VR) or its value: no upstream address survives by accident.
 */
export function rewriteDatasetUris(dataset: DicomJson, map: UriMapper, topLevel = true): DicomJson {
  const out: Record<string, DicomJsonElement> = {};
  for (const [tag, element] of Object.entries(dataset)) {
    let next: DicomJsonElement = element;
    if (typeof element.BulkDataURI === 'string') {
      const { BulkDataURI, ...rest } = element;
      const mapped = map(BulkDataURI, { tag, dataset, topLevel });
      next = mapped === undefined ? rest : { ...rest, BulkDataURI: mapped };
    } else if (element.vr === 'UR' && element.Value) {
      const values = element.Value.flatMap((v) => {
        const mapped = typeof v === 'string' ? map(v, { tag, dataset, topLevel }) : undefined;
        return mapped === undefined ? [] : [mapped];
      });
      const { Value: _dropped, ...rest } = element;
      next = values.length > 0 ? { ...rest, Value: values } : rest;
    } else if (element.vr === 'SQ' && element.Value) {
      next = {
        ...element,
        Value: element.Value.map((item) =>
          typeof item === 'object' && item !== null ? rewriteDatasetUris(item as DicomJson, map, false) : item,
        ),
      };
    }
    out[tag] = next;
  }
  return out;
}

/**
 * The path of an upstream URI relative to the upstream DICOMweb root, starting with
 * `/studies/`, without query or fragment; undefined if it does not name a DICOMweb resource.
 * URIs on other hosts are accepted by path (a PACS may advertise a public host name), but only
 * the path is ever kept.
 */
export function upstreamResourcePath(uri: string, upstreamRoot: URL): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri, upstreamRoot);
  } catch {
    return undefined;
  }
  const rootPath = upstreamRoot.pathname; // ends with '/'
  let rest: string;
  if (parsed.pathname.startsWith(rootPath)) rest = parsed.pathname.slice(rootPath.length - 1);
  else {
    const at = parsed.pathname.indexOf('/studies/');
    if (at === -1) return undefined;
    rest = parsed.pathname.slice(at);
  }
  return rest.startsWith('/studies/') ? rest : undefined;
}

const uidOf = (dataset: DicomJson, tag: string): string | undefined => {
  const v = dataset[tag]?.Value?.[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * The mapper for WADO-RS metadata served under our own `baseUrl` (e.g.
 * `https://rr.example/dicomweb`): pixel data points at the instance's frames resource
 * (`.../frames/1,2,…,N`, which every StudySource serves), other bulk data and retrieve URLs keep
 * their DICOMweb path under `baseUrl`.
 */
export function ourUriMapper(upstreamRoot: URL, baseUrl: string): UriMapper {
  const base = baseUrl.replace(/\/+$/, '');
  return (uri, { tag, dataset, topLevel }) => {
    if (topLevel && PIXEL_DATA_TAGS.has(tag)) {
      const study = uidOf(dataset, '0020000D');
      const series = uidOf(dataset, '0020000E');
      const sop = uidOf(dataset, '00080018');
      if (study && series && sop) {
        const n = Number(dataset['00280008']?.Value?.[0] ?? 1);
        const count = Number.isSafeInteger(n) && n > 0 ? n : 1;
        const frames = Array.from({ length: count }, (_, i) => i + 1).join(',');
        const seg = encodeURIComponent;
        return `${base}/studies/${seg(study)}/series/${seg(series)}/instances/${seg(sop)}/frames/${frames}`;
      }
    }
    const path = upstreamResourcePath(uri, upstreamRoot);
    return path === undefined ? undefined : `${base}${path}`;
  };
}

/** Drops every URI (QIDO answers, where no base URL of ours is known). */
export const dropUris: UriMapper = () => undefined;
