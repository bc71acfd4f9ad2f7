/** A point or direction in patient space (DICOM LPS, millimetres) or any 3-vector. */
export type Vec3 = readonly [number, number, number];

/**
 * The geometry of one image (slice), as read from its DICOM attributes. Any geometric attribute
 * may be missing; functions that need it then fall back to slice indices and pixel units.
 */
export interface ImagePlane {
  /** ImagePositionPatient (0020,0032): centre of the first transmitted pixel, mm. */
  imagePositionPatient: readonly [number, number, number] | null;
  /**
   * ImageOrientationPatient (0020,0037): the row direction cosine (direction of increasing
   * column index) followed by the column direction cosine (direction of increasing row index).
   */
  imageOrientationPatient: readonly [number, number, number, number, number, number] | null;
  /**
   * PixelSpacing (0028,0030) in DICOM order: [row spacing, column spacing], i.e. [distance
   * between rows (vertical), distance between columns (horizontal)], mm.
   */
  pixelSpacing: readonly [number, number] | null;
  rows: number;
  columns: number;
  sliceThickness?: number | null;
  instanceNumber?: number | null;
  sopInstanceUid: string;
}

/**
 * A continuous position in an image. As in DICOM, (0, 0) is the centre of the top-left pixel;
 * `column` grows to the right, `row` grows downwards.
 */
export interface ImagePoint {
  column: number;
  row: number;
}

/** A box on one image in pixel coordinates: (x, y) = (column, row) of its top-left corner. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A pixel box extruded over an inclusive range of slice indices (in sorted series order). */
export interface PixelBox3d extends PixelBox {
  firstSliceIndex: number;
  lastSliceIndex: number;
}

/**
 * Attached to results computed without patient geometry: the values are in slice indices and
 * pixel units, and `reason` says which geometry was missing or inconsistent.
 */
export interface SliceIndexFallback {
  fallback: 'slice-index';
  reason: string;
}
