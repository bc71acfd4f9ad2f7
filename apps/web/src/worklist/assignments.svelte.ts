import type { ApiClient } from '../lib/api-client';
import type { ReaderCandidate, ReadingSessionView, SessionPerson, WorklistEntry } from '../lib/reading-session';

/**
 * Who reads which study of one project, for those who manage sessions: the members who may be
 * assigned (`candidates` of a session view, given to every manager, adjudicators included), each
 * study's assigned readers (from the worklist rows, no per-study fetch), and the assignment
 * actions. The server decides; this only asks and shows.
 */
export class Assignments {
  #candidates = $state.raw<readonly ReaderCandidate[] | null>(null);
  #people = $state.raw<Readonly<Record<string, SessionPerson>>>({});
  #assigned = $state.raw<ReadonlyMap<string, readonly string[]>>(new Map());
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(
    private readonly api: ApiClient,
    readonly projectId: string,
  ) {}

  /** Members who may be assigned as readers (role reader or trainee); null until known. */
  get readers(): readonly ReaderCandidate[] | null {
    return this.#candidates;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  dismissError(): void {
    this.#error = null;
  }

  /** The assigned readers of a study (ids), as far as known. */
  readersOf(studyUid: string): readonly string[] {
    return this.#assigned.get(studyUid) ?? [];
  }

  /** A user's name when a session view gave it, else the id. */
  nameOf(userId: string): string {
    return this.#people[userId]?.username ?? userId;
  }

  /**
   * Takes the assigned readers from the worklist rows, and the candidates from one session view
   * (they are the project's, the same for every study).
   */
  async load(entries: readonly WorklistEntry[], studyUids: readonly string[]): Promise<void> {
    const first = studyUids[0];
    const view = first === undefined ? null : await this.api.readingSession(this.projectId, first).catch(() => null);
    this.#assigned = new Map(entries.map((e) => [e.studyInstanceUid, e.readers]));
    if (view) this.#learn(view);
  }

  /** Replaces the study's readers with `readers` (user ids). */
  assign(studyUid: string, readers: readonly string[]): Promise<boolean> {
    return this.#run(async () => {
      const view = await this.api.setAssignment(this.projectId, studyUid, { readers });
      this.#learn(view);
      this.#setReaders(studyUid, view.readers);
    });
  }

  /** Lets the server pick `readerCount` least-loaded readers for the study. */
  autoAssign(studyUid: string, readerCount: number): Promise<boolean> {
    return this.#run(async () => {
      const view = await this.api.setAssignment(this.projectId, studyUid, { readerCount });
      this.#learn(view);
      this.#setReaders(studyUid, view.readers);
    });
  }

  /** Assigns `readersPerStudy` readers to every study of the project that has none. */
  balance(readersPerStudy: number): Promise<boolean> {
    return this.#run(async () => {
      const assignments = await this.api.balanceAssignments(this.projectId, readersPerStudy);
      for (const { studyInstanceUid, readers } of assignments) this.#setReaders(studyInstanceUid, readers);
    });
  }

  /** Names and candidates of a session view (kept when the view has none). */
  #learn(view: ReadingSessionView): void {
    this.#people = { ...this.#people, ...view.people };
    if (view.candidates) this.#candidates = view.candidates;
  }

  #setReaders(studyUid: string, readers: readonly string[]): void {
    const next = new Map(this.#assigned);
    next.set(studyUid, readers);
    this.#assigned = next;
  }

  async #run(action: () => Promise<void>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    try {
      await action();
      return true;
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      this.#busy = false;
    }
  }
}
