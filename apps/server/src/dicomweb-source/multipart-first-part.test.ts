import { describe, expect, it } from 'vitest';
import { streamFirstPart } from './multipart-first-part';

const CT = 'multipart/related; type="application/dicom"; boundary=b0undary';

async function* chunked(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('streamFirstPart', () => {
  const payload = Buffer.from(new Uint8Array(70_000).map((_, i) => (i * 31) % 256));
  payload.write('\r\n--b0undaryX', 1000, 'latin1'); // boundary text inside data that is no delimiter
  const body = Buffer.concat([
    Buffer.from('--b0undary\r\nContent-Type: application/dicom\r\nContent-Length: 70000\r\n\r\n', 'latin1'),
    payload,
    Buffer.from('\r\n--b0undary--\r\n', 'latin1'),
  ]);

  for (const size of [13, 4096, body.length]) {
    it(`streams the exact bytes of the first part when chunks are ${size} bytes`, async () => {
      const part = await streamFirstPart(chunked(body, size), CT);
      expect(part.headers.get('content-length')).toBe('70000');
      const out = await collect(part.body);
      expect(out.length).toBe(payload.length);
      expect(Buffer.compare(out, payload)).toBe(0);
    });
  }

  it('errors the body stream when the source ends before the closing delimiter', async () => {
    const part = await streamFirstPart(chunked(body.subarray(0, 5000), 512), CT);
    await expect(collect(part.body)).rejects.toThrow(/truncated/);
  });

  it('rejects when no part headers arrive', async () => {
    await expect(streamFirstPart(chunked(Buffer.from('no multipart here'), 4), CT)).rejects.toThrow(/ended before/);
  });
});
