import { describe, expect, it } from 'vitest';
import { dicomParser } from './dicom-parser-module';
import { extractFrame, FrameExtractionError } from './extract-frame';
import { sameBytes, sample } from './test-support/samples';

describe('extractFrame', () => {
  it('returns rows*columns*2 bytes for a 16-bit native frame, matching the value dicom-parser reads', () => {
    const bytes = sample('volume/brain_005.dcm');
    const frame = extractFrame(bytes, 0);
    expect(frame.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(frame.data.length).toBe(256 * 256 * 2);
    const ds = dicomParser.parseDicom(bytes);
    const pixel = ds.elements['x7fe00010'];
    if (!pixel) throw new Error('no pixel data');
    const index = 128 * 256 + 100;
    const direct = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset).getUint16(pixel.dataOffset + index * 2, true);
    expect(new DataView(frame.data.buffer).getUint16(index * 2, true)).toBe(direct);
    expect(direct).not.toBe(0);
  });

  it('returns the N-th block of a native multi-frame file', () => {
    const bytes = sample('explicit_little.dcm'); // 16 frames of 256x256, 8 bits
    const ds = dicomParser.parseDicom(bytes);
    const pixel = ds.elements['x7fe00010'];
    if (!pixel) throw new Error('no pixel data');
    const frameSize = 256 * 256;
    const frame = extractFrame(bytes, 5);
    expect(sameBytes(frame.data, bytes.slice(pixel.dataOffset + 5 * frameSize, pixel.dataOffset + 6 * frameSize))).toBe(true);
    expect(sameBytes(frame.data, extractFrame(bytes, 6).data)).toBe(false);
  });

  it.each(['jpeg_2000.dcm', 'rle.dcm', 'jpeg_ls.dcm', 'jpeg_lossless_sel1.dcm'])('returns the fragment bytes of the single frame of %s', (file) => {
    const bytes = sample(file);
    const ds = dicomParser.parseDicom(bytes);
    const pixel = ds.elements['x7fe00010'];
    const fragments = pixel?.fragments ?? [];
    const expected = new Uint8Array(fragments.reduce((sum, f) => sum + f.length, 0));
    let offset = 0;
    for (const fragment of fragments) {
      expected.set(bytes.subarray(fragment.position, fragment.position + fragment.length), offset);
      offset += fragment.length;
    }
    const frame = extractFrame(bytes, 0);
    expect(frame.data.length).toBeGreaterThan(0);
    expect(sameBytes(frame.data, expected)).toBe(true);
  });

  it('uses the basic offset table of an encapsulated multi-frame file', () => {
    const bytes = sample('jpeg_baseline_8bit.dcm');
    const ds = dicomParser.parseDicom(bytes);
    const fragment = ds.elements['x7fe00010']?.fragments?.[10];
    if (!fragment) throw new Error('no fragment');
    const frame = extractFrame(bytes, 10);
    expect(frame.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.50');
    expect(sameBytes(frame.data, bytes.slice(fragment.position, fragment.position + fragment.length))).toBe(true);
    expect([frame.data[0], frame.data[1]]).toEqual([0xff, 0xd8]); // JPEG SOI
  });

  it('rejects a frame index outside the file', () => {
    expect(() => extractFrame(sample('volume/brain_001.dcm'), 1)).toThrow(FrameExtractionError);
    expect(() => extractFrame(sample('jpeg_baseline_8bit.dcm'), 96)).toThrow(/frame 96 of 96/);
  });
});
