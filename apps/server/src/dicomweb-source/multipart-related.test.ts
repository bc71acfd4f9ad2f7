import { describe, expect, it } from 'vitest';
import { parseContentType } from './content-type';
import { boundaryFromContentType, MultipartError, parseMultipartRelated } from './multipart-related';

const enc = (s: string) => Buffer.from(s, 'latin1');
const join = (...chunks: (string | Uint8Array)[]) => new Uint8Array(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? enc(c) : Buffer.from(c)))));
const CT = 'multipart/related; type="application/octet-stream"; boundary=XyZ';

describe('parseContentType', () => {
  it('keeps a quoted parameter whole even when it contains ";" and "="', () => {
    const ct = parseContentType('Multipart/Related; type="application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"; boundary=abc-1');
    expect(ct.mediaType).toBe('multipart/related');
    expect(ct.params.get('type')).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(ct.params.get('boundary')).toBe('abc-1');
  });

  it('unescapes quoted pairs and lower-cases parameter names', () => {
    expect(parseContentType('multipart/related; BOUNDARY="a\\"b"').params.get('boundary')).toBe('a"b');
  });
});

describe('boundaryFromContentType', () => {
  it('refuses a non-multipart type and a missing boundary', () => {
    expect(() => boundaryFromContentType('application/json')).toThrow(MultipartError);
    expect(() => boundaryFromContentType('multipart/related; type="application/dicom"')).toThrow(/without a boundary/);
  });
});

describe('parseMultipartRelated', () => {
  it('splits CRLF parts, reads their headers and keeps the bytes exact', () => {
    const frame1 = new Uint8Array([0, 1, 2, 13, 10, 45, 45, 255]);
    const frame2 = new Uint8Array([9, 8, 7]);
    const body = join(
      '--XyZ\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\nContent-Location: /f/1\r\n\r\n', frame1,
      '\r\n--XyZ\r\ncontent-type: image/jp2\r\n\r\n', frame2,
      '\r\n--XyZ--\r\n',
    );
    const parts = parseMultipartRelated(body, CT);
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers.get('content-type')).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(parts[0]!.headers.get('content-location')).toBe('/f/1');
    expect([...parts[0]!.data]).toEqual([...frame1]);
    expect(parts[1]!.headers.get('content-type')).toBe('image/jp2');
    expect([...parts[1]!.data]).toEqual([...frame2]);
  });

  it('ignores a preamble and an epilogue', () => {
    const parts = parseMultipartRelated(join('preamble text\r\n--XyZ\r\n\r\nabc\r\n--XyZ--\r\nepilogue'), CT);
    expect(parts.map((p) => Buffer.from(p.data).toString())).toEqual(['abc']);
    expect(parts[0]!.headers.size).toBe(0);
  });

  it('accepts bare LF line ends and transport padding after the delimiter', () => {
    const parts = parseMultipartRelated(join('--XyZ  \nContent-Type: a/b\n\nhello\n--XyZ\t\n\nworld\n--XyZ--'), CT);
    expect(parts.map((p) => Buffer.from(p.data).toString())).toEqual(['hello', 'world']);
  });

  it('does not end a part at boundary text that is not followed by a line end', () => {
    const tricky = '\r\n--XyZnot-a-delimiter\r\n--XyZ-';
    const parts = parseMultipartRelated(join(`--XyZ\r\n\r\n${tricky}\r\n--XyZ--`), CT);
    expect(Buffer.from(parts[0]!.data).toString('latin1')).toBe(tricky);
  });

  it('keeps an empty part empty', () => {
    const parts = parseMultipartRelated(join('--XyZ\r\nContent-Type: a/b\r\n\r\n\r\n--XyZ--'), CT);
    expect(parts[0]!.data.length).toBe(0);
  });

  it('joins folded header lines', () => {
    const parts = parseMultipartRelated(join('--XyZ\r\nContent-Type: application/octet-stream;\r\n transfer-syntax=1.2.3\r\n\r\nx\r\n--XyZ--'), CT);
    expect(parts[0]!.headers.get('content-type')).toBe('application/octet-stream; transfer-syntax=1.2.3');
  });

  it('is binary-safe over every byte value', () => {
    const all = new Uint8Array(4096).map((_, i) => (i * 7) % 256);
    const parts = parseMultipartRelated(join('--XyZ\r\n\r\n', all, '\r\n--XyZ--'), CT);
    expect(Buffer.compare(Buffer.from(parts[0]!.data), Buffer.from(all))).toBe(0);
  });

  it('returns views into the body rather than copies', () => {
    const body = join('--XyZ\r\n\r\nabc\r\n--XyZ--');
    expect(parseMultipartRelated(body, CT)[0]!.data.buffer).toBe(body.buffer);
  });

  it('rejects a truncated body, a body without boundary and broken headers', () => {
    expect(() => parseMultipartRelated(join('--XyZ\r\n\r\nabc'), CT)).toThrow(/truncated/);
    expect(() => parseMultipartRelated(join('just bytes'), CT)).toThrow(/opening boundary/);
    expect(() => parseMultipartRelated(join('--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--'), CT)).toThrow(/header/);
    expect(() => parseMultipartRelated(join('--XyZ\r\nContent-Type: a/b'), CT)).toThrow(/not terminated/);
  });
});
