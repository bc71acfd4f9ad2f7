/** Where one image of a stack is in progressive loading. */
const PENDING = 0;
const LOADING = 1;
const DONE = 2;

/**
 * The pending index nearest to `focus` (ties: the one after it, as scrolling usually goes on in
 * the direction it started), or -1 when none is pending. `states[i]` is 0 for a pending image.
 */
export function nearestPending(states: ArrayLike<number>, focus: number): number {
  const count = states.length;
  const centre = Math.min(count - 1, Math.max(0, focus));
  for (let distance = 0; distance < count; distance++) {
    const after = centre + distance;
    const before = centre - distance;
    if (after < count && states[after] === PENDING) return after;
    if (before >= 0 && states[before] === PENDING) return before;
    if (after >= count && before < 0) break;
  }
  return -1;
}

export interface ProgressiveLoaderOptions {
  /** How many images load at the same time. */
  readonly concurrency: number;
  /** The image shown first: loading starts there and goes outward. */
  readonly focus: number;
  /** Called after each image finished loading (or failed), with how many are finished. */
  readonly onLoaded: (index: number, finished: number) => void;
}

/**
 * Loads every image of a stack, nearest first around a focus that follows the shown slice: the
 * slice on screen, then its neighbours outward, at most `concurrency` at a time. When the reader
 * scrolls, the next loads start around the new slice, so what is near the screen is ready first.
 * A failed load counts as finished (the viewport reports an image it cannot show).
 */
export class ProgressiveLoader {
  readonly #states: Uint8Array;
  #focus: number;
  #finished = 0;
  #order: number[] = [];
  #stopped = false;

  constructor(
    count: number,
    private readonly load: (index: number) => Promise<unknown>,
    private readonly options: ProgressiveLoaderOptions,
  ) {
    this.#states = new Uint8Array(count);
    this.#focus = options.focus;
  }

  get finished(): number {
    return this.#finished;
  }

  /** Indices in the order their loads finished. */
  get order(): readonly number[] {
    return this.#order;
  }

  isLoaded(index: number): boolean {
    return this.#states[index] === DONE;
  }

  /** Moves the centre of the loads still to start (the shown slice changed). */
  focus(index: number): void {
    this.#focus = index;
  }

  /** Starts loading; settles when every image finished or `stop` was called. */
  async run(): Promise<void> {
    const worker = async () => {
      while (!this.#stopped) {
        const index = nearestPending(this.#states, this.#focus);
        if (index < 0) return;
        this.#states[index] = LOADING;
        try {
          await this.load(index);
        } catch {
          // Counted as finished: the viewport shows its own error for that image.
        }
        if (this.#stopped) return;
        this.#states[index] = DONE;
        this.#finished++;
        this.#order.push(index);
        this.options.onLoaded(index, this.#finished);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
  }

  /** No further loads start (loads under way finish, unreported). */
  stop(): void {
    this.#stopped = true;
  }
}
