import type { ApiClient, ProjectSummary } from '../lib/api-client';
import { TAG, firstString, numbers, type DicomJson } from '../lib/dicom-json';
import type { StudyStatus } from '@readingroom/model';
import type { WorklistEntry, WorklistTask } from '../lib/reading-session';
import { Assignments } from './assignments.svelte';
import { managesSessions } from './manages-sessions';
import { inMyQueue } from './my-queue';

/** One row of the worklist. */
export interface WorklistStudy {
  readonly studyUid: string;
  readonly description: string;
  readonly date: string;
  readonly modalities: string;
  readonly seriesCount: number | null;
  /** The reading session: null when the server does not report it. */
  readonly status: StudyStatus | null;
  readonly task: WorklistTask;
  readonly submitted: boolean;
}

/** My projects and, for the chosen one, its studies with what QIDO-RS says about them. */
export class Worklist {
  #projects = $state.raw<ProjectSummary[]>([]);
  #projectId = $state<string | null>(null);
  #studies = $state.raw<WorklistStudy[]>([]);
  #loading = $state(true);
  #error = $state<string | null>(null);
  #onlyMine = $state(false);
  #assignments = $state.raw<Assignments | null>(null);

  constructor(private readonly api: ApiClient) {}

  get projects(): ProjectSummary[] {
    return this.#projects;
  }
  get projectId(): string | null {
    return this.#projectId;
  }
  /** The studies shown: all, or with "my queue" on, those waiting for me. */
  get studies(): WorklistStudy[] {
    return this.#onlyMine ? this.#studies.filter(inMyQueue) : this.#studies;
  }
  get allStudies(): WorklistStudy[] {
    return this.#studies;
  }
  get onlyMine(): boolean {
    return this.#onlyMine;
  }
  /** How many studies wait for me (the "my queue" count). */
  get queueCount(): number {
    return this.#studies.filter(inMyQueue).length;
  }
  showOnlyMine(on: boolean): void {
    this.#onlyMine = on;
  }
  /** Assignment of readers, for those who manage the chosen project's sessions (else null). */
  get assignments(): Assignments | null {
    return this.#assignments;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Reads the chosen project's statuses (and assignments) again, e.g. after assigning readers. */
  async refresh(): Promise<void> {
    if (this.#projectId) await this.choose(this.#projectId);
  }

  async load(): Promise<void> {
    try {
      this.#projects = await this.api.projects();
      const first = this.#projects[0];
      if (first) await this.choose(first.id);
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#loading = false;
    }
  }

  async choose(projectId: string): Promise<void> {
    if (this.#projectId !== projectId) this.#assignments = null;
    this.#projectId = projectId;
    this.#loading = true;
    try {
      const [uids, found, sessions] = await Promise.all([
        this.api.studies(projectId),
        this.api.qidoStudies().catch(() => [] as DicomJson[]),
        // Sessions are shown when the server reports them; the list works without.
        this.api.worklist(projectId).catch(() => [] as WorklistEntry[]),
      ]);
      const byUid = new Map(found.map((s) => [firstString(s, TAG.StudyInstanceUID), s]));
      const sessionOf = new Map(sessions.map((entry) => [entry.studyInstanceUid, entry]));
      if (this.#projectId !== projectId) return;
      this.#studies = uids.map((uid) => toRow(uid, byUid.get(uid), sessionOf.get(uid)));
      const project = this.#projects.find((p) => p.id === projectId);
      if (project && managesSessions(project)) {
        const assignments = this.#assignments?.projectId === projectId ? this.#assignments : new Assignments(this.api, projectId);
        await assignments.load(sessions, uids);
        if (this.#projectId === projectId) this.#assignments = assignments;
      }
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#loading = false;
    }
  }
}

function toRow(studyUid: string, qido: DicomJson | undefined, session: WorklistEntry | undefined): WorklistStudy {
  const modalities = (qido?.[TAG.ModalitiesInStudy]?.Value ?? []).filter((m): m is string => typeof m === 'string');
  const rawDate = qido ? (firstString(qido, TAG.StudyDate) ?? '') : '';
  return {
    studyUid,
    description: (qido && firstString(qido, TAG.StudyDescription)) || '(no description)',
    date: /^\d{8}$/.test(rawDate) ? `${rawDate.slice(0, 4)}-${rawDate.slice(4, 6)}-${rawDate.slice(6)}` : '',
    modalities: modalities.join(', ') || '—',
    seriesCount: qido ? (numbers(qido, TAG.NumberOfStudyRelatedSeries)[0] ?? null) : null,
    status: session?.status ?? null,
    task: session?.task ?? null,
    submitted: session?.submitted ?? false,
  };
}
