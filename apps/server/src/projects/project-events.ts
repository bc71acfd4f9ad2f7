import type { LabelClass, ProjectRole } from './project-schemas';
import type {
  LabelClassPatch,
  NewLabelClass,
  NewProject,
  Project,
  ProjectMember,
  ProjectPatch,
  ProjectStore,
  ProjectStudy,
} from './project-store';

/** A change to what a project grants: members, taxonomy, studies, or the project itself. */
export type ProjectChange =
  | { readonly type: 'member'; readonly projectId: string; readonly userId: string }
  | { readonly type: 'labels'; readonly projectId: string }
  | { readonly type: 'studies'; readonly projectId: string }
  | { readonly type: 'project'; readonly projectId: string };

export type ProjectChangeListener = (change: ProjectChange) => void;

/** Subscribe to changes made through this process's store; returns an unsubscribe. */
export interface ProjectChanges {
  subscribe(listener: ProjectChangeListener): () => void;
}

/**
 * Wraps a ProjectStore so that every successful write through it is announced, in process, right
 * after it is stored: the sync layer closes revoked connections and reloads taxonomies on it.
 * Changes made by another process (the CLI) are not seen here; their consumers poll as well.
 */
export function withProjectEvents(inner: ProjectStore): { store: ProjectStore; changes: ProjectChanges } {
  const listeners = new Set<ProjectChangeListener>();
  const emit = (change: ProjectChange) => {
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch {
        // a listener's failure must not fail the write that already happened
      }
    }
  };
  const after = async <T>(result: Promise<T>, change: (value: T) => ProjectChange | null): Promise<T> => {
    const value = await result;
    const c = change(value);
    if (c) emit(c);
    return value;
  };
  const store: ProjectStore = {
    createProject: (project: NewProject): Promise<Project> => inner.createProject(project),
    getProject: (id) => inner.getProject(id),
    findProjectByName: (name) => inner.findProjectByName(name),
    listProjects: () => inner.listProjects(),
    updateProject: (id, patch: ProjectPatch) => after(inner.updateProject(id, patch), (p) => (p ? { type: 'project', projectId: id } : null)),
    deleteProject: (id) => after(inner.deleteProject(id), (ok) => (ok ? { type: 'project', projectId: id } : null)),
    setMember: (projectId, userId, role: ProjectRole) =>
      after(inner.setMember(projectId, userId, role), (ok) => (ok ? { type: 'member', projectId, userId } : null)),
    removeMember: (projectId, userId) => after(inner.removeMember(projectId, userId), (ok) => (ok ? { type: 'member', projectId, userId } : null)),
    listMembers: (projectId): Promise<ProjectMember[]> => inner.listMembers(projectId),
    membershipsOf: (userId) => inner.membershipsOf(userId),
    listLabels: (projectId): Promise<LabelClass[]> => inner.listLabels(projectId),
    createLabel: (projectId, label: NewLabelClass) => after(inner.createLabel(projectId, label), (l) => (l ? { type: 'labels', projectId } : null)),
    updateLabel: (projectId, labelId, patch: LabelClassPatch) =>
      after(inner.updateLabel(projectId, labelId, patch), (l) => (l ? { type: 'labels', projectId } : null)),
    deleteLabel: (projectId, labelId) => after(inner.deleteLabel(projectId, labelId), (ok) => (ok ? { type: 'labels', projectId } : null)),
    addStudies: (projectId, uids, addedBy) => after(inner.addStudies(projectId, uids, addedBy), (n) => (n > 0 ? { type: 'studies', projectId } : null)),
    removeStudy: (projectId, uid) => after(inner.removeStudy(projectId, uid), (ok) => (ok ? { type: 'studies', projectId } : null)),
    listStudies: (projectId): Promise<ProjectStudy[]> => inner.listStudies(projectId),
    projectsWithStudy: (uid) => inner.projectsWithStudy(uid),
    close: () => inner.close(),
  };
  return {
    store,
    changes: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}
