import type { LabelClass, ProjectRole, ProjectSettings } from './project-schemas';

/** A project as stored, settings included (the upstream password too: see `toProjectView`). */
export interface Project {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly settings: ProjectSettings;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** User id of the creator. */
  readonly createdBy: string;
}

export interface NewProject {
  readonly name: string;
  readonly description: string;
  readonly settings: ProjectSettings;
  readonly createdBy: string;
}

export type ProjectPatch = Partial<Pick<Project, 'name' | 'description' | 'settings'>>;

export interface ProjectMember {
  readonly projectId: string;
  readonly userId: string;
  readonly role: ProjectRole;
}

export interface ProjectStudy {
  readonly studyInstanceUid: string;
  readonly addedAt: number;
  readonly addedBy: string;
}

export type NewLabelClass = Omit<LabelClass, 'id' | 'projectId' | 'order'> & { readonly order?: number };
export type LabelClassPatch = Partial<Omit<LabelClass, 'id' | 'projectId'>>;

/** Thrown by `createProject` / `updateProject` when another project has the name. */
export class ProjectNameTakenError extends Error {
  override readonly name = 'ProjectNameTakenError';
  constructor(readonly projectName: string) {
    super(`a project named "${projectName}" already exists`);
  }
}

/** Thrown by `createLabel` / `updateLabel` when the name or hotkey is used by another class of the project. */
export class LabelConflictError extends Error {
  override readonly name = 'LabelConflictError';
  constructor(readonly field: 'name' | 'hotkey', value: string) {
    super(`another label class of the project already has the ${field} "${value}"`);
  }
}

/**
 * Projects, their members, label taxonomy and studies. Missing things are `null` / `false`,
 * not errors; deleting a project deletes its members, labels and study list. Async so a
 * PostgreSQL implementation can slot in. Implementations run `runProjectStoreTests`.
 */
export interface ProjectStore {
  createProject(project: NewProject): Promise<Project>;
  getProject(id: string): Promise<Project | null>;
  findProjectByName(name: string): Promise<Project | null>;
  /** All projects, ordered by name. */
  listProjects(): Promise<Project[]>;
  updateProject(id: string, patch: ProjectPatch): Promise<Project | null>;
  deleteProject(id: string): Promise<boolean>;

  /** Adds the member or changes the role; false when the project does not exist. */
  setMember(projectId: string, userId: string, role: ProjectRole): Promise<boolean>;
  removeMember(projectId: string, userId: string): Promise<boolean>;
  listMembers(projectId: string): Promise<ProjectMember[]>;
  /** Every membership of a user, across projects. */
  membershipsOf(userId: string): Promise<ProjectMember[]>;

  /** The taxonomy, ordered by `order` then name. */
  listLabels(projectId: string): Promise<LabelClass[]>;
  /** Null when the project does not exist. `order` defaults to after the last class. */
  createLabel(projectId: string, label: NewLabelClass): Promise<LabelClass | null>;
  updateLabel(projectId: string, labelId: string, patch: LabelClassPatch): Promise<LabelClass | null>;
  deleteLabel(projectId: string, labelId: string): Promise<boolean>;

  /** Adds studies (already present ones are kept as they were); returns how many were new. */
  addStudies(projectId: string, studyUids: readonly string[], addedBy: string): Promise<number>;
  removeStudy(projectId: string, studyUid: string): Promise<boolean>;
  /** Ordered by `addedAt`, then UID. */
  listStudies(projectId: string): Promise<ProjectStudy[]>;
  /** Ids of the projects that contain the study. */
  projectsWithStudy(studyUid: string): Promise<string[]>;

  close(): Promise<void>;
}
