// How `npm run dev` turns saves into cycles: an editor's burst of writes (a save can be a write, a
// rename and a chmod; "save all" is one per file) gives one cycle once the files have been quiet
// for a moment, and saves during a cycle queue exactly one more, which starts when the running
// one ends (never two at once, never a pile-up), as `skaffold dev` and `tilt up` do.

/** What a cycle is handed: the files saved since the last cycle began, sorted, each once. */
export type Cycle = (changed: readonly string[]) => Promise<void>;

export interface Coalescer {
  /** A file was saved (`file` relative to the project). */
  saved(file: string): void;
  /** Runs a cycle now, with no file saved (the first, at start), unless one runs. */
  start(): void;
  /** Whether a cycle is running now. */
  readonly running: boolean;
  /** Drops a queued cycle and the pending timer; a running cycle is left to end. */
  stop(): void;
  /** Resolves when no cycle runs and none is queued or pending. */
  idle(): Promise<void>;
}

/**
 * Calls `cycle` once per burst of saves: `quietMs` after the last save of a burst, or, when a
 * cycle is running, once it has ended (and the files have been quiet for `quietMs`).
 */
export function coalesce(cycle: Cycle, quietMs: number): Coalescer {
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    if (!running && timer === undefined && changed.size === 0) {
      idleWaiters.forEach((resolve) => resolve());
      idleWaiters = [];
    }
  };
  const begin = () => {
    timer = undefined;
    if (running || stopped) {
      // Saved during the cycle: it starts when the running one ends.
      return;
    }
    const files = [...changed].sort();
    changed = new Set();
    running = true;
    cycle(files)
      .catch(() => undefined) // a cycle reports its own failures; the loop goes on
      .finally(() => {
        running = false;
        if (changed.size > 0 && timer === undefined && !stopped) {
          timer = setTimeout(begin, quietMs);
        }
        settle();
      });
  };

  return {
    saved(file) {
      if (stopped) {
        return;
      }
      changed.add(file);
      clearTimeout(timer);
      timer = setTimeout(begin, quietMs);
    },
    start() {
      clearTimeout(timer);
      timer = setTimeout(begin, 0);
    },
    get running() {
      return running;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      changed = new Set();
      settle();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settle();
      });
    },
  };
}
