/**
 * What the extension does when a file changed while it was read (a FileChangedError: a training
 * loop is still writing it): wait until the file has been quiet for a moment (its size and
 * modification time unchanged for QUIET_MS), then read it once more. A change during that second
 * read is reported as one (FileChangedError, phase 'again'); the wait is capped, so a file that
 * never stops changing is read again after CAP_MS and reported then. Free of `vscode`
 * (unit-tested with a fake clock); AnalysisService wires it to the job runner's stat.
 */
import { FileChangedError, isFileChanged } from '../core/file-changed';
import { CancelledError } from '../shared/cancelled';

/** The file must keep its size and modification time this long before it is read again. */
export const QUIET_MS = 1000;
/** How often the file is looked at meanwhile. */
export const POLL_MS = 200;
/** Waiting longer than this, the file is read again anyway (and reported if it still changes). */
export const CAP_MS = 30_000;

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with a CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface QuietOptions {
  quietMs?: number;
  pollMs?: number;
  capMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

/**
 * Resolves true once `stamp()` (the file's size and modification time, say) has given the same
 * value for `quietMs`, false when `capMs` passed first. A stamp that fails (the file is gone for
 * a moment) is a value of its own. Rejects with a CancelledError when `signal` aborts.
 */
export async function waitUntilQuiet(stamp: () => Promise<unknown>, opts: QuietOptions = {}): Promise<boolean> {
  const { quietMs = QUIET_MS, pollMs = POLL_MS, capMs = CAP_MS, signal, clock = realClock } = opts;
  const look = () => stamp().then((s) => JSON.stringify(s), (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`);
  const started = clock.now();
  let last = await look();
  let since = clock.now();
  for (;;) {
    if (signal?.aborted) throw new CancelledError();
    const now = clock.now();
    if (now - since >= quietMs) return true;
    if (now - started >= capMs) return false;
    await clock.sleep(Math.min(pollMs, quietMs - (now - since)), signal);
    const next = await look();
    if (next !== last) {
      last = next;
      since = clock.now();
    }
  }
}

export interface SettleOptions extends QuietOptions {
  /** The file's (or files') stamp: compared between polls (see waitUntilQuiet). */
  stamp: () => Promise<unknown>;
  /**
   * The first read found the file changing, and the wait begins: say so (the dashboard shows that
   * the file is being written). What it returns, if anything, is called when the wait ends.
   */
  onWaiting?: (change: FileChangedError) => (() => void) | void;
  /** Runs the wait: the default runs it under `signal`; the extension shows a cancellable notification around it. */
  wait?: (run: (signal: AbortSignal | undefined) => Promise<boolean>, change: FileChangedError) => Promise<boolean>;
  /** The wait ended: quiet (true) or at the cap (false). */
  onSettled?: (quiet: boolean) => void;
}

/**
 * `read()`, and if it fails because the file changed while it was read, once more after the file
 * has been quiet (see the module's comment). Any other failure passes through untouched.
 */
export async function readSettled<T>(read: () => Promise<T>, opts: SettleOptions): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!isFileChanged(err)) throw err;
    const done = opts.onWaiting?.(err);
    try {
      const run = (signal: AbortSignal | undefined) => waitUntilQuiet(opts.stamp, { ...opts, signal });
      const quiet = await (opts.wait ? opts.wait(run, err) : run(opts.signal));
      opts.onSettled?.(quiet);
    } finally {
      done?.();
    }
  }
  try {
    return await read();
  } catch (err) {
    if (isFileChanged(err)) throw new FileChangedError(err.file, err.before, err.after, 'again');
    throw err;
  }
}
