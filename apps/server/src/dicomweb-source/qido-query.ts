import type { QidoQuery } from '../dicomweb/study-source';
import { SourceErrorCode, StudySourceError } from './source-error';

/**
 * Matching keys passed upstream, by keyword and tag: the QIDO-RS study, series and instance
 * keys a viewer uses (PS3.18 table 10.6.1-5). Anything else is refused rather than dropped, so
 * a filter is never silently widened.
 */
const MATCH_KEYS: Readonly<Record<string, string>> = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  SOPClassUID: '00080016',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  ModalitiesInStudy: '00080061',
  Modality: '00080060',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  PerformedProcedureStepStartDate: '00400244',
};
const TAG_TO_KEYWORD = new Map(Object.entries(MATCH_KEYS).map(([k, t]) => [t, k]));

const KEYWORD = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const TAG = /^[0-9A-Fa-f]{8}$/;
const MAX_VALUE_LENGTH = 1024;
/** Longest UID list sent in one upstream query (keeps URLs well under common 8 KiB limits). */
export const UID_LIST_CHUNK = 50;

/** The keyword of an allowed matching key given by keyword or tag, or undefined. */
export function matchKeyword(key: string): string | undefined {
  if (Object.hasOwn(MATCH_KEYS, key)) return key;
  return TAG.test(key) ? TAG_TO_KEYWORD.get(key.toUpperCase()) : undefined;
}

/** Validates a client's QIDO query against the allow-list; throws StudySourceError('invalid_query'). */
export function checkQidoQuery(query: QidoQuery): void {
  for (const [key, value] of Object.entries(query.match)) {
    if (!matchKeyword(key)) throw new StudySourceError(SourceErrorCode.invalidQuery, `unsupported QIDO matching key: ${key.slice(0, 64)}`);
    if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH || /[\u0000-\u001f]/.test(value)) {
      throw new StudySourceError(SourceErrorCode.invalidQuery, `invalid value for QIDO key ${key}`);
    }
  }
  for (const field of query.includeFields ?? []) {
    if (field !== 'all' && !KEYWORD.test(field) && !TAG.test(field)) {
      throw new StudySourceError(SourceErrorCode.invalidQuery, `invalid includefield: ${field.slice(0, 64)}`);
    }
  }
  for (const [name, n] of [['limit', query.limit], ['offset', query.offset]] as const) {
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) throw new StudySourceError(SourceErrorCode.invalidQuery, `invalid ${name}`);
  }
}

/**
 * The upstream query string (without `?`) for a checked query. Keys are sent as keywords,
 * values percent-encoded by URLSearchParams. `override` replaces matching keys (used to
 * restrict StudyInstanceUID to a project's studies); `paging: false` leaves out limit/offset.
 */
export function qidoSearchParams(query: QidoQuery, override: Readonly<Record<string, string>> = {}, paging = true): URLSearchParams {
  const params = new URLSearchParams();
  const match = new Map<string, string>();
  for (const [key, value] of Object.entries(query.match)) match.set(matchKeyword(key) ?? key, value);
  for (const [key, value] of Object.entries(override)) match.set(key, value);
  for (const [key, value] of [...match].sort(([a], [b]) => a.localeCompare(b))) params.append(key, value);
  for (const field of query.includeFields ?? []) params.append('includefield', field);
  if (paging && query.limit !== undefined) params.set('limit', String(query.limit));
  if (paging && query.offset !== undefined) params.set('offset', String(query.offset));
  return params;
}
