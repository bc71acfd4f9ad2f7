import { DEFAULT_NODULES, TISSUE_HU, chestSlice, insideNodule, type NoduleSpec, type Vec3 } from './chest-phantom';
import {
  DEFAULT_SEED,
  boxOfRange,
  clampRange,
  patientAndEquipment,
  pixelRangeWhere,
  type PixelBox,
  type PixelRange,
} from './common-attributes';
import { deterministicUid, fastGaussian, gaussianTable } from './deterministic';
import { formatDecimalString, littleEndianBytes, writePart10 } from './part10-writer';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** A generated Part 10 file: a suggested file name and its bytes. */
export interface DemoFile {
  name: string;
  bytes: Uint8Array;
}

export interface CtSeriesOptions {
  /** UIDs and noise derive from it; default `reading-room-demo`. */
  seed?: string;
  /** Rows = columns; default 256. */
  matrix?: 256 | 512;
  /** Default 128 slices, centred on z = 0 (the chest spans about z = -160..160 mm). */
  sliceCount?: number;
  /** Slice spacing = slice thickness, mm; default 2.5. */
  sliceSpacingMm?: number;
  /** Square field of view, mm; default 358.4 (1.4 mm pixels at 256, 0.7 mm at 512). */
  fieldOfViewMm?: number;
  /** Standard deviation of the Gaussian noise, HU; default 12, 0 for none. */
  noiseHu?: number;
  /** Which window is listed first (the default display); both are written. Default `lung`. */
  window?: 'lung' | 'mediastinum';
  /** Nodules to place; default {@link DEFAULT_NODULES}. */
  nodules?: readonly NoduleSpec[];
}

/** Ground truth of a nodule on one slice. */
export interface LesionSliceTruth {
  /** Index in `files` (= InstanceNumber - 1 = position in ascending z). */
  sliceIndex: number;
  instanceNumber: number;
  sopInstanceUid: string;
  /** z of the slice plane, mm. */
  zMm: number;
  /** Tightest box around the nodule's pixels (edges on pixel borders). */
  box: PixelBox;
  /** The same as inclusive pixel indices. */
  pixels: PixelRange;
}

/** Ground truth of one nodule in a generated CT series. */
export interface LesionTruth {
  id: string;
  label: 'nodule';
  location: string;
  /** Centre in patient coordinates (LPS), mm. */
  centreMm: Vec3;
  diameterMm: number;
  /** HU of every voxel of the nodule before noise. */
  hu: number;
  /** Inclusive slice range where the nodule has at least one pixel. */
  firstSliceIndex: number;
  lastSliceIndex: number;
  /** The slice nearest the centre (the lower index on a tie). */
  middleSliceIndex: number;
  slices: LesionSliceTruth[];
  /** Union of the per-slice boxes over the slice range, shaped like the model's box3d geometry. */
  box3d: PixelBox & {
    firstSliceIndex: number;
    lastSliceIndex: number;
    firstSopInstanceUid: string;
    lastSopInstanceUid: string;
  };
}

export interface CtSlice {
  name: string;
  sopInstanceUid: string;
  instanceNumber: number;
  imagePositionPatient: Vec3;
}

export interface CtSeries {
  files: DemoFile[];
  lesions: LesionTruth[];
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  rows: number;
  columns: number;
  /** DICOM order [row spacing, column spacing], mm. */
  pixelSpacingMm: readonly [number, number];
  sliceSpacingMm: number;
  slices: CtSlice[];
}

const WINDOWS = {
  lung: { center: -600, width: 1500, name: 'LUNG' },
  mediastinum: { center: 40, width: 400, name: 'MEDIASTINUM' },
} as const;

/** A number as it reads back from its DS text, so truth is computed from the written geometry. */
function asWritten(value: number): number {
  return Number(formatDecimalString(value));
}

/**
 * Generates a synthetic chest CT series: one CT Image Storage file per axial slice, ascending
 * in z (InstanceNumber 1 is the most inferior), signed 16-bit HU (slope 1, intercept 0), with
 * full patient geometry and ground truth for every nodule that lies in the scanned range.
 * Pure and deterministic: the same options give byte-identical files.
 */
export function generateCtSeries(options: CtSeriesOptions = {}): CtSeries {
  const seed = options.seed ?? DEFAULT_SEED;
  const size = options.matrix ?? 256;
  const count = options.sliceCount ?? 128;
  const spacing = asWritten(options.sliceSpacingMm ?? 2.5);
  const fov = options.fieldOfViewMm ?? 358.4;
  const noise = options.noiseHu ?? 12;
  const nodules = options.nodules ?? DEFAULT_NODULES;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`sliceCount must be a positive integer, got ${count}`);
  if (!(spacing > 0)) throw new RangeError(`sliceSpacingMm must be positive, got ${spacing}`);

  const pixelSpacing = asWritten(fov / size);
  const x0 = asWritten((-(size - 1) / 2) * pixelSpacing);
  const y0 = x0;
  const xOf = (column: number): number => x0 + column * pixelSpacing;
  const yOf = (row: number): number => y0 + row * pixelSpacing;
  const zOf = (index: number): number => asWritten(((-(count - 1) / 2) + index) * spacing);

  const studyInstanceUid = deterministicUid(seed, 'ct-study');
  const seriesInstanceUid = deterministicUid(seed, 'ct-series');
  const frameOfReferenceUid = deterministicUid(seed, 'ct-frame-of-reference');
  const [first, second] = options.window === 'mediastinum' ? [WINDOWS.mediastinum, WINDOWS.lung] : [WINDOWS.lung, WINDOWS.mediastinum];

  const common = {
    ...patientAndEquipment(),
    ImageType: ['DERIVED', 'SECONDARY', 'AXIAL'],
    SOPClassUID: CT_IMAGE_STORAGE,
    StudyTime: '093000',
    SeriesTime: '093500',
    AccessionNumber: 'RRDEMO0001',
    Modality: 'CT',
    StudyDescription: 'CT CHEST synthetic phantom',
    SeriesDescription: `Axial ${formatDecimalString(spacing)} mm chest phantom`,
    BodyPartExamined: 'CHEST',
    SliceThickness: spacing,
    KVP: 120,
    SpacingBetweenSlices: spacing,
    ConvolutionKernel: 'SYNTHETIC',
    PatientPosition: 'HFS',
    StudyInstanceUID: studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: '1',
    SeriesNumber: 2,
    AcquisitionNumber: 1,
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    FrameOfReferenceUID: frameOfReferenceUid,
    PositionReferenceIndicator: '',
    ImageComments: 'Synthetic phantom from @readingroom/demo-data; not patient data.',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: size,
    Columns: size,
    PixelSpacing: [pixelSpacing, pixelSpacing],
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    WindowCenter: [first.center, second.center],
    WindowWidth: [first.width, second.width],
    RescaleIntercept: 0,
    RescaleSlope: 1,
    RescaleType: 'HU',
    WindowCenterWidthExplanation: [first.name, second.name],
    LossyImageCompression: '00',
  } as const;

  const files: DemoFile[] = [];
  const slices: CtSlice[] = [];
  const pixels = new Int16Array(size * size);
  const normals = gaussianTable(seed);
  for (let index = 0; index < count; index++) {
    const z = zOf(index);
    const sample = chestSlice(z, nodules);
    const gaussian = fastGaussian(normals, `${seed}\u0000ct-noise\u0000${index}`);
    let at = 0;
    for (let row = 0; row < size; row++) {
      const y = yOf(row);
      for (let column = 0; column < size; column++) {
        const hu = sample(xOf(column), y) + (noise > 0 ? gaussian() * noise : 0);
        pixels[at++] = Math.max(-1024, Math.min(3071, Math.round(hu)));
      }
    }
    const sopInstanceUid = deterministicUid(seed, `ct-instance-${index}`);
    const instanceNumber = index + 1;
    const imagePositionPatient: Vec3 = [x0, y0, z];
    const name = `ct-${String(instanceNumber).padStart(4, '0')}.dcm`;
    files.push({
      name,
      bytes: writePart10({
        ...common,
        SOPInstanceUID: sopInstanceUid,
        ContentTime: '093500',
        InstanceNumber: instanceNumber,
        ImagePositionPatient: imagePositionPatient,
        SliceLocation: z,
        PixelData: littleEndianBytes(pixels),
      }),
    });
    slices.push({ name, sopInstanceUid, instanceNumber, imagePositionPatient });
  }

  const lesions = nodules
    .map((nodule) => lesionTruth(nodule, { slices, size, pixelSpacing, xOf, yOf }))
    .filter((truth): truth is LesionTruth => truth !== null);

  return {
    files,
    lesions,
    studyInstanceUid,
    seriesInstanceUid,
    frameOfReferenceUid,
    rows: size,
    columns: size,
    pixelSpacingMm: [pixelSpacing, pixelSpacing],
    sliceSpacingMm: spacing,
    slices,
  };
}

interface SeriesLayout {
  slices: readonly CtSlice[];
  size: number;
  pixelSpacing: number;
  xOf: (column: number) => number;
  yOf: (row: number) => number;
}

/** Ground truth from the same voxel-centre rule the renderer uses; null when no pixel is inside. */
function lesionTruth(nodule: NoduleSpec, layout: SeriesLayout): LesionTruth | null {
  const [cx, cy, cz] = nodule.centreMm;
  const reach = Math.ceil(nodule.diameterMm / 2 / layout.pixelSpacing) + 2;
  const centreColumn = Math.round((cx - layout.xOf(0)) / layout.pixelSpacing);
  const centreRow = Math.round((cy - layout.yOf(0)) / layout.pixelSpacing);
  const search = clampRange(
    { firstColumn: centreColumn - reach, lastColumn: centreColumn + reach, firstRow: centreRow - reach, lastRow: centreRow + reach },
    layout.size,
    layout.size,
  );
  const perSlice: LesionSliceTruth[] = [];
  layout.slices.forEach((slice, sliceIndex) => {
    const z = slice.imagePositionPatient[2];
    if (Math.abs(z - cz) > nodule.diameterMm / 2) return;
    const range = pixelRangeWhere(search, (column, row) => insideNodule(nodule, layout.xOf(column), layout.yOf(row), z));
    if (range === null) return;
    perSlice.push({
      sliceIndex,
      instanceNumber: slice.instanceNumber,
      sopInstanceUid: slice.sopInstanceUid,
      zMm: z,
      box: boxOfRange(range),
      pixels: range,
    });
  });
  const firstSlice = perSlice[0];
  const lastSlice = perSlice[perSlice.length - 1];
  if (firstSlice === undefined || lastSlice === undefined) return null;
  let middle = firstSlice;
  for (const s of perSlice) if (Math.abs(s.zMm - cz) < Math.abs(middle.zMm - cz)) middle = s;
  const union = boxOfRange({
    firstColumn: Math.min(...perSlice.map((s) => s.pixels.firstColumn)),
    lastColumn: Math.max(...perSlice.map((s) => s.pixels.lastColumn)),
    firstRow: Math.min(...perSlice.map((s) => s.pixels.firstRow)),
    lastRow: Math.max(...perSlice.map((s) => s.pixels.lastRow)),
  });
  return {
    id: nodule.id,
    label: 'nodule',
    location: nodule.location,
    centreMm: nodule.centreMm,
    diameterMm: nodule.diameterMm,
    hu: nodule.hu,
    firstSliceIndex: firstSlice.sliceIndex,
    lastSliceIndex: lastSlice.sliceIndex,
    middleSliceIndex: middle.sliceIndex,
    slices: perSlice,
    box3d: {
      ...union,
      firstSliceIndex: firstSlice.sliceIndex,
      lastSliceIndex: lastSlice.sliceIndex,
      firstSopInstanceUid: firstSlice.sopInstanceUid,
      lastSopInstanceUid: lastSlice.sopInstanceUid,
    },
  };
}

export { TISSUE_HU };
