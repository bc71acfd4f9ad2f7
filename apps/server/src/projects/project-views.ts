import type { z } from 'zod';
import type { DicomwebSourcePatch, PatchProjectBody, ProjectView } from './project-api-schemas';
import type { LabelClass, ProjectRole, ProjectSettings, ProjectSource } from './project-schemas';
import type { Project } from './project-store';
import type { ProjectSourceView } from './project-api-schemas';

/** The source as the API shows it: the upstream password becomes `hasPassword`. */
export function toSourceView(source: ProjectSource): z.infer<typeof ProjectSourceView> {
  if (source.type === 'local') return { type: 'local' };
  return {
    type: 'dicomweb',
    url: source.url,
    ...(source.username === undefined ? {} : { username: source.username }),
    hasPassword: source.password !== undefined,
  };
}

export function toProjectView(project: Project, role: ProjectRole | null): ProjectView {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    settings: { forceDeidentify: project.settings.forceDeidentify, source: toSourceView(project.settings.source) },
    createdAt: new Date(project.createdAt).toISOString(),
    createdBy: project.createdBy,
    role,
  };
}

export function toLabelView({ projectId: _projectId, ...label }: LabelClass) {
  return label;
}

function mergeDicomweb(current: ProjectSource, next: DicomwebSourcePatch): ProjectSource {
  const sameUrl = current.type === 'dicomweb' && current.url === next.url;
  const pick = (given: string | null | undefined, kept: string | undefined) =>
    given === null ? undefined : (given ?? (sameUrl ? kept : undefined));
  const previous = current.type === 'dicomweb' ? current : undefined;
  const username = pick(next.username, previous?.username);
  const password = pick(next.password, previous?.password);
  return {
    type: 'dicomweb',
    url: next.url,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

/** Applies a PATCH to stored settings; see `DicomwebSourcePatch` for how credentials carry over. */
export function mergeSettings(current: ProjectSettings, patch: PatchProjectBody['settings']): ProjectSettings {
  if (!patch) return current;
  const source = patch.source === undefined ? current.source : patch.source.type === 'local' ? patch.source : mergeDicomweb(current.source, patch.source);
  return { forceDeidentify: patch.forceDeidentify ?? current.forceDeidentify, source };
}
