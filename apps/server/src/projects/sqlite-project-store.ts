import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { plaintextCipher, type DataCipher, type FieldCipher } from '../crypto/data-cipher';
import { openForRekey, scrub } from '../crypto/rekey-sqlite';
import { migrateProjects } from './project-migrations';
import { ProjectSettingsSchema, type LabelAttribute, type LabelClass, type ProjectRole } from './project-schemas';
import {
  LabelConflictError,
  ProjectNameTakenError,
  type LabelClassPatch,
  type NewLabelClass,
  type NewProject,
  type Project,
  type ProjectMember,
  type ProjectPatch,
  type ProjectStore,
  type ProjectStudy,
} from './project-store';

interface ProjectRow { id: string; name: string; description: string; settings: string; created_at: number; created_by: string }
interface MemberRow { project_id: string; user_id: string; role: ProjectRole }
interface LabelRow { id: string; project_id: string; name: string; colour: string; hotkey: string | null; kind: LabelClass['kind']; attributes: string; ord: number }
interface StudyRow { study_instance_uid: string; added_at: number; added_by: string }

/**
 * Associated data of an encrypted project value. Encrypted at rest: projects.description,
 * label_classes.name and label_classes.attributes (the taxonomy holds the label strings that
 * also appear in documents). Project names stay in the clear: they are unique keys.
 */
export const projectAd = (column: string, rowId: string) => `projects/${column}/${rowId}`;

const projectFromRow = (cipher: FieldCipher, row: ProjectRow): Project => ({
  id: row.id,
  name: row.name,
  description: cipher.decrypt(row.description, projectAd('projects.description', row.id)),
  settings: ProjectSettingsSchema.parse(JSON.parse(row.settings)),
  createdAt: row.created_at,
  createdBy: row.created_by,
});
const memberFromRow = (row: MemberRow): ProjectMember => ({ projectId: row.project_id, userId: row.user_id, role: row.role });
const labelFromRow = (cipher: FieldCipher, row: LabelRow): LabelClass => ({
  id: row.id,
  projectId: row.project_id,
  name: cipher.decrypt(row.name, projectAd('label_classes.name', row.id)),
  colour: row.colour,
  hotkey: row.hotkey,
  kind: row.kind,
  attributes: JSON.parse(cipher.decrypt(row.attributes, projectAd('label_classes.attributes', row.id))) as LabelAttribute[],
  order: row.ord,
});
const studyFromRow = (row: StudyRow): ProjectStudy => ({ studyInstanceUid: row.study_instance_uid, addedAt: row.added_at, addedBy: row.added_by });

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * ProjectStore on readingroom.db (a second connection next to the user store's; WAL allows it).
 * Statements run synchronously, so a check-then-write below cannot interleave within this process.
 * With an enabled `cipher`, descriptions and label names and attributes are encrypted.
 */
export class SqliteProjectStore implements ProjectStore {
  readonly #db: Database.Database;
  readonly #cipher: DataCipher;

  private constructor(db: Database.Database, cipher: DataCipher) {
    this.#db = db;
    this.#cipher = cipher;
  }

  /** Opens (creating if needed) and migrates the project tables. */
  static open(options: { filename: string; cipher?: DataCipher }): SqliteProjectStore {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrateProjects(db);
      return new SqliteProjectStore(db, options.cipher ?? plaintextCipher);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  #all<R>(sql: string, ...params: unknown[]): R[] {
    return this.#db.prepare<unknown[], R>(sql).all(...params);
  }

  #get<R>(sql: string, ...params: unknown[]): R | undefined {
    return this.#db.prepare<unknown[], R>(sql).get(...params);
  }

  #run(sql: string, ...params: unknown[]): number {
    return this.#db.prepare(sql).run(...params).changes;
  }

  async createProject(input: NewProject): Promise<Project> {
    const project: Project = { id: randomUUID(), createdAt: Date.now(), ...input };
    try {
      this.#run(
        'INSERT INTO projects (id, name, description, settings, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
        project.id, project.name, this.#cipher.encrypt(project.description, projectAd('projects.description', project.id)),
        JSON.stringify(project.settings), project.createdAt, project.createdBy,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ProjectNameTakenError(input.name);
      throw error;
    }
    return project;
  }

  async getProject(id: string): Promise<Project | null> {
    const row = this.#get<ProjectRow>('SELECT * FROM projects WHERE id = ?', id);
    return row ? projectFromRow(this.#cipher, row) : null;
  }

  async findProjectByName(name: string): Promise<Project | null> {
    const row = this.#get<ProjectRow>('SELECT * FROM projects WHERE name = ?', name);
    return row ? projectFromRow(this.#cipher, row) : null;
  }

  async listProjects(): Promise<Project[]> {
    return this.#all<ProjectRow>('SELECT * FROM projects ORDER BY name').map((row) => projectFromRow(this.#cipher, row));
  }

  async updateProject(id: string, patch: ProjectPatch): Promise<Project | null> {
    const current = await this.getProject(id);
    if (!current) return null;
    const next: Project = {
      ...current,
      name: patch.name ?? current.name,
      description: patch.description ?? current.description,
      settings: patch.settings ?? current.settings,
    };
    try {
      const description = this.#cipher.encrypt(next.description, projectAd('projects.description', id));
      this.#run('UPDATE projects SET name = ?, description = ?, settings = ? WHERE id = ?', next.name, description, JSON.stringify(next.settings), id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ProjectNameTakenError(next.name);
      throw error;
    }
    return next;
  }

  async deleteProject(id: string): Promise<boolean> {
    return this.#run('DELETE FROM projects WHERE id = ?', id) === 1;
  }

  async setMember(projectId: string, userId: string, role: ProjectRole): Promise<boolean> {
    if (!this.#get('SELECT 1 FROM projects WHERE id = ?', projectId)) return false;
    this.#run(
      'INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role',
      projectId, userId, role,
    );
    return true;
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    return this.#run('DELETE FROM project_members WHERE project_id = ? AND user_id = ?', projectId, userId) === 1;
  }

  async listMembers(projectId: string): Promise<ProjectMember[]> {
    return this.#all<MemberRow>('SELECT * FROM project_members WHERE project_id = ? ORDER BY user_id', projectId).map(memberFromRow);
  }

  async membershipsOf(userId: string): Promise<ProjectMember[]> {
    return this.#all<MemberRow>('SELECT * FROM project_members WHERE user_id = ? ORDER BY project_id', userId).map(memberFromRow);
  }

  async listLabels(projectId: string): Promise<LabelClass[]> {
    const labels = this.#all<LabelRow>('SELECT * FROM label_classes WHERE project_id = ? ORDER BY ord, name', projectId).map((row) =>
      labelFromRow(this.#cipher, row),
    );
    // Encrypted names do not sort in SQL.
    if (this.#cipher.enabled) labels.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return labels;
  }

  #sealLabel(label: LabelClass): { name: string; attributes: string } {
    return {
      name: this.#cipher.encrypt(label.name, projectAd('label_classes.name', label.id)),
      attributes: this.#cipher.encrypt(JSON.stringify(label.attributes), projectAd('label_classes.attributes', label.id)),
    };
  }

  async createLabel(projectId: string, input: NewLabelClass): Promise<LabelClass | null> {
    if (!this.#get('SELECT 1 FROM projects WHERE id = ?', projectId)) return null;
    this.#checkConflicts(projectId, input, null);
    const next = this.#get<{ next: number }>('SELECT COALESCE(MAX(ord) + 1, 0) AS next FROM label_classes WHERE project_id = ?', projectId);
    const label: LabelClass = { ...input, id: randomUUID(), projectId, order: input.order ?? next?.next ?? 0 };
    const sealed = this.#sealLabel(label);
    this.#run(
      'INSERT INTO label_classes (id, project_id, name, colour, hotkey, kind, attributes, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      label.id, projectId, sealed.name, label.colour, label.hotkey, label.kind, sealed.attributes, label.order,
    );
    return label;
  }

  async updateLabel(projectId: string, labelId: string, patch: LabelClassPatch): Promise<LabelClass | null> {
    const row = this.#get<LabelRow>('SELECT * FROM label_classes WHERE project_id = ? AND id = ?', projectId, labelId);
    if (!row) return null;
    this.#checkConflicts(projectId, patch, labelId);
    const current = labelFromRow(this.#cipher, row);
    const next: LabelClass = {
      ...current,
      name: patch.name ?? current.name,
      colour: patch.colour ?? current.colour,
      hotkey: patch.hotkey === undefined ? current.hotkey : patch.hotkey,
      kind: patch.kind ?? current.kind,
      attributes: patch.attributes ?? current.attributes,
      order: patch.order ?? current.order,
    };
    const sealed = this.#sealLabel(next);
    this.#run(
      'UPDATE label_classes SET name = ?, colour = ?, hotkey = ?, kind = ?, attributes = ?, ord = ? WHERE id = ?',
      sealed.name, next.colour, next.hotkey, next.kind, sealed.attributes, next.order, labelId,
    );
    return next;
  }

  async deleteLabel(projectId: string, labelId: string): Promise<boolean> {
    return this.#run('DELETE FROM label_classes WHERE project_id = ? AND id = ?', projectId, labelId) === 1;
  }

  #checkConflicts(projectId: string, next: { name?: string; hotkey?: string | null }, selfId: string | null): void {
    const clash = (column: 'name' | 'hotkey', value: string) =>
      this.#get(`SELECT 1 FROM label_classes WHERE project_id = ? AND ${column} = ? AND id IS NOT ?`, projectId, value, selfId);
    // Encrypted names cannot be compared (or kept unique) in SQL: compare the decrypted ones.
    const nameClash = (value: string) =>
      this.#cipher.enabled
        ? this.#all<LabelRow>('SELECT * FROM label_classes WHERE project_id = ? AND id IS NOT ?', projectId, selfId).some(
            (row) => labelFromRow(this.#cipher, row).name === value,
          )
        : clash('name', value);
    if (next.name !== undefined && nameClash(next.name)) throw new LabelConflictError('name', next.name);
    if (next.hotkey != null && clash('hotkey', next.hotkey)) throw new LabelConflictError('hotkey', next.hotkey);
  }

  async addStudies(projectId: string, studyUids: readonly string[], addedBy: string): Promise<number> {
    if (!this.#get('SELECT 1 FROM projects WHERE id = ?', projectId)) return 0;
    const insert = this.#db.prepare(
      'INSERT INTO project_studies (project_id, study_instance_uid, added_at, added_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const addedAt = Date.now();
    return this.#db.transaction(() => studyUids.reduce((n, uid) => n + insert.run(projectId, uid, addedAt, addedBy).changes, 0))();
  }

  async removeStudy(projectId: string, studyUid: string): Promise<boolean> {
    return this.#run('DELETE FROM project_studies WHERE project_id = ? AND study_instance_uid = ?', projectId, studyUid) === 1;
  }

  async listStudies(projectId: string): Promise<ProjectStudy[]> {
    return this.#all<StudyRow>(
      'SELECT * FROM project_studies WHERE project_id = ? ORDER BY added_at, study_instance_uid',
      projectId,
    ).map(studyFromRow);
  }

  async projectsWithStudy(studyUid: string): Promise<string[]> {
    return this.#all<{ project_id: string }>('SELECT project_id FROM project_studies WHERE study_instance_uid = ?', studyUid).map((r) => r.project_id);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * Re-encrypts the project descriptions and label names and attributes of readingroom.db from
 * `from` to `to` in one transaction (`readingroom encrypt` and `key rotate`). Repeatable: `from`
 * opens what `to` sealed.
 */
export function rekeyProjectStore(filename: string, from: FieldCipher, to: FieldCipher): { projects: number; labels: number } {
  const db = openForRekey(filename);
  try {
    migrateProjects(db);
    const move = (column: string, id: string, value: string) => to.encrypt(from.decrypt(value, projectAd(column, id)), projectAd(column, id));
    const counts = db.transaction(() => {
      const projects = db.prepare<[], { id: string; description: string }>('SELECT id, description FROM projects').all();
      const setProject = db.prepare('UPDATE projects SET description = ? WHERE id = ?');
      for (const p of projects) setProject.run(move('projects.description', p.id, p.description), p.id);
      const labels = db.prepare<[], { id: string; name: string; attributes: string }>('SELECT id, name, attributes FROM label_classes').all();
      const setLabel = db.prepare('UPDATE label_classes SET name = ?, attributes = ? WHERE id = ?');
      for (const l of labels) setLabel.run(move('label_classes.name', l.id, l.name), move('label_classes.attributes', l.id, l.attributes), l.id);
      return { projects: projects.length, labels: labels.length };
    }).immediate();
    scrub(db);
    return counts;
  } finally {
    db.close();
  }
}
