import type { InstanceSearch, SeriesSearch, StudySearch } from '../catalog/catalog';
import type { QidoQuery } from './study-source';

/** Matching keys the local store understands, by keyword and by tag. */
const KEYWORDS: Readonly<Record<string, string>> = {
  StudyInstanceUID: 'StudyInstanceUID', '0020000D': 'StudyInstanceUID',
  SeriesInstanceUID: 'SeriesInstanceUID', '0020000E': 'SeriesInstanceUID',
  SOPInstanceUID: 'SOPInstanceUID', '00080018': 'SOPInstanceUID',
  PatientID: 'PatientID', '00100020': 'PatientID',
  StudyDate: 'StudyDate', '00080020': 'StudyDate',
  AccessionNumber: 'AccessionNumber', '00080050': 'AccessionNumber',
  Modality: 'Modality', '00080060': 'Modality',
  ModalitiesInStudy: 'ModalitiesInStudy', '00080061': 'ModalitiesInStudy',
};
const CONTROL = new Set(['limit', 'offset', 'includefield', 'fuzzymatching']);

/** Thrown for a query the server cannot answer; becomes 400. */
export class QidoQueryError extends Error {
  override readonly name = 'QidoQueryError';
}

/** Reads QIDO-RS query parameters (first value of each); unsupported matching keys are ignored. */
export function parseQidoQuery(params: Readonly<Record<string, readonly string[]>>): QidoQuery {
  const match: Record<string, string> = {};
  for (const [key, values] of Object.entries(params)) {
    if (CONTROL.has(key.toLowerCase())) continue;
    const keyword = KEYWORDS[key] ?? KEYWORDS[key.toUpperCase()];
    const value = values[0];
    if (keyword && value !== undefined && value !== '' && value !== '*') match[keyword] = value;
  }
  const whole = (name: string) => {
    const raw = params[name]?.[0];
    if (raw === undefined) return undefined;
    if (!/^\d{1,9}$/.test(raw)) throw new QidoQueryError(`${name} must be a non-negative integer`);
    return Number(raw);
  };
  const limit = whole('limit');
  const offset = whole('offset');
  const includeFields = (params['includefield'] ?? []).flatMap((v) => v.split(','));
  return { match, ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}), includeFields };
}

/** UID list matching: values separated by backslash or comma. */
const uidList = (value: string | undefined) => (value === undefined ? undefined : value.split(/[\\,]/).map((v) => v.trim()).filter(Boolean));

const paging = (query: QidoQuery) => ({
  ...(query.limit !== undefined ? { limit: query.limit } : {}),
  ...(query.offset !== undefined ? { offset: query.offset } : {}),
});

function dateRange(value: string | undefined): Pick<StudySearch, 'studyDateFrom' | 'studyDateTo'> {
  if (value === undefined) return {};
  const range = /^(\d{8})?-(\d{8})?$/.exec(value);
  if (range) return { ...(range[1] ? { studyDateFrom: range[1] } : {}), ...(range[2] ? { studyDateTo: range[2] } : {}) };
  if (!/^\d{8}$/.test(value)) throw new QidoQueryError('StudyDate must be YYYYMMDD or a YYYYMMDD-YYYYMMDD range');
  return { studyDateFrom: value, studyDateTo: value };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function toStudySearch(query: QidoQuery, within: readonly string[] | null): StudySearch {
  const m = query.match;
  return defined({
    within,
    studyInstanceUids: uidList(m['StudyInstanceUID']),
    patientId: m['PatientID'],
    accessionNumber: m['AccessionNumber'],
    modality: m['ModalitiesInStudy'] ?? m['Modality'],
    ...dateRange(m['StudyDate']),
    ...paging(query),
  });
}

export function toSeriesSearch(query: QidoQuery): SeriesSearch {
  const m = query.match;
  return defined({ seriesInstanceUids: uidList(m['SeriesInstanceUID']), modality: m['Modality'], ...paging(query) });
}

export function toInstanceSearch(query: QidoQuery): InstanceSearch {
  const m = query.match;
  return defined({
    seriesInstanceUids: uidList(m['SeriesInstanceUID']),
    sopInstanceUids: uidList(m['SOPInstanceUID']),
    modality: m['Modality'],
    ...paging(query),
  });
}
