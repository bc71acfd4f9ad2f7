import { randomUUID } from 'node:crypto';
import type { LabelClass, ProjectRole } from './project-schemas';
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

interface ProjectEntry {
  project: Project;
  members: Map<string, ProjectRole>;
  labels: Map<string, LabelClass>;
  studies: Map<string, ProjectStudy>;
}

const byLabelOrder = (a: LabelClass, b: LabelClass) => a.order - b.order || a.name.localeCompare(b.name);

/** In-memory ProjectStore for tests (and the default of `createApp` when none is given). */
export class MemoryProjectStore implements ProjectStore {
  readonly #byId = new Map<string, ProjectEntry>();

  async createProject(input: NewProject): Promise<Project> {
    if (await this.findProjectByName(input.name)) throw new ProjectNameTakenError(input.name);
    const project: Project = { id: randomUUID(), createdAt: Date.now(), ...input };
    this.#byId.set(project.id, { project, members: new Map(), labels: new Map(), studies: new Map() });
    return project;
  }

  async getProject(id: string): Promise<Project | null> {
    return this.#byId.get(id)?.project ?? null;
  }

  async findProjectByName(name: string): Promise<Project | null> {
    for (const { project } of this.#byId.values()) if (project.name === name) return project;
    return null;
  }

  async listProjects(): Promise<Project[]> {
    return [...this.#byId.values()].map((e) => e.project).sort((a, b) => a.name.localeCompare(b.name));
  }

  async updateProject(id: string, patch: ProjectPatch): Promise<Project | null> {
    const entry = this.#byId.get(id);
    if (!entry) return null;
    if (patch.name !== undefined) {
      const other = await this.findProjectByName(patch.name);
      if (other && other.id !== id) throw new ProjectNameTakenError(patch.name);
    }
    entry.project = { ...entry.project, ...definedOnly(patch) };
    return entry.project;
  }

  async deleteProject(id: string): Promise<boolean> {
    return this.#byId.delete(id);
  }

  async setMember(projectId: string, userId: string, role: ProjectRole): Promise<boolean> {
    const entry = this.#byId.get(projectId);
    entry?.members.set(userId, role);
    return entry !== undefined;
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    return this.#byId.get(projectId)?.members.delete(userId) ?? false;
  }

  async listMembers(projectId: string): Promise<ProjectMember[]> {
    const members = this.#byId.get(projectId)?.members ?? new Map<string, ProjectRole>();
    return [...members].map(([userId, role]) => ({ projectId, userId, role })).sort((a, b) => a.userId.localeCompare(b.userId));
  }

  async membershipsOf(userId: string): Promise<ProjectMember[]> {
    const out: ProjectMember[] = [];
    for (const { project, members } of this.#byId.values()) {
      const role = members.get(userId);
      if (role) out.push({ projectId: project.id, userId, role });
    }
    return out;
  }

  async listLabels(projectId: string): Promise<LabelClass[]> {
    return [...(this.#byId.get(projectId)?.labels.values() ?? [])].sort(byLabelOrder);
  }

  async createLabel(projectId: string, input: NewLabelClass): Promise<LabelClass | null> {
    const entry = this.#byId.get(projectId);
    if (!entry) return null;
    checkConflicts(entry.labels.values(), input, null);
    const order = input.order ?? Math.max(-1, ...[...entry.labels.values()].map((l) => l.order)) + 1;
    const label: LabelClass = { ...input, id: randomUUID(), projectId, order };
    entry.labels.set(label.id, label);
    return label;
  }

  async updateLabel(projectId: string, labelId: string, patch: LabelClassPatch): Promise<LabelClass | null> {
    const entry = this.#byId.get(projectId);
    const label = entry?.labels.get(labelId);
    if (!entry || !label) return null;
    checkConflicts(entry.labels.values(), patch, labelId);
    const updated = { ...label, ...definedOnly(patch) };
    entry.labels.set(labelId, updated);
    return updated;
  }

  async deleteLabel(projectId: string, labelId: string): Promise<boolean> {
    return this.#byId.get(projectId)?.labels.delete(labelId) ?? false;
  }

  async addStudies(projectId: string, studyUids: readonly string[], addedBy: string): Promise<number> {
    const studies = this.#byId.get(projectId)?.studies;
    if (!studies) return 0;
    let added = 0;
    const addedAt = Date.now();
    for (const studyInstanceUid of studyUids) {
      if (studies.has(studyInstanceUid)) continue;
      studies.set(studyInstanceUid, { studyInstanceUid, addedAt, addedBy });
      added++;
    }
    return added;
  }

  async removeStudy(projectId: string, studyUid: string): Promise<boolean> {
    return this.#byId.get(projectId)?.studies.delete(studyUid) ?? false;
  }

  async listStudies(projectId: string): Promise<ProjectStudy[]> {
    return [...(this.#byId.get(projectId)?.studies.values() ?? [])].sort(
      (a, b) => a.addedAt - b.addedAt || a.studyInstanceUid.localeCompare(b.studyInstanceUid),
    );
  }

  async projectsWithStudy(studyUid: string): Promise<string[]> {
    return [...this.#byId.values()].filter((e) => e.studies.has(studyUid)).map((e) => e.project.id);
  }

  async close(): Promise<void> {}
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkConflicts(labels: Iterable<LabelClass>, next: { name?: string; hotkey?: string | null }, selfId: string | null): void {
  for (const other of labels) {
    if (other.id === selfId) continue;
    if (next.name !== undefined && other.name === next.name) throw new LabelConflictError('name', next.name);
    if (next.hotkey != null && other.hotkey === next.hotkey) throw new LabelConflictError('hotkey', next.hotkey);
  }
}
