/**
 * A file that changed while it was read (a training loop rewriting or truncating its predictions
 * file): whatever the read found (rows cut in half, a mean over old and new rows) is not the
 * file's, so the read's result is this one error instead. Readers record the file's identity when
 * they open it and compare it when they are done (src/node/file-source.ts; in the browser build,
 * the workspace file system's stat in src/web/runner.ts). Pure data and messages: every front end
 * recognises it by class (or `code`, across realms) and a worker sends it as data (src/shared/failure.ts).
 */

/** What says a file is the same file with the same content: equal at the start and the end of a read. */
export interface FileIdentity {
  size: number;
  /** Modification time (epoch ms); NaN when not known. */
  mtimeMs: number;
  /** Inode and device: another file renamed over the path has others. Absent where unknown (the browser build). */
  ino?: number;
  dev?: number;
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.size === b.size &&
    (a.mtimeMs === b.mtimeMs || (Number.isNaN(a.mtimeMs) && Number.isNaN(b.mtimeMs))) &&
    (a.ino === undefined || b.ino === undefined || a.ino === b.ino) &&
    (a.dev === undefined || b.dev === undefined || a.dev === b.dev)
  );
}

/**
 * When the change was seen: during a read (`read`), or during the second read, made after the
 * file had been quiet for a moment (`again`: the extension's settle-and-reread).
 */
export type ChangePhase = 'read' | 'again';

export const FILE_CHANGED = 'FILE_CHANGED';

export class FileChangedError extends Error {
  override name = 'FileChangedError';
  /** Recognised without instanceof (an error from another realm, a test's vm context). */
  readonly code = FILE_CHANGED;

  constructor(
    /** The file as problems name it (a workspace-relative path, the CLI's argument). */
    readonly file: string,
    /** The file when the read began, and after (null: the path no longer names a file). */
    readonly before: FileIdentity,
    readonly after: FileIdentity | null,
    readonly phase: ChangePhase = 'read',
  ) {
    super(fileChangedMessage(before, after, phase));
  }
}

export function isFileChanged(err: unknown): err is FileChangedError {
  return err instanceof FileChangedError || (err instanceof Error && (err as { code?: unknown }).code === FILE_CHANGED);
}

const int = (n: number) => n.toLocaleString('en-US');
const two = (n: number) => String(n).padStart(2, '0');

/** Local time of day to the millisecond, 14:02:03.512: writes a second apart are told apart. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** What changed, for the message: "12,345,678 -> 4,096 bytes, modified 14:02:03.512". */
export function describeChange(before: FileIdentity, after: FileIdentity | null): string {
  if (after === null) return `${int(before.size)} bytes, then removed`;
  const parts = [before.size === after.size ? `${int(after.size)} bytes` : `${int(before.size)} -> ${int(after.size)} bytes`];
  if ((before.ino !== undefined && after.ino !== undefined && before.ino !== after.ino) || (before.dev !== undefined && after.dev !== undefined && before.dev !== after.dev)) {
    parts.push('replaced by another file');
  }
  if (Number.isFinite(after.mtimeMs)) parts.push(`modified ${timeOfDay(after.mtimeMs)}`);
  return parts.join(', ');
}

export function fileChangedMessage(before: FileIdentity, after: FileIdentity | null, phase: ChangePhase = 'read'): string {
  const what = describeChange(before, after);
  return phase === 'again'
    ? `the file changed again while it was read a second time (${what}); it is still being written: run again when it is complete`
    : `the file changed while it was read (${what}); it is probably still being written: run again when it is complete`;
}
