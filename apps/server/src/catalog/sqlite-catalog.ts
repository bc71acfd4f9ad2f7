import Database from 'better-sqlite3';
import type { InstanceRecord } from '@readingroom/dicom';
import {
  MAX_PAGE,
  type AddInstanceResult,
  type Catalog,
  type CatalogInstance,
  type InstanceSearch,
  type Page,
  type SeriesSearch,
  type SeriesSummary,
  type StoredFile,
  type StudySearch,
  type StudySummary,
} from './catalog';
import { migrateCatalog } from './catalog-migrations';
import { nullableField, plaintextCipher, type DataCipher, type FieldCipher } from '../crypto/data-cipher';

interface StudyRow {
  study_uid: string;
  patient_key: string;
  study_date: string | null;
  study_time: string | null;
  accession_number: string | null;
  study_description: string | null;
  study_id: string | null;
  patient_id: string | null;
  patient_name: string | null;
  sex: string | null;
  modalities: string | null;
  series_count: number;
  instance_count: number;
}

interface SeriesRow {
  study_uid: string;
  series_uid: string;
  modality: string | null;
  series_number: number | null;
  series_description: string | null;
  body_part: string | null;
  instance_count: number;
}

interface InstanceRow {
  study_uid: string;
  series_uid: string;
  sop_uid: string;
  sop_class_uid: string | null;
  modality: string | null;
  instance_number: number | null;
  rows: number;
  columns: number;
  number_of_frames: number;
  pixel_spacing: string | null;
  image_position: string | null;
  image_orientation: string | null;
  slice_thickness: number | null;
  transfer_syntax_uid: string;
  file_path: string;
  file_hash: string;
  file_size: number;
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
const parseJson = <T>(value: string | null): T | null => (value === null ? null : (JSON.parse(value) as T));

/**
 * Associated data of an encrypted catalog value: its column and row, so a value cannot be moved
 * to another column or row. Columns encrypted at rest: patients.patient_id, patient_name, sex;
 * studies.accession_number, study_description, study_id; series.series_description. Dates,
 * UIDs, modality and geometry stay in the clear: QIDO filters and sorts on them.
 */
export const catalogAd = (column: string, rowKey: string) => `catalog/${column}/${rowKey}`;

/** Blind-index purposes of the catalog's searchable encrypted columns. */
export const PATIENT_KEY_INDEX = 'catalog/patient-id';
export const ACCESSION_INDEX = 'catalog/accession-number';

/** `patients.patient_key` of a Patient ID: '' when absent, else its blind index. */
export const patientKeyOf = (cipher: FieldCipher, patientId: string | null) =>
  patientId === null ? '' : cipher.blindIndex(PATIENT_KEY_INDEX, patientId);

const toStudy = (cipher: FieldCipher, row: StudyRow): StudySummary => {
  const f = nullableField(cipher);
  return {
    studyInstanceUid: row.study_uid,
    studyDate: row.study_date,
    studyTime: row.study_time,
    accessionNumber: f.decrypt(row.accession_number, catalogAd('studies.accession_number', row.study_uid)),
    studyDescription: f.decrypt(row.study_description, catalogAd('studies.study_description', row.study_uid)),
    studyId: f.decrypt(row.study_id, catalogAd('studies.study_id', row.study_uid)),
    patientId: f.decrypt(row.patient_id, catalogAd('patients.patient_id', row.patient_key)),
    patientName: f.decrypt(row.patient_name, catalogAd('patients.patient_name', row.patient_key)),
    patientSex: f.decrypt(row.sex, catalogAd('patients.sex', row.patient_key)),
    modalities: row.modalities ? row.modalities.split(',').sort() : [],
    seriesCount: row.series_count,
    instanceCount: row.instance_count,
  };
};

const toSeries = (cipher: FieldCipher, row: SeriesRow): SeriesSummary => ({
  studyInstanceUid: row.study_uid,
  seriesInstanceUid: row.series_uid,
  modality: row.modality,
  seriesNumber: row.series_number,
  seriesDescription: nullableField(cipher).decrypt(row.series_description, catalogAd('series.series_description', row.series_uid)),
  bodyPart: row.body_part,
  instanceCount: row.instance_count,
});

const toInstance = (row: InstanceRow): CatalogInstance => ({
  studyInstanceUid: row.study_uid,
  seriesInstanceUid: row.series_uid,
  sopInstanceUid: row.sop_uid,
  sopClassUid: row.sop_class_uid,
  modality: row.modality,
  instanceNumber: row.instance_number,
  rows: row.rows,
  columns: row.columns,
  numberOfFrames: row.number_of_frames,
  pixelSpacing: parseJson(row.pixel_spacing),
  imagePositionPatient: parseJson(row.image_position),
  imageOrientationPatient: parseJson(row.image_orientation),
  sliceThickness: row.slice_thickness,
  transferSyntaxUid: row.transfer_syntax_uid,
  file: { path: row.file_path, hash: row.file_hash, size: row.file_size },
});

/** Collects WHERE clauses and their parameters. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(clause: string, ...params: unknown[]) {
    this.clauses.push(clause);
    this.params.push(...params);
  }
  anyOf(column: string, values: readonly string[] | null | undefined) {
    if (values) this.add(`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values));
  }
  toString() {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function paging(page: Page): [number, number] {
  const limit = Math.min(Math.max(0, Math.trunc(page.limit ?? MAX_PAGE)), MAX_PAGE);
  return [limit, Math.max(0, Math.trunc(page.offset ?? 0))];
}

const INSTANCE_COLUMNS = `i.study_uid, i.series_uid, i.sop_uid, i.sop_class_uid, se.modality, i.instance_number, i.rows,
  i.columns, i.number_of_frames, i.pixel_spacing, i.image_position, i.image_orientation, i.slice_thickness,
  i.transfer_syntax_uid, i.file_path, i.file_hash, i.file_size`;

/**
 * Catalog on `<dataDir>/catalog.db`: WAL mode, migrated on open, safe to share with a CLI import.
 * With an enabled `cipher`, identifying columns are encrypted and searched through blind indexes.
 */
export class SqliteCatalog implements Catalog {
  readonly #db: Database.Database;
  readonly #cipher: DataCipher;
  readonly #add: (record: InstanceRecord, file: StoredFile) => AddInstanceResult;

  private constructor(db: Database.Database, cipher: DataCipher) {
    this.#db = db;
    this.#cipher = cipher;
    const f = nullableField(cipher);
    const bySop = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM instances WHERE sop_uid = ?');
    const byHash = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM instances WHERE file_hash = ?');
    const studyExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM studies WHERE study_uid = ?');
    const seriesExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM series WHERE series_uid = ?');
    const insertPatient = db.prepare(
      `INSERT INTO patients (patient_key, patient_id, patient_name, sex) VALUES (?, ?, ?, ?)
       ON CONFLICT (patient_key) DO UPDATE SET patient_name = coalesce(patient_name, excluded.patient_name),
         sex = coalesce(sex, excluded.sex)`,
    );
    const insertStudy = db.prepare(
      `INSERT INTO studies (study_uid, patient_key, study_date, study_time, accession_number, accession_index, study_description, study_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertSeries = db.prepare(
      `INSERT INTO series (series_uid, study_uid, modality, series_number, series_description, body_part, frame_of_reference_uid)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertInstance = db.prepare(
      `INSERT INTO instances (sop_uid, series_uid, study_uid, sop_class_uid, instance_number, rows, columns, number_of_frames,
         pixel_spacing, image_position, image_orientation, slice_thickness, slice_location, bits_allocated, bits_stored,
         pixel_representation, photometric, samples_per_pixel, transfer_syntax_uid, file_path, file_hash, file_size, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#add = db.transaction((record: InstanceRecord, file: StoredFile): AddInstanceResult => {
      const { patient, study, series, instance: i } = record;
      if (bySop.get(i.sopInstanceUid) || byHash.get(file.hash)) return { status: 'already-present' };
      const now = Date.now();
      const patientKey = patientKeyOf(cipher, patient.patientId);
      const pad = (column: string) => catalogAd(`patients.${column}`, patientKey);
      insertPatient.run(patientKey, f.encrypt(patient.patientId, pad('patient_id')), f.encrypt(patient.patientName, pad('patient_name')), f.encrypt(patient.sex, pad('sex')));
      const newStudy = !studyExists.get(study.studyInstanceUid);
      if (newStudy) {
        const sad = (column: string) => catalogAd(`studies.${column}`, study.studyInstanceUid);
        const accessionIndex = study.accessionNumber === null ? null : cipher.blindIndex(ACCESSION_INDEX, study.accessionNumber);
        insertStudy.run(
          study.studyInstanceUid, patientKey, study.studyDate, study.studyTime, f.encrypt(study.accessionNumber, sad('accession_number')), accessionIndex,
          f.encrypt(study.studyDescription, sad('study_description')), f.encrypt(study.studyId, sad('study_id')), now,
        );
      }
      const newSeries = !seriesExists.get(series.seriesInstanceUid);
      if (newSeries) {
        const description = f.encrypt(series.seriesDescription, catalogAd('series.series_description', series.seriesInstanceUid));
        insertSeries.run(series.seriesInstanceUid, study.studyInstanceUid, series.modality, series.seriesNumber, description, series.bodyPart, series.frameOfReferenceUid);
      }
      insertInstance.run(
        i.sopInstanceUid, series.seriesInstanceUid, study.studyInstanceUid, i.sopClassUid, i.instanceNumber, i.rows, i.columns,
        i.numberOfFrames, json(i.pixelSpacing), json(i.imagePositionPatient), json(i.imageOrientationPatient), i.sliceThickness,
        i.sliceLocation, i.bitsAllocated, i.bitsStored, i.pixelRepresentation, i.photometricInterpretation, i.samplesPerPixel,
        i.transferSyntaxUid, file.path, file.hash, file.size, now,
      );
      return { status: 'added', newStudy, newSeries };
    });
  }

  /** Opens (creating if needed) and migrates the catalog. `:memory:` works for tests. */
  static open(options: { filename: string; cipher?: DataCipher }): SqliteCatalog {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrateCatalog(db);
      return new SqliteCatalog(db, options.cipher ?? plaintextCipher);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async addInstance(record: InstanceRecord, file: StoredFile): Promise<AddInstanceResult> {
    return this.#add(record, file);
  }

  async isPresent(query: { hash?: string; sopInstanceUid?: string }): Promise<boolean> {
    const row = this.#db
      .prepare('SELECT 1 FROM instances WHERE file_hash = ? OR sop_uid = ? LIMIT 1')
      .get(query.hash ?? null, query.sopInstanceUid ?? null);
    return row !== undefined;
  }

  async searchStudies(search: StudySearch): Promise<StudySummary[]> {
    const where = new Where();
    where.anyOf('s.study_uid', search.within);
    where.anyOf('s.study_uid', search.studyInstanceUids);
    if (search.patientId !== undefined) {
      where.add('p.patient_key = ? AND p.patient_id IS NOT NULL', patientKeyOf(this.#cipher, search.patientId));
    }
    if (search.studyDateFrom !== undefined) where.add('s.study_date >= ?', search.studyDateFrom);
    if (search.studyDateTo !== undefined) where.add('s.study_date <= ?', search.studyDateTo);
    if (search.accessionNumber !== undefined) {
      where.add('s.accession_index = ?', this.#cipher.blindIndex(ACCESSION_INDEX, search.accessionNumber));
    }
    if (search.modality !== undefined) {
      where.add('EXISTS (SELECT 1 FROM series m WHERE m.study_uid = s.study_uid AND m.modality = ?)', search.modality);
    }
    const sql = `SELECT s.study_uid, s.patient_key, s.study_date, s.study_time, s.accession_number, s.study_description, s.study_id,
        p.patient_id, p.patient_name, p.sex,
        (SELECT group_concat(DISTINCT se.modality) FROM series se WHERE se.study_uid = s.study_uid) AS modalities,
        (SELECT count(*) FROM series se WHERE se.study_uid = s.study_uid) AS series_count,
        (SELECT count(*) FROM instances i WHERE i.study_uid = s.study_uid) AS instance_count
      FROM studies s JOIN patients p ON p.patient_key = s.patient_key
      ${where} ORDER BY s.study_date DESC NULLS LAST, s.study_time DESC NULLS LAST, s.study_uid LIMIT ? OFFSET ?`;
    const rows = this.#db.prepare<unknown[], StudyRow>(sql).all(...where.params, ...paging(search));
    return rows.map((row) => toStudy(this.#cipher, row));
  }

  async searchSeries(studyUid: string, search: SeriesSearch): Promise<SeriesSummary[] | null> {
    if (!this.#db.prepare('SELECT 1 FROM studies WHERE study_uid = ?').get(studyUid)) return null;
    const where = new Where();
    where.add('se.study_uid = ?', studyUid);
    where.anyOf('se.series_uid', search.seriesInstanceUids);
    if (search.modality !== undefined) where.add('se.modality = ?', search.modality);
    const sql = `SELECT se.study_uid, se.series_uid, se.modality, se.series_number, se.series_description, se.body_part,
        (SELECT count(*) FROM instances i WHERE i.series_uid = se.series_uid) AS instance_count
      FROM series se ${where} ORDER BY se.series_number NULLS LAST, se.series_uid LIMIT ? OFFSET ?`;
    return this.#db.prepare<unknown[], SeriesRow>(sql).all(...where.params, ...paging(search)).map((row) => toSeries(this.#cipher, row));
  }

  async searchInstances(studyUid: string, seriesUid: string | null, search: InstanceSearch): Promise<CatalogInstance[] | null> {
    const exists =
      seriesUid === null
        ? this.#db.prepare('SELECT 1 FROM studies WHERE study_uid = ?').get(studyUid)
        : this.#db.prepare('SELECT 1 FROM instances WHERE study_uid = ? AND series_uid = ? LIMIT 1').get(studyUid, seriesUid);
    if (!exists) return null;
    const where = new Where();
    where.add('i.study_uid = ?', studyUid);
    if (seriesUid !== null) where.add('i.series_uid = ?', seriesUid);
    where.anyOf('i.series_uid', search.seriesInstanceUids);
    where.anyOf('i.sop_uid', search.sopInstanceUids);
    if (search.modality !== undefined) where.add('se.modality = ?', search.modality);
    const sql = `SELECT ${INSTANCE_COLUMNS} FROM instances i JOIN series se ON se.series_uid = i.series_uid
      ${where} ORDER BY se.series_number NULLS LAST, i.series_uid, i.instance_number NULLS LAST, i.sop_uid LIMIT ? OFFSET ?`;
    return this.#db.prepare<unknown[], InstanceRow>(sql).all(...where.params, ...paging(search)).map(toInstance);
  }

  async getInstance(studyUid: string, seriesUid: string, sopUid: string): Promise<CatalogInstance | null> {
    const row = this.#db
      .prepare<[string, string, string], InstanceRow>(
        `SELECT ${INSTANCE_COLUMNS} FROM instances i JOIN series se ON se.series_uid = i.series_uid
         WHERE i.sop_uid = ? AND i.study_uid = ? AND i.series_uid = ?`,
      )
      .get(sopUid, studyUid, seriesUid);
    return row ? toInstance(row) : null;
  }

  async counts(): Promise<{ studies: number; series: number; instances: number }> {
    return this.#db
      .prepare<[], { studies: number; series: number; instances: number }>(
        `SELECT (SELECT count(*) FROM studies) AS studies, (SELECT count(*) FROM series) AS series,
           (SELECT count(*) FROM instances) AS instances`,
      )
      .get()!;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
