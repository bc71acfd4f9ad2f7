import { createUpstreamStudySource, type UpstreamStudySource } from '../dicomweb-source';
import type { StudySource } from '../dicomweb/study-source';
import type { Project, ProjectStore } from './project-store';

/** Where each project's images come from, for the /dicomweb routes. */
export interface ProjectImageSources {
  /** The source serving a study: an upstream PACS when a project holding it is configured so, else local. */
  sourceForStudy(studyUid: string, local: StudySource): Promise<StudySource>;
  /** Searches every upstream project's studies (added to `GET /dicomweb/studies`). */
  readonly upstreamSearch: StudySource;
  /** The upstream source of a project, or null for a local project. */
  upstreamFor(project: Project): UpstreamStudySource | null;
}

/**
 * Builds upstream DICOMweb sources from project settings, one per project, rebuilt when its URL
 * or credentials change. The credentials stay on the server: browsers only ever see our URLs.
 */
export function createProjectImageSources(store: ProjectStore, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): ProjectImageSources {
  const cache = new Map<string, { key: string; source: UpstreamStudySource }>();

  const upstreamFor = (project: Project): UpstreamStudySource | null => {
    const s = project.settings.source;
    if (s.type !== 'dicomweb') {
      cache.delete(project.id);
      return null;
    }
    const key = JSON.stringify([s.url, s.username ?? null, s.password ?? null]);
    const hit = cache.get(project.id);
    if (hit?.key === key) return hit.source;
    const source = createUpstreamStudySource({
      baseUrl: s.url,
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    cache.set(project.id, { key, source });
    return source;
  };

  const upstreamForStudy = async (studyUid: string): Promise<StudySource | null> => {
    for (const id of await store.projectsWithStudy(studyUid)) {
      const project = await store.getProject(id);
      const source = project && upstreamFor(project);
      if (source) return source;
    }
    return null;
  };

  const upstreamProjects = async () => (await store.listProjects()).filter((p) => p.settings.source.type === 'dicomweb');

  /** Resolves per study; searches fan out over every upstream project, restricted to its linked studies. */
  const upstreamSearch: StudySource = {
    async searchStudies(query, studyUids) {
      const allowed = studyUids ? new Set(studyUids) : null;
      const results = [];
      for (const project of await upstreamProjects()) {
        const linked = (await store.listStudies(project.id)).map((s) => s.studyInstanceUid).filter((uid) => !allowed || allowed.has(uid));
        if (linked.length === 0) continue;
        results.push(...(await upstreamFor(project)!.searchStudies(query, linked)));
      }
      return results;
    },
    searchSeries: async (study, q) => (await upstreamForStudy(study))?.searchSeries(study, q) ?? null,
    searchInstances: async (study, series, q) => (await upstreamForStudy(study))?.searchInstances(study, series, q) ?? null,
    seriesMetadata: async (study, series, base) => (await upstreamForStudy(study))?.seriesMetadata(study, series, base) ?? null,
    instanceMetadata: async (study, series, sop, base) => (await upstreamForStudy(study))?.instanceMetadata(study, series, sop, base) ?? null,
    frames: async (study, series, sop, frames) => (await upstreamForStudy(study))?.frames(study, series, sop, frames) ?? null,
    instance: async (study, series, sop) => (await upstreamForStudy(study))?.instance(study, series, sop) ?? null,
  };

  return {
    async sourceForStudy(studyUid, local) {
      return (await upstreamForStudy(studyUid)) ?? local;
    },
    upstreamSearch,
    upstreamFor,
  };
}
