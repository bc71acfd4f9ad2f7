import { ApiError, type ApiClient } from '../lib/api-client';
import type { ReadingPhase } from '@readingroom/model';
import type { ReadingSessionView, SessionFlags } from '../lib/reading-session';

/** How often the page asks the server for the session (phase and flags set by someone else). */
const POLL_INTERVAL_MS = 2000;
/** The server's answer for a route it does not have (http/create-app.ts `notFound`). */
const NO_SUCH_ROUTE = 'no such route';

/**
 * The reading session of the open study, kept current: read once before the document is opened
 * (it names the room), then polled, and re-read after every action of this page. `onChange` is
 * called with each view that differs from the previous one. The server enforces every rule; this
 * class only asks and reports.
 */
export class ReadingFollower {
  #view = $state.raw<ReadingSessionView | null>(null);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastJson = '';
  #unsupported = false;

  constructor(
    private readonly api: ApiClient,
    private readonly projectId: string,
    private readonly studyUid: string,
    private readonly onChange: (view: ReadingSessionView, previous: ReadingSessionView | null) => void,
  ) {}

  /** The session view; null before the first answer, or when the server has no sessions. */
  get view(): ReadingSessionView | null {
    return this.#view;
  }
  /** An action is under way. */
  get busy(): boolean {
    return this.#busy;
  }
  /** The last action's error, for the user. */
  get error(): string | null {
    return this.#error;
  }

  /**
   * Reads the session once. A server without the session API (404 on the route) leaves the view
   * null, and the page opens the shared document as before sessions existed.
   */
  async load(): Promise<ReadingSessionView | null> {
    try {
      this.#accept(await this.api.readingSession(this.projectId, this.studyUid));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && error.message === NO_SUCH_ROUTE) {
        this.#unsupported = true;
        return null;
      }
      throw error;
    }
    return this.#view;
  }

  /** Starts polling (idempotent). */
  follow(): void {
    if (this.#timer || this.#unsupported) return;
    this.#timer = setInterval(() => void this.refresh(), POLL_INTERVAL_MS);
  }

  async refresh(): Promise<void> {
    if (this.#unsupported) return;
    try {
      this.#accept(await this.api.readingSession(this.projectId, this.studyUid));
    } catch {
      // A failed poll is retried by the next one; actions report their own errors.
    }
  }

  submit(): Promise<boolean> {
    return this.#act(() => this.api.submitRead(this.projectId, this.studyUid));
  }
  setPhase(phase: ReadingPhase): Promise<boolean> {
    return this.#act(() => this.api.setPhase(this.projectId, this.studyUid, phase));
  }
  setFlags(flags: Partial<SessionFlags>): Promise<boolean> {
    return this.#act(() => this.api.setSessionFlags(this.projectId, this.studyUid, flags));
  }
  dismissError(): void {
    this.#error = null;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #act(action: () => Promise<unknown>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    try {
      await action();
      await this.refresh();
      return true;
    } catch (error) {
      this.#error = error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      this.#busy = false;
    }
  }

  #accept(view: ReadingSessionView): void {
    const json = JSON.stringify(view);
    if (json === this.#lastJson) return;
    this.#lastJson = json;
    const previous = this.#view;
    this.#view = view;
    this.onChange(view, previous);
  }
}
