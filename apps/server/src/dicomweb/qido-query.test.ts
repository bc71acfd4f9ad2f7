import { describe, expect, it } from 'vitest';
import { QidoQueryError, parseQidoQuery, toStudySearch } from './qido-query';

describe('QIDO-RS query parsing', () => {
  it('reads matching keys by keyword or tag, paging, and ignores unsupported keys', () => {
    const query = parseQidoQuery({ '0020000D': ['1.2\\1.3'], PatientID: ['P1'], StudyDate: ['20240101-20240131'], limit: ['10'], offset: ['5'], PatientBirthDate: ['19000101'] });
    expect(query).toMatchObject({ match: { StudyInstanceUID: '1.2\\1.3', PatientID: 'P1', StudyDate: '20240101-20240131' }, limit: 10, offset: 5 });
    expect(toStudySearch(query, null)).toEqual({
      within: null, studyInstanceUids: ['1.2', '1.3'], patientId: 'P1', studyDateFrom: '20240101', studyDateTo: '20240131', limit: 10, offset: 5,
    });
  });

  it('rejects a negative or non-numeric limit and a malformed date', () => {
    expect(() => parseQidoQuery({ limit: ['-1'] })).toThrow(QidoQueryError);
    expect(() => toStudySearch(parseQidoQuery({ StudyDate: ['yesterday'] }), null)).toThrow(QidoQueryError);
  });
});
