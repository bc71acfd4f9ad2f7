import type { DicomJson } from './dicom-json';
import type { Comment, CommentTarget, ReadingPhase, Vote, VoteValue } from '@readingroom/model';
import type { ReadingSessionView, SessionFlags, WorklistEntry } from './reading-session';

/** A label class of the project taxonomy (GET /api/projects/:id/labels). */
export interface TaxonomyLabel {
  readonly id: string;
  readonly name: string;
  readonly colour: string;
  readonly hotkey: string | null;
  readonly kind: 'box2d' | 'box3d' | 'finding';
  readonly order: number;
}
export interface ProjectSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly role: string | null;
}
/** A project member (GET /api/projects/:id/members, project admins only). */
export interface ProjectMember {
  readonly userId: string;
  readonly username: string | null;
  readonly role: string;
}
/** Which document of a study a comment or vote goes to (the server's `DiscussionRoom`). */
export type DiscussionRoom = 'shared' | 'consensus' | { readonly reader: string };

export interface Me {
  readonly id: string;
  readonly username: string;
  readonly isAdmin: boolean;
}

/** An HTTP answer other than 2xx, with the server's machine-readable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Reading Room REST API and QIDO-RS searches, with the bearer token of this tab. */
export class ApiClient {
  constructor(
    readonly origin: string,
    private readonly token: () => string | null,
  ) {}

  static async login(origin: string, username: string, password: string): Promise<string> {
    const response = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await response.json().catch(() => ({}))) as { token?: string; error?: { code?: string; message?: string } };
    if (!response.ok || typeof body.token !== 'string') {
      throw new ApiError(response.status, body.error?.code ?? 'login_failed', body.error?.message ?? 'login failed');
    }
    return body.token;
  }

  me(): Promise<Me> {
    return this.get('/api/me');
  }
  async projects(): Promise<ProjectSummary[]> {
    return (await this.get<{ projects: ProjectSummary[] }>('/api/projects')).projects;
  }
  async labels(projectId: string): Promise<TaxonomyLabel[]> {
    const { labels } = await this.get<{ labels: TaxonomyLabel[] }>(`/api/projects/${projectId}/labels`);
    return [...labels].sort((a, b) => a.order - b.order);
  }
  async studies(projectId: string): Promise<string[]> {
    const { studies } = await this.get<{ studies: Array<{ studyInstanceUid: string }> }>(`/api/projects/${projectId}/studies`);
    return studies.map((s) => s.studyInstanceUid);
  }
  /** QIDO-RS study search (only studies the user may see). */
  qidoStudies(): Promise<DicomJson[]> {
    return this.get('/dicomweb/studies?includefield=00081030&includefield=00201206&includefield=00080061', 'application/dicom+json');
  }
  /** QIDO-RS series of a study. */
  qidoSeries(studyUid: string): Promise<DicomJson[]> {
    return this.get(`/dicomweb/studies/${encodeURIComponent(studyUid)}/series`, 'application/dicom+json');
  }

  /** The reading session of a study, with what the caller may do and which room to open. */
  readingSession(projectId: string, studyUid: string): Promise<ReadingSessionView> {
    return this.get(sessionPath(projectId, studyUid));
  }
  /** Moves the session to `phase` (adjudicators and admins; leaving `final` is admin only). */
  setPhase(projectId: string, studyUid: string, phase: ReadingPhase): Promise<ReadingSessionView> {
    return this.send('PUT', `${sessionPath(projectId, studyUid)}/phase`, { phase });
  }
  /** Assigns readers (by id, or `readerCount` least-loaded readers) and adjudicators. */
  setAssignment(
    projectId: string,
    studyUid: string,
    assignment: { readers?: readonly string[]; adjudicators?: readonly string[]; readerCount?: number },
  ): Promise<ReadingSessionView> {
    return this.send('PUT', `${sessionPath(projectId, studyUid)}/assignment`, assignment);
  }
  /** Submits the caller's own read; it is locked afterwards. */
  submitRead(projectId: string, studyUid: string): Promise<ReadingSessionView> {
    return this.send('POST', `${sessionPath(projectId, studyUid)}/submit`, {});
  }
  setSessionFlags(projectId: string, studyUid: string, flags: Partial<SessionFlags>): Promise<ReadingSessionView> {
    return this.send('PUT', `${sessionPath(projectId, studyUid)}/flags`, flags);
  }
  /** Every study of the project with its session status and the caller's task. */
  async worklist(projectId: string): Promise<WorklistEntry[]> {
    return (await this.get<{ studies: WorklistEntry[] }>(`/api/projects/${encodeURIComponent(projectId)}/worklist`)).studies;
  }

  /** Members and their roles; project admins only (403 for everyone else). */
  async members(projectId: string): Promise<ProjectMember[]> {
    return (await this.get<{ members: ProjectMember[] }>(`/api/projects/${encodeURIComponent(projectId)}/members`)).members;
  }
  /** Assigns `readersPerStudy` least-loaded readers to every study of the project without readers. */
  async balanceAssignments(projectId: string, readersPerStudy: number): Promise<Array<{ studyInstanceUid: string; readers: string[] }>> {
    const path = `/api/projects/${encodeURIComponent(projectId)}/assignments`;
    return (await this.send<{ assignments: Array<{ studyInstanceUid: string; readers: string[] }> }>('POST', path, { readersPerStudy })).assignments;
  }
  /** Comments on a study document (or one of its annotations) as the caller, through the server. */
  async comment(projectId: string, studyUid: string, room: DiscussionRoom, target: CommentTarget, text: string): Promise<Comment> {
    return (await this.send<{ comment: Comment }>('POST', `${studyPath(projectId, studyUid)}/comments`, { room, target, text })).comment;
  }
  /** Sets the caller's vote on an annotation of a study document. */
  async vote(projectId: string, studyUid: string, room: DiscussionRoom, annotationId: string, vote: VoteValue): Promise<Vote> {
    const path = `${studyPath(projectId, studyUid)}/votes/${encodeURIComponent(annotationId)}`;
    return (await this.send<{ vote: Vote }>('PUT', path, { room, vote })).vote;
  }
  /** Withdraws the caller's vote on an annotation. */
  async withdrawVote(projectId: string, studyUid: string, room: DiscussionRoom, annotationId: string): Promise<void> {
    const query = typeof room === 'object' ? `room=reader&reader=${encodeURIComponent(room.reader)}` : `room=${room}`;
    await this.request('DELETE', `${studyPath(projectId, studyUid)}/votes/${encodeURIComponent(annotationId)}?${query}`, undefined);
  }

  private get<T>(path: string, accept = 'application/json'): Promise<T> {
    return this.request('GET', path, undefined, accept);
  }
  private send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    return this.request(method, path, body);
  }

  private async request<T>(method: string, path: string, body: unknown, accept = 'application/json'): Promise<T> {
    const token = this.token();
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: {
        Accept: accept,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) {
      const answer = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new ApiError(response.status, answer.error?.code ?? 'http_error', answer.error?.message ?? `HTTP ${response.status}`);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

function studyPath(projectId: string, studyUid: string): string {
  return `/api/projects/${encodeURIComponent(projectId)}/studies/${encodeURIComponent(studyUid)}`;
}
function sessionPath(projectId: string, studyUid: string): string {
  return `${studyPath(projectId, studyUid)}/session`;
}
