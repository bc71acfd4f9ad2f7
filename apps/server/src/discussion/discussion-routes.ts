import { Hono } from 'hono';
import type { Authenticate } from '../auth/authenticate';
import { requireAuth, type AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import { readJson } from '../http/read-json';
import { errorResponses, type OpenApiRegistry } from '../openapi/registry';
import { StudyParams } from '../projects/project-api-schemas';
import { PROJECTS_BASE } from '../projects/routes/project-routes-deps';
import { openForDiscussion, writeAs, type DiscussionServices } from './discussion-access';
import { CommentBody, CommentView, VoteBody, VoteParams, VoteRoomQuery, VoteView, type DiscussionRoom } from './discussion-schemas';

export interface DiscussionRoutesDeps extends DiscussionServices {
  readonly authenticate: Authenticate;
  readonly api: OpenApiRegistry;
}

/**
 * Comments and votes over HTTP (mount at `PROJECTS_BASE`), for users who may comment but not
 * write study documents over sync (reviewers), and for anyone else with `comment`. Each request
 * is written into the chosen document as the caller with `changeDocument`: validated like a
 * client's update, stored, broadcast to the room's live clients and audited.
 */
export function discussionRoutes(deps: DiscussionRoutesDeps) {
  const { api } = deps;
  const tags = ['discussion'];
  const study = `${PROJECTS_BASE}/:id/studies/:studyUid`;
  const refusals = errorResponses(400, 401, 403, 404, 409, 503);

  api.registerRoute({
    method: 'post', path: `${study}/comments`, tags, summary: 'Comment on a study document, or on one of its annotations, as the caller',
    request: { params: StudyParams, body: CommentBody },
    responses: { 201: { description: 'the stored comment', schema: CommentView }, ...refusals },
  });
  api.registerRoute({
    method: 'put', path: `${study}/votes/:annotationId`, tags, summary: "Set the caller's vote on an annotation (replacing an earlier one)",
    request: { params: VoteParams, body: VoteBody },
    responses: { 200: { description: 'the stored vote', schema: VoteView }, ...refusals },
  });
  api.registerRoute({
    method: 'delete', path: `${study}/votes/:annotationId`, tags, summary: "Withdraw the caller's vote on an annotation",
    request: { params: VoteParams, query: VoteRoomQuery },
    responses: { 204: { description: 'withdrawn' }, ...refusals },
  });

  return new Hono<{ Variables: AuthVariables }>()
    .use('/:id/studies/:studyUid/comments', requireAuth(deps.authenticate))
    .use('/:id/studies/:studyUid/votes/*', requireAuth(deps.authenticate))
    .post('/:id/studies/:studyUid/comments', async (c) => {
      const { id, studyUid } = StudyParams.parse(c.req.param());
      const body = CommentBody.parse(await readJson(c));
      const target = await openForDiscussion(deps, c.var.user, id, studyUid, body.room);
      const comment = await writeAs(deps, target, (s) => s.addComment({ text: body.text, target: body.target }));
      return c.json({ comment }, 201);
    })
    .put('/:id/studies/:studyUid/votes/:annotationId', async (c) => {
      const { id, studyUid, annotationId } = VoteParams.parse(c.req.param());
      const body = VoteBody.parse(await readJson(c));
      const target = await openForDiscussion(deps, c.var.user, id, studyUid, body.room);
      const vote = await writeAs(deps, target, (s) => s.setVote(annotationId, body.vote));
      return c.json({ vote });
    })
    .delete('/:id/studies/:studyUid/votes/:annotationId', async (c) => {
      const { id, studyUid, annotationId } = VoteParams.parse(c.req.param());
      const target = await openForDiscussion(deps, c.var.user, id, studyUid, roomOfQuery(VoteRoomQuery.parse(c.req.query())));
      const removed = await writeAs(deps, target, (s) => s.clearVote(annotationId));
      if (!removed) throw new ApiError(404, 'vote_not_found', 'you have no vote on this annotation');
      return c.body(null, 204);
    });
}

function roomOfQuery(query: { room: 'shared' | 'consensus' | 'reader'; reader?: string | undefined }): DiscussionRoom {
  if (query.room !== 'reader') {
    if (query.reader !== undefined) throw new ApiError(400, 'invalid_request', 'reader goes only with room=reader');
    return query.room;
  }
  if (query.reader === undefined) throw new ApiError(400, 'invalid_request', 'room=reader needs reader=<userId>');
  return { reader: query.reader };
}
