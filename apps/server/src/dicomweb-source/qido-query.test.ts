import { describe, expect, it } from 'vitest';
import { checkQidoQuery, qidoSearchParams } from './qido-query';

describe('QIDO query pass-through', () => {
  it('sends allowed keys as keywords, percent-encoded, with paging and include fields', () => {
    const query = { match: { '00100010': 'Doe^J*', ModalitiesInStudy: 'MR' }, limit: 10, offset: 20, includeFields: ['00081030', 'StudyDescription'] };
    checkQidoQuery(query);
    expect(qidoSearchParams(query).toString()).toBe(
      'ModalitiesInStudy=MR&PatientName=Doe%5EJ*&includefield=00081030&includefield=StudyDescription&limit=10&offset=20',
    );
  });

  it('encodes characters that would otherwise inject parameters', () => {
    expect(qidoSearchParams({ match: { PatientID: 'a&limit=1#x' } }).toString()).toBe('PatientID=a%26limit%3D1%23x');
  });

  it('refuses unknown keys, bad include fields, control characters and negative paging', () => {
    expect(() => checkQidoQuery({ match: { bogus: '1' } })).toThrow(expect.objectContaining({ code: 'invalid_query' }));
    expect(() => checkQidoQuery({ match: {}, includeFields: ['a&b'] })).toThrow(/includefield/);
    expect(() => checkQidoQuery({ match: { PatientID: 'a\nb' } })).toThrow(/invalid value/);
    expect(() => checkQidoQuery({ match: {}, limit: -1 })).toThrow(/limit/);
  });

  it('lets an override replace a matching key and leaves paging out on request', () => {
    const params = qidoSearchParams({ match: { StudyInstanceUID: '9.9' }, limit: 5 }, { StudyInstanceUID: '1.2,1.3' }, false);
    expect(params.toString()).toBe('StudyInstanceUID=1.2%2C1.3');
  });
});
