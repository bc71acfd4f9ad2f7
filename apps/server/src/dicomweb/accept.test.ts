import { describe, expect, it } from 'vitest';
import { negotiate } from './accept';

const LE = '1.2.840.10008.1.2.1';

describe('WADO-RS Accept negotiation', () => {
  it('answers multipart with the stored syntax to cornerstone (transfer-syntax=*) and to no Accept at all', () => {
    expect(negotiate('multipart/related; type=application/octet-stream; transfer-syntax=*', 'application/octet-stream', '1.2.840.10008.1.2.4.50')).toBe('multipart');
    expect(negotiate(undefined, 'application/octet-stream', LE)).toBe('multipart');
    expect(negotiate('*/*', 'application/dicom', LE)).toBe('multipart');
  });

  it('gives the bare payload when asked for it, and refuses a syntax it does not hold', () => {
    expect(negotiate('application/dicom', 'application/dicom', LE)).toBe('single');
    expect(negotiate(`multipart/related; type="application/octet-stream"; transfer-syntax=${LE}`, 'application/octet-stream', '1.2.840.10008.1.2.5')).toBeNull();
    expect(negotiate('multipart/related; type="image/jpeg"', 'application/octet-stream', LE)).toBeNull();
  });
});
