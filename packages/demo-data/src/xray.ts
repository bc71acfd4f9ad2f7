import { DEFAULT_NODULES, chestSlice, type NoduleSpec, type Vec3 } from './chest-phantom';
import {
  DEFAULT_SEED,
  boxOfRange,
  clampRange,
  patientAndEquipment,
  pixelRangeWhere,
  type PixelBox,
  type PixelRange,
} from './common-attributes';
import type { DemoFile } from './ct-series';
import { deterministicUid, fastGaussian, gaussianTable } from './deterministic';
import { formatDecimalString, littleEndianBytes, writePart10 } from './part10-writer';

export const DX_FOR_PRESENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.1.1';

export interface XrayOptions {
  seed?: string;
  /** Rows = columns; default 512 (0.7 mm pixels over a 358.4 mm detector). */
  matrix?: 256 | 512 | 1024;
  /** The nodule to show; default the CT series' 18 mm right upper lobe nodule. */
  nodule?: NoduleSpec;
  /** Standard deviation of the noise in stored values; default 12, 0 for none. */
  noise?: number;
}

/** Ground truth of the nodule on the radiograph. */
export interface XrayNoduleTruth {
  id: string;
  location: string;
  centreMm: Vec3;
  diameterMm: number;
  /** Pixels whose centre lies inside the projected disc (where the ray crosses the nodule). */
  box: PixelBox;
  pixels: PixelRange;
}

export interface Xray {
  file: DemoFile;
  nodule: XrayNoduleTruth;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  rows: number;
  columns: number;
  /** DICOM order [row spacing, column spacing], mm, at the detector (no magnification). */
  pixelSpacingMm: readonly [number, number];
}

const DETECTOR_MM = 358.4;
const COARSE = 256;
// Linear attenuation of water at a typical effective energy, per mm; HU scale around it.
const MU_WATER = 0.0193;
const RAY_STEP_MM = 2.5;
// The phantom's body spans y = -105..115 mm; rays are integrated over that range only.
const RAY_Y = [-106.25, 116.25] as const;

/**
 * Generates a single-frame DX (For Presentation) PA chest radiograph: a parallel projection of
 * the same analytic phantom as the CT series (so bone, heart and lungs appear where the CT has
 * them), 12-bit unsigned MONOCHROME2 with ImagerPixelSpacing and PixelSpacing, and the
 * nodule's box as ground truth. Pure and deterministic.
 */
export function generateXray(options: XrayOptions = {}): Xray {
  const seed = options.seed ?? DEFAULT_SEED;
  const size = options.matrix ?? 512;
  const nodule = options.nodule ?? DEFAULT_NODULES[0]!;
  const noise = options.noise ?? 12;
  const spacing = Number(formatDecimalString(DETECTOR_MM / size));
  // Columns run towards the patient's left, rows downwards (inferior): PatientOrientation L\F.
  const xOf = (column: number): number => (column - (size - 1) / 2) * spacing;
  const zOf = (row: number): number => ((size - 1) / 2 - row) * spacing;

  const lineIntegral = projectPhantom(nodule);
  const factor = size / COARSE;
  const pixels = new Uint16Array(size * size);
  const gaussian = fastGaussian(gaussianTable(seed), `${seed}\u0000xray-noise`);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      const attenuation = bilinear(lineIntegral, (column + 0.5) / factor - 0.5, (row + 0.5) / factor - 0.5);
      const value = 4095 * (1 - Math.exp(-attenuation / 2.2)) + (noise > 0 ? gaussian() * noise : 0);
      pixels[row * size + column] = Math.max(0, Math.min(4095, Math.round(value)));
    }
  }

  const [cx, , cz] = nodule.centreMm;
  const r = nodule.diameterMm / 2;
  const reach = Math.ceil(r / spacing) + 2;
  const centreColumn = Math.round(cx / spacing + (size - 1) / 2);
  const centreRow = Math.round((size - 1) / 2 - cz / spacing);
  const search = clampRange(
    { firstColumn: centreColumn - reach, lastColumn: centreColumn + reach, firstRow: centreRow - reach, lastRow: centreRow + reach },
    size,
    size,
  );
  const range = pixelRangeWhere(search, (column, row) => (xOf(column) - cx) ** 2 + (zOf(row) - cz) ** 2 <= r * r);
  if (range === null) throw new RangeError(`nodule ${nodule.id} is outside the radiograph`);

  const studyInstanceUid = deterministicUid(seed, 'xray-study');
  const seriesInstanceUid = deterministicUid(seed, 'xray-series');
  const sopInstanceUid = deterministicUid(seed, 'xray-instance');
  const bytes = writePart10({
    ...patientAndEquipment(),
    ImageType: ['DERIVED', 'PRIMARY'],
    SOPClassUID: DX_FOR_PRESENTATION_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    StudyTime: '101500',
    SeriesTime: '101500',
    ContentTime: '101500',
    AccessionNumber: 'RRDEMO0002',
    Modality: 'DX',
    PresentationIntentType: 'FOR PRESENTATION',
    StudyDescription: 'XR CHEST PA synthetic phantom',
    SeriesDescription: 'PA chest projection of the phantom',
    BodyPartExamined: 'CHEST',
    KVP: 120,
    ImagerPixelSpacing: [spacing, spacing],
    ViewPosition: 'PA',
    DetectorType: 'DIRECT',
    StudyInstanceUID: studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: '2',
    SeriesNumber: 1,
    InstanceNumber: 1,
    PatientOrientation: ['L', 'F'],
    ImageLaterality: 'U',
    ImageComments: 'Synthetic projection from @readingroom/demo-data; not patient data.',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: size,
    Columns: size,
    PixelSpacing: [spacing, spacing],
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    PixelIntensityRelationship: 'LOG',
    PixelIntensityRelationshipSign: 1,
    WindowCenter: 2600,
    WindowWidth: 3000,
    RescaleIntercept: 0,
    RescaleSlope: 1,
    RescaleType: 'US',
    LossyImageCompression: '00',
    PresentationLUTShape: 'IDENTITY',
    PixelData: littleEndianBytes(pixels),
  });

  return {
    file: { name: 'xray-chest-pa.dcm', bytes },
    nodule: {
      id: nodule.id,
      location: nodule.location,
      centreMm: nodule.centreMm,
      diameterMm: nodule.diameterMm,
      box: boxOfRange(range),
      pixels: range,
    },
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    rows: size,
    columns: size,
    pixelSpacingMm: [spacing, spacing],
  };
}

/** Line integrals of attenuation front to back on a coarse COARSE × COARSE grid. */
function projectPhantom(nodule: NoduleSpec): Float32Array {
  const spacing = DETECTOR_MM / COARSE;
  const result = new Float32Array(COARSE * COARSE);
  for (let row = 0; row < COARSE; row++) {
    const sample = chestSlice(((COARSE - 1) / 2 - row) * spacing, [nodule]);
    for (let column = 0; column < COARSE; column++) {
      const x = (column - (COARSE - 1) / 2) * spacing;
      let sum = 0;
      for (let y = RAY_Y[0]; y <= RAY_Y[1]; y += RAY_STEP_MM) sum += Math.max(0, 1 + sample(x, y) / 1000);
      result[row * COARSE + column] = sum * MU_WATER * RAY_STEP_MM;
    }
  }
  return result;
}

function bilinear(grid: Float32Array, u: number, v: number): number {
  const cu = Math.max(0, Math.min(COARSE - 1, u));
  const cv = Math.max(0, Math.min(COARSE - 1, v));
  const u0 = Math.min(COARSE - 2, Math.floor(cu));
  const v0 = Math.min(COARSE - 2, Math.floor(cv));
  const fu = cu - u0;
  const fv = cv - v0;
  const at = (c: number, r: number): number => grid[r * COARSE + c]!;
  return (
    (at(u0, v0) * (1 - fu) + at(u0 + 1, v0) * fu) * (1 - fv) + (at(u0, v0 + 1) * (1 - fu) + at(u0 + 1, v0 + 1) * fu) * fv
  );
}
