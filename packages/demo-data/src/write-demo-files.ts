/**
 * Node only: writes the generated demo objects to disk for the server's demo mode and for
 * manual inspection (dcmdump, a viewer). Exported from `@readingroom/demo-data/node`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCtSeries, type CtSeriesOptions, type LesionTruth } from './ct-series';
import { generateMultiFrame, type BlobFrameTruth } from './multi-frame';
import { generateXray, type XrayNoduleTruth } from './xray';

export interface DemoFilesWritten {
  /** Absolute or `dir`-relative paths of every file, grouped by object. */
  paths: { ct: string[]; xray: string; multiFrame: string; truth: string };
  /** Ground truth of the CT series' nodules. */
  lesions: LesionTruth[];
  xrayNodule: XrayNoduleTruth;
  multiFrameBlob: BlobFrameTruth[];
}

/**
 * Writes `ct/ct-0001.dcm…`, `xray/xray-chest-pa.dcm`, `multi-frame/cine-blob.dcm` and
 * `ground-truth.json` under `dir` (created if missing; existing files are overwritten).
 */
export async function writeDemoFiles(dir: string, options: { seed?: string; ct?: CtSeriesOptions } = {}): Promise<DemoFilesWritten> {
  const seedOption = options.seed === undefined ? {} : { seed: options.seed };
  const ct = generateCtSeries({ ...seedOption, ...options.ct });
  const xray = generateXray(seedOption);
  const cine = generateMultiFrame(seedOption);

  const write = async (folder: string, name: string, bytes: Uint8Array): Promise<string> => {
    await mkdir(join(dir, folder), { recursive: true });
    const path = join(dir, folder, name);
    await writeFile(path, bytes);
    return path;
  };
  const ctPaths: string[] = [];
  for (const file of ct.files) ctPaths.push(await write('ct', file.name, file.bytes));
  const xrayPath = await write('xray', xray.file.name, xray.file.bytes);
  const cinePath = await write('multi-frame', cine.file.name, cine.file.bytes);
  const truth = {
    ct: { studyInstanceUid: ct.studyInstanceUid, seriesInstanceUid: ct.seriesInstanceUid, lesions: ct.lesions },
    xray: { sopInstanceUid: xray.sopInstanceUid, nodule: xray.nodule },
    multiFrame: { sopInstanceUid: cine.sopInstanceUid, frames: cine.frames },
  };
  const truthPath = await write('.', 'ground-truth.json', new TextEncoder().encode(`${JSON.stringify(truth, null, 2)}\n`));

  return {
    paths: { ct: ctPaths, xray: xrayPath, multiFrame: cinePath, truth: truthPath },
    lesions: ct.lesions,
    xrayNodule: xray.nodule,
    multiFrameBlob: cine.frames,
  };
}
