import type { ApiClient, ProjectMember } from '../lib/api-client';

/**
 * Who reads which study of one project, for those who manage sessions: the project's readers
 * (names only when the caller may list members, i.e. project admins), each study's assigned
 * readers, and the assignment actions. The server decides; this only asks and shows.
 */
export class Assignments {
  #members = $state.raw<ProjectMember[] | null>(null);
  #assigned = $state.raw<ReadonlyMap<string, readonly string[]>>(new Map());
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(
    private readonly api: ApiClient,
    readonly projectId: string,
  ) {}

  /** Members with the reader role; null when the caller may not list members (adjudicators). */
  get readers(): ProjectMember[] | null {
    return this.#members?.filter((m) => m.role === 'reader') ?? null;
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

  /** A user's name when the members list gives it, else a short id. */
  nameOf(userId: string): string {
    return this.#members?.find((m) => m.userId === userId)?.username ?? userId;
  }

  /** Loads the members (when allowed) and the assigned readers of `studyUids`. */
  async load(studyUids: readonly string[]): Promise<void> {
    const members = this.api.members(this.projectId).catch(() => null);
    const assigned = new Map<string, readonly string[]>();
    // A few at a time: a project may list many studies.
    for (let i = 0; i < studyUids.length; i += 6) {
      const views = await Promise.all(studyUids.slice(i, i + 6).map((uid) => this.api.readingSession(this.projectId, uid).catch(() => null)));
      for (const view of views) if (view) assigned.set(view.studyInstanceUid, view.readers);
    }
    this.#members = await members;
    this.#assigned = assigned;
  }

  /** Replaces the study's readers with `readers` (user ids). */
  assign(studyUid: string, readers: readonly string[]): Promise<boolean> {
    return this.#run(async () => {
      const view = await this.api.setAssignment(this.projectId, studyUid, { readers });
      this.#setReaders(studyUid, view.readers);
    });
  }

  /** Lets the server pick `readerCount` least-loaded readers for the study. */
  autoAssign(studyUid: string, readerCount: number): Promise<boolean> {
    return this.#run(async () => {
      const view = await this.api.setAssignment(this.projectId, studyUid, { readerCount });
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
