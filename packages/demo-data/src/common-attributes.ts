import type { Dataset } from './attributes';

/** The synthetic patient every generated object belongs to. */
export const DEMO_PATIENT = {
  name: 'DEMO^CHEST',
  id: 'RR-DEMO-001',
  birthDate: '19700101',
  sex: 'O',
} as const;

/** Default seed: the same seed gives byte-identical files and the same UIDs. */
export const DEFAULT_SEED = 'reading-room-demo';

const STUDY_DATE = '20240115';

/** Patient, study-level and equipment attributes shared by all generated objects. */
export function patientAndEquipment(): Dataset {
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    StudyDate: STUDY_DATE,
    SeriesDate: STUDY_DATE,
    ContentDate: STUDY_DATE,
    ReferringPhysicianName: '',
    Manufacturer: 'Reading Room',
    InstitutionName: 'Reading Room synthetic data',
    ManufacturerModelName: 'demo-data phantom',
    PatientName: DEMO_PATIENT.name,
    PatientID: DEMO_PATIENT.id,
    PatientBirthDate: DEMO_PATIENT.birthDate,
    PatientSex: DEMO_PATIENT.sex,
    PatientIdentityRemoved: 'YES',
    BurnedInAnnotation: 'NO',
  };
}

/** A 2D pixel box in the project's convention (see README): pixel (0, 0) is the centre of the top-left pixel. */
export interface PixelBox {
  /** Column of the box's left edge: `firstColumn - 0.5`. */
  x: number;
  /** Row of the box's top edge: `firstRow - 0.5`. */
  y: number;
  width: number;
  height: number;
}

/** The inclusive pixel index range a box covers. */
export interface PixelRange {
  firstColumn: number;
  lastColumn: number;
  firstRow: number;
  lastRow: number;
}

/** The box whose edges enclose whole pixels of `range`. */
export function boxOfRange(range: PixelRange): PixelBox {
  return {
    x: range.firstColumn - 0.5,
    y: range.firstRow - 0.5,
    width: range.lastColumn - range.firstColumn + 1,
    height: range.lastRow - range.firstRow + 1,
  };
}

/**
 * The tightest pixel range of the pixels whose centre (column, row) satisfies `inside`,
 * searched within the given range; null if none does.
 */
export function pixelRangeWhere(search: PixelRange, inside: (column: number, row: number) => boolean): PixelRange | null {
  let result: PixelRange | null = null;
  for (let row = search.firstRow; row <= search.lastRow; row++) {
    for (let column = search.firstColumn; column <= search.lastColumn; column++) {
      if (!inside(column, row)) continue;
      if (result === null) result = { firstColumn: column, lastColumn: column, firstRow: row, lastRow: row };
      else {
        result.firstColumn = Math.min(result.firstColumn, column);
        result.lastColumn = Math.max(result.lastColumn, column);
        result.firstRow = Math.min(result.firstRow, row);
        result.lastRow = Math.max(result.lastRow, row);
      }
    }
  }
  return result;
}

/** Clamps a search range to an image. */
export function clampRange(range: PixelRange, columns: number, rows: number): PixelRange {
  return {
    firstColumn: Math.max(0, range.firstColumn),
    lastColumn: Math.min(columns - 1, range.lastColumn),
    firstRow: Math.max(0, range.firstRow),
    lastRow: Math.min(rows - 1, range.lastRow),
  };
}
