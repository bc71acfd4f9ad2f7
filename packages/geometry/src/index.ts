export type { ImagePlane, ImagePoint, PixelBox, PixelBox3d, SliceIndexFallback, Vec3 } from './types';
export { add, cross, dot, length, normalize, scale, subtract } from './vector';
export {
  GeometryUnavailableError,
  ORTHONORMAL_TOLERANCE,
  requireImageFrame,
  resolveImageAxes,
  resolveImageFrame,
  resolveImagePosition,
  resolvePixelSpacing,
  type ImageAxes,
  type ImageFrame,
  type Resolved,
} from './image-frame';
export {
  frameToPatient,
  imageToPatient,
  patientToFrame,
  patientToImage,
  type ProjectedPoint,
} from './image-to-patient';
export {
  DUPLICATE_POSITION_TOLERANCE_MM,
  ORIENTATION_TOLERANCE,
  SHEAR_TOLERANCE_PIXELS,
  SPACING_ABSOLUTE_TOLERANCE_MM,
  SPACING_RELATIVE_TOLERANCE,
  SliceIssueCode,
  sortSlices,
  type SliceIssue,
  type SliceOrder,
  type SortMethod,
} from './sort-slices';
export {
  buildSeriesGeometry,
  PIXEL_SPACING_RELATIVE_TOLERANCE,
  nearestSliceIndex,
  sliceIndexAt,
  sliceOriginAt,
  type PatientSeriesGeometry,
  type SeriesGeometry,
  type SliceAtPoint,
  type SliceIndexSeriesGeometry,
} from './series-geometry';
export { boundingPixelBox, pixelBoxCorners } from './pixel-box';
export {
  box2dToPatient,
  patientToBox2d,
  type PatientBox2d,
  type PatientQuad,
  type PixelBox2dFallback,
  type PixelBoxFromPatient,
} from './box-2d';
export {
  box3dToPatient,
  patientToBox3d,
  type AxisRange,
  type PatientBox3d,
  type PixelBox3dFromPatient,
  type SliceFrameExtent,
  type SliceIndexBox3d,
} from './box-3d';
export { boxAreaMm2, boxSizeMm, type BoxSizeMm } from './box-measure';
