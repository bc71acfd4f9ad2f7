import type { DicomJson } from './dicom-json';

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

  private async get<T>(path: string, accept = 'application/json'): Promise<T> {
    const token = this.token();
    const response = await fetch(`${this.origin}${path}`, {
      headers: { Accept: accept, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new ApiError(response.status, body.error?.code ?? 'http_error', body.error?.message ?? `HTTP ${response.status}`);
    }
    return (await response.json()) as T;
  }
}
