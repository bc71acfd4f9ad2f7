import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { zipBytes, zipEntryTime, zipStream } from './zip-writer';

const files = [
  { path: 'export-report.json', bytes: new TextEncoder().encode('{"a":1}\n') },
  { path: 'coco/consensus/coco.json', bytes: new TextEncoder().encode(JSON.stringify({ images: [], annotations: [] })) },
  { path: 'dicom-sr/consensus/1.2.3.dcm', bytes: Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256) },
  { path: 'yolo/consensus/excluded.txt', bytes: new Uint8Array(0) },
];
const AT = Date.UTC(2025, 2, 14, 9, 30, 16);
const originalTz = process.env.TZ;

afterEach(() => {
  process.env.TZ = originalTz;
});

describe('zip writer', () => {
  it('holds exactly the files given, in order, byte for byte', async () => {
    const zip = await zipBytes(files, AT);
    const back = unzipSync(zip);
    expect(Object.keys(back)).toEqual(files.map((f) => f.path));
    for (const f of files) expect(Buffer.from(back[f.path]!).equals(Buffer.from(f.bytes))).toBe(true);
  });

  it('gives the same bytes for the same files and time, in any time zone', async () => {
    process.env.TZ = 'UTC';
    const utc = await zipBytes(files, AT);
    process.env.TZ = 'America/New_York';
    const newYork = await zipBytes(files, AT);
    process.env.TZ = 'Asia/Kolkata';
    const kolkata = await zipBytes(files, AT);
    expect(Buffer.from(newYork).equals(Buffer.from(utc))).toBe(true);
    expect(Buffer.from(kolkata).equals(Buffer.from(utc))).toBe(true);
    // and a different time gives different bytes (the time is really stored)
    expect(Buffer.from(await zipBytes(files, AT + 3_600_000)).equals(Buffer.from(utc))).toBe(false);
  });

  it('stores the UTC wall-clock time of the labels, and 1980-01-01 for times before DOS time begins', () => {
    process.env.TZ = 'America/New_York';
    const t = zipEntryTime(AT);
    expect([t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes()]).toEqual([2025, 2, 14, 9, 30]);
    const epoch = zipEntryTime(0);
    expect([epoch.getFullYear(), epoch.getMonth(), epoch.getDate(), epoch.getHours()]).toEqual([1980, 0, 1, 0]);
  });

  it('reports the size once the last byte is queued, and a reader that went away early', async () => {
    const done: { completed: boolean; bytes: number }[] = [];
    const bytes = new Uint8Array(await new Response(zipStream(files, AT, (o) => done.push(o))).arrayBuffer());
    expect(done).toEqual([{ completed: true, bytes: bytes.byteLength }]);

    const cancelled: { completed: boolean }[] = [];
    const reader = zipStream(files, AT, (o) => cancelled.push(o)).getReader();
    await reader.read();
    await reader.cancel();
    expect(cancelled).toEqual([{ completed: false, bytes: expect.any(Number) }]);
  });

  it('writes a valid empty archive', async () => {
    expect(Object.keys(unzipSync(await zipBytes([], AT)))).toEqual([]);
  });
});
