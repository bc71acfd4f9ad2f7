import { projectAgreement, studyAgreement } from '@readingroom/agreement';
import type { ReadingSession, Role } from '@readingroom/model';
import type { ProjectStore } from '../projects/project-store';
import type { SessionStore } from '../sessions/session-store';
import type { UserStore } from '../users/user-store';
import type { ProjectAgreementView, StudyAgreementView } from './agreement-api-schemas';
import type { ImageKeySource } from './study-image-keys';
import { gatherStudyReads, type DocumentReader, type StudyReads } from './study-reads';

/** What the reports read: the same stores the server and the CLI open on a data directory. */
export interface AgreementServiceDeps {
  readonly projects: Pick<ProjectStore, 'getProject' | 'listStudies' | 'listMembers' | 'listLabels' | 'projectsWithStudy'>;
  readonly sessions: Pick<SessionStore, 'get' | 'list'>;
  readonly documents: DocumentReader;
  readonly imageKeys: ImageKeySource;
  readonly users: Pick<UserStore, 'findById'>;
}

/** The project or study asked for does not exist (the routes check first; the CLI reports it). */
export class AgreementSubjectError extends Error {
  override readonly name = 'AgreementSubjectError';
  constructor(
    readonly code: 'project_not_found' | 'study_not_found',
    message: string,
  ) {
    super(message);
  }
}

export interface ProjectReportOptions {
  /** Whether a study's reads go into the report (the caller may see them); default every study. */
  readonly include?: (studyUid: string, session: ReadingSession) => boolean;
}

/**
 * Agreement reports of a project or one study, read from the study documents, the reading
 * sessions, the taxonomy and the catalog, computed by `@readingroom/agreement`. One function
 * for the HTTP API and the CLI, so both give the same report for the same data. Checks no
 * permissions: callers do.
 */
export function createAgreementService(deps: AgreementServiceDeps) {
  const projectContext = async (projectId: string) => {
    if (!(await deps.projects.getProject(projectId))) throw new AgreementSubjectError('project_not_found', 'no such project');
    const roles = new Map<string, Role>((await deps.projects.listMembers(projectId)).map((m) => [m.userId, m.role]));
    const hasBox3dClasses = (await deps.projects.listLabels(projectId)).some((l) => l.kind === 'box3d');
    return { roles, hasBox3dClasses };
  };
  const readStudy = async (projectId: string, studyUid: string, session: ReadingSession, ctx: Awaited<ReturnType<typeof projectContext>>) =>
    gatherStudyReads(deps.documents, { projectId, studyUid, session, ...ctx, images: await deps.imageKeys(studyUid) });
  const namesOf = async (reads: readonly StudyReads[]): Promise<Record<string, string>> => {
    const ids = [...new Set(reads.flatMap((r) => r.input.readers))].sort();
    const names: Record<string, string> = {};
    for (const id of ids) {
      const user = await deps.users.findById(id);
      if (user) names[id] = user.username;
    }
    return names;
  };

  return {
    /** The report of one study of the project. */
    async studyReport(projectId: string, studyUid: string): Promise<StudyAgreementView> {
      const ctx = await projectContext(projectId);
      if (!(await deps.projects.projectsWithStudy(studyUid)).includes(projectId)) {
        throw new AgreementSubjectError('study_not_found', 'the study is not in this project');
      }
      const reads = await readStudy(projectId, studyUid, await deps.sessions.get(projectId, studyUid), ctx);
      return { projectId, ...reads.view, readerNames: await namesOf([reads]), report: studyAgreement({ ...reads.input, studyCount: 1 }) };
    },

    /**
     * The report of the project's studies (those `include` accepts), each compared among its own
     * readers and pooled (`projectAgreement`); `withheldStudies` counts the ones left out.
     */
    async projectReport(projectId: string, options: ProjectReportOptions = {}): Promise<ProjectAgreementView> {
      const ctx = await projectContext(projectId);
      const sessions = await deps.sessions.list(projectId);
      const reads: StudyReads[] = [];
      let withheldStudies = 0;
      for (const { studyInstanceUid } of await deps.projects.listStudies(projectId)) {
        const session = sessions.get(studyInstanceUid) ?? (await deps.sessions.get(projectId, studyInstanceUid));
        if (options.include && !options.include(studyInstanceUid, session)) {
          withheldStudies++;
          continue;
        }
        reads.push(await readStudy(projectId, studyInstanceUid, session, ctx));
      }
      return {
        projectId,
        readerNames: await namesOf(reads),
        studies: reads.map((r) => r.view),
        withheldStudies,
        report: projectAgreement(reads.map((r) => r.input)),
      };
    },
  };
}

export type AgreementService = ReturnType<typeof createAgreementService>;
