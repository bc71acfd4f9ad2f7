import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nullableField, type DataCipher } from '../crypto/data-cipher';
import { openForRekey, scrub } from '../crypto/rekey-sqlite';
import { migrateCatalog } from './catalog-migrations';
import { ContentStore } from './file-store';
import { ACCESSION_INDEX, catalogAd, patientKeyOf } from './sqlite-catalog';

export interface CatalogRekeyResult {
  readonly files: number;
  readonly removedFiles: number;
}

/**
 * Re-encrypts `<dataDir>/catalog.db` and `<dataDir>/dicom/` from `from` to `to` (either may be
 * the plaintext cipher's reader for the `encrypt` migration; `from` must open everything `to`
 * sealed, so an interrupted run can simply be repeated). Only while no server or import runs.
 *
 * Order, so a crash at any point loses nothing: new files are written next to the old ones, then
 * one transaction moves every row to the new names, columns and indexes, and only then are files
 * that no row names any more deleted.
 */
export async function rekeyCatalog(dataDir: string, from: DataCipher, to: DataCipher): Promise<CatalogRekeyResult> {
  const filename = join(dataDir, 'catalog.db');
  if (!existsSync(filename)) return { files: 0, removedFiles: 0 };
  const db = openForRekey(filename);
  try {
    // patient_key changes together with studies.patient_key inside one transaction.
    db.pragma('foreign_keys = OFF');
    migrateCatalog(db);

    const oldFiles = new ContentStore(dataDir, from);
    const newFiles = new ContentStore(dataDir, to);
    const instances = db.prepare<[], { sop_uid: string; file_path: string; file_hash: string }>('SELECT sop_uid, file_path, file_hash FROM instances').all();
    const renamed: Array<{ sop: string; path: string; hash: string }> = [];
    for (const row of instances) {
      const plain = await oldFiles.read({ path: row.file_path, hash: row.file_hash });
      const stored = newFiles.store(plain);
      renamed.push({ sop: row.sop_uid, path: stored.path, hash: stored.hash });
    }

    const src = nullableField(from);
    const dst = nullableField(to);
    const move = (column: string, value: string | null, oldRow: string, newRow = oldRow) =>
      dst.encrypt(src.decrypt(value, catalogAd(column, oldRow)), catalogAd(column, newRow));
    db.transaction(() => {
      const setFile = db.prepare('UPDATE instances SET file_path = ?, file_hash = ? WHERE sop_uid = ?');
      // file_hash is UNIQUE: park every row on a temporary value first so renames cannot collide.
      db.prepare("UPDATE instances SET file_hash = 'rekey:' || sop_uid").run();
      for (const r of renamed) setFile.run(r.path, r.hash, r.sop);

      // Patient keys are blind indexes under the key: park every key on its rowid, then set the new ones.
      type PatientRow = { rowid: number; patient_key: string; patient_id: string | null; patient_name: string | null; sex: string | null };
      const patients = db.prepare<[], PatientRow>('SELECT rowid, patient_key, patient_id, patient_name, sex FROM patients').all();
      db.prepare("UPDATE studies SET patient_key = 'rekey:' || patient_key").run();
      db.prepare("UPDATE patients SET patient_key = 'rekey:' || rowid").run();
      const setPatient = db.prepare('UPDATE patients SET patient_key = ?, patient_id = ?, patient_name = ?, sex = ? WHERE rowid = ?');
      const setStudyPatient = db.prepare('UPDATE studies SET patient_key = ? WHERE patient_key = ?');
      for (const p of patients) {
        const patientId = src.decrypt(p.patient_id, catalogAd('patients.patient_id', p.patient_key));
        const key = patientKeyOf(to, patientId);
        const name = move('patients.patient_name', p.patient_name, p.patient_key, key);
        const sex = move('patients.sex', p.sex, p.patient_key, key);
        setPatient.run(key, dst.encrypt(patientId, catalogAd('patients.patient_id', key)), name, sex, p.rowid);
        setStudyPatient.run(key, `rekey:${p.patient_key}`);
      }

      type StudyRow = { study_uid: string; accession_number: string | null; study_description: string | null; study_id: string | null };
      const setStudy = db.prepare('UPDATE studies SET accession_number = ?, accession_index = ?, study_description = ?, study_id = ? WHERE study_uid = ?');
      for (const s of db.prepare<[], StudyRow>('SELECT study_uid, accession_number, study_description, study_id FROM studies').all()) {
        const accession = src.decrypt(s.accession_number, catalogAd('studies.accession_number', s.study_uid));
        setStudy.run(
          dst.encrypt(accession, catalogAd('studies.accession_number', s.study_uid)),
          accession === null ? null : to.blindIndex(ACCESSION_INDEX, accession),
          move('studies.study_description', s.study_description, s.study_uid),
          move('studies.study_id', s.study_id, s.study_uid),
          s.study_uid,
        );
      }
      const setSeries = db.prepare('UPDATE series SET series_description = ? WHERE series_uid = ?');
      for (const s of db.prepare<[], { series_uid: string; series_description: string | null }>('SELECT series_uid, series_description FROM series').all()) {
        setSeries.run(move('series.series_description', s.series_description, s.series_uid), s.series_uid);
      }
      const dangling = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM studies s LEFT JOIN patients p ON p.patient_key = s.patient_key WHERE p.patient_key IS NULL').get();
      if (dangling && dangling.n > 0) throw new Error(`catalog re-encryption left ${dangling.n} studies without their patient; nothing was changed`);
    }).immediate();
    scrub(db);

    const referenced = new Set(renamed.map((r) => r.path));
    return { files: renamed.length, removedFiles: removeUnreferenced(dataDir, referenced) };
  } finally {
    db.close();
  }
}

/** Deletes `.dcm` files under `<dataDir>/dicom` that no catalog row names. */
function removeUnreferenced(dataDir: string, referenced: ReadonlySet<string>): number {
  const root = join(dataDir, 'dicom');
  if (!existsSync(root)) return 0;
  let removed = 0;
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const path = `dicom/${entry.split(/[\\/]/).join('/')}`;
    if (!path.endsWith('.dcm') || referenced.has(path)) continue;
    rmSync(join(dataDir, path), { force: true });
    removed += 1;
  }
  return removed;
}
