import { Hono, type Context } from 'hono';
import { agreementReportToCsv, type AgreementReport } from '@readingroom/agreement';
import { can, type ReadingSession, type SessionActor } from '@readingroom/model';
import type { Authenticate } from '../auth/authenticate';
import { requireAuth, type AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import { errorResponses, type OpenApiRegistry } from '../openapi/registry';
import type { Principal, ProjectAccess } from '../projects/project-access';
import type { ProjectStore } from '../projects/project-store';
import { PROJECTS_BASE } from '../projects/routes/project-routes-deps';
import { authOnce, requireStudyInProject, sessionActor } from '../sessions/session-routes-deps';
import type { SessionStore } from '../sessions/session-store';
import { agreementRefusal } from './agreement-access';
import {
  AgreementQuery,
  ProjectAgreementParams,
  ProjectAgreementView,
  StudyAgreementParams,
  StudyAgreementQuery,
  StudyAgreementView,
  StudyOnlyParams,
  type AgreementFormat,
} from './agreement-api-schemas';
import { AgreementSubjectError, type AgreementService } from './agreement-service';

export interface AgreementRoutesDeps {
  readonly projects: ProjectStore;
  readonly access: ProjectAccess;
  readonly sessions: Pick<SessionStore, 'get'>;
  readonly authenticate: Authenticate;
  readonly api: OpenApiRegistry;
  readonly agreement: AgreementService;
}

/** Where `studyAgreementRoutes` is mounted. */
export const STUDIES_BASE = '/api/studies';

const CSV = 'text/csv; charset=utf-8';
const tags = ['agreement'];
const refusals = errorResponses(400, 401, 403, 404);
const csvNote = '; with `format=csv`, the report as text/csv (header `section,label,reader,other,metric,value`)';

/** The caller's role in the project (a global administrator acts as `admin`), needing `see-others-annotations`. */
async function reportActor(deps: AgreementRoutesDeps, user: Principal, projectId: string): Promise<SessionActor> {
  const actor = await sessionActor(deps, user, projectId);
  if (!can(actor.role, 'see-others-annotations')) throw new ApiError(403, 'cannot_see_others', `your role (${actor.role}) may not see others' annotations`);
  return actor;
}

function answer<V extends { report: AgreementReport }>(c: Context, view: V, format: AgreementFormat, filename: string): Response {
  if (format === 'json') return c.json(view);
  c.header('content-type', CSV);
  c.header('content-disposition', `attachment; filename="${filename}.csv"`);
  return c.body(agreementReportToCsv(view.report));
}

async function studyReport(deps: AgreementRoutesDeps, c: Context<{ Variables: AuthVariables }>, projectId: string, studyUid: string, format: AgreementFormat) {
  const actor = await reportActor(deps, c.var.user, projectId);
  await requireStudyInProject(deps.projects, projectId, studyUid);
  const refusal = agreementRefusal(actor.userId, actor.role, await deps.sessions.get(projectId, studyUid));
  if (refusal) throw new ApiError(403, refusal, 'the reads of this study are blinded for you in its current phase');
  return answer(c, await report(() => deps.agreement.studyReport(projectId, studyUid)), format, `agreement-${projectId}-${studyUid}`);
}

async function report<T>(make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    if (error instanceof AgreementSubjectError) throw new ApiError(404, error.code, error.message);
    throw error;
  }
}

/**
 * `GET /:id/agreement` and `GET /:id/studies/:studyUid/agreement` (mount under `PROJECTS_BASE`):
 * agreement reports for members who may see others' annotations. A study whose reads are
 * blinded for the caller (agreementRefusal) is refused (403), and left out of the project report
 * (counted in `withheldStudies`).
 */
export function projectAgreementRoutes(deps: AgreementRoutesDeps) {
  deps.api.registerRoute({
    method: 'get', path: `${PROJECTS_BASE}/:id/agreement`, tags,
    summary: "Inter-reader agreement of the project's studies: kappa per class, F1 per reader pair and against the consensus, open disagreements",
    request: { params: ProjectAgreementParams, query: AgreementQuery },
    responses: { 200: { description: `the report over every study the caller may see${csvNote}`, schema: ProjectAgreementView }, ...refusals },
  });
  deps.api.registerRoute({
    method: 'get', path: `${PROJECTS_BASE}/:id/studies/:studyUid/agreement`, tags,
    summary: 'Inter-reader agreement of one study (403 `blinded_read` while its reads are blinded for the caller)',
    request: { params: StudyAgreementParams, query: AgreementQuery },
    responses: { 200: { description: `the study's report${csvNote}`, schema: StudyAgreementView }, ...refusals },
  });
  return new Hono<{ Variables: AuthVariables }>()
    .use('/:id/agreement', authOnce(deps.authenticate))
    .use('/:id/studies/:studyUid/agreement', authOnce(deps.authenticate))
    .get('/:id/agreement', async (c) => {
      const { id } = ProjectAgreementParams.parse(c.req.param());
      const { format } = AgreementQuery.parse(c.req.query());
      const actor = await reportActor(deps, c.var.user, id);
      const include = (_uid: string, session: ReadingSession) => agreementRefusal(actor.userId, actor.role, session) === null;
      return answer(c, await report(() => deps.agreement.projectReport(id, { include })), format, `agreement-${id}`);
    })
    .get('/:id/studies/:studyUid/agreement', async (c) => {
      const { id, studyUid } = StudyAgreementParams.parse(c.req.param());
      const { format } = AgreementQuery.parse(c.req.query());
      return studyReport(deps, c, id, studyUid, format);
    });
}

/** `GET /api/studies/:studyUid/agreement?project=<id>` (mount at `STUDIES_BASE`): the same as under the project. */
export function studyAgreementRoutes(deps: AgreementRoutesDeps) {
  deps.api.registerRoute({
    method: 'get', path: `${STUDIES_BASE}/:studyUid/agreement`, tags,
    summary: 'Inter-reader agreement of one study in a project (same as /api/projects/{id}/studies/{studyUid}/agreement)',
    request: { params: StudyOnlyParams, query: StudyAgreementQuery },
    responses: { 200: { description: `the study's report${csvNote}`, schema: StudyAgreementView }, ...refusals },
  });
  return new Hono<{ Variables: AuthVariables }>()
    .use('/:studyUid/agreement', requireAuth(deps.authenticate))
    .get('/:studyUid/agreement', async (c) => {
      const { studyUid } = StudyOnlyParams.parse(c.req.param());
      const { project, format } = StudyAgreementQuery.parse(c.req.query());
      return studyReport(deps, c, project, studyUid, format);
    });
}
