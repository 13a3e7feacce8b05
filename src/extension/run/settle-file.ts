/**
 * When a file that appeared (or changed) in a live run's folder may be read: once it has been
 * quiet (size and modification time unchanged for QUIET_MS, settle.ts) AND its format says it is
 * whole (core/run/complete.ts). Free of `vscode` (unit-tested on real files in a tmp folder); the
 * run view wires it to the workspace file system (live.ts).
 */
import { completeness, END_BYTES } from '../../core/run/complete';
import { CAP_MS, waitUntilQuiet, type QuietOptions } from '../settle';

export type FileState =
  /** `checked` false: its format tells nothing of completeness (gzip); the settle alone vouches. */
  | { state: 'ready'; checked: boolean }
  | { state: 'incomplete'; why: string };

export interface FileAccess {
  /** Size and modification time, compared between polls. */
  stamp(): Promise<{ size: number; mtimeMs: number }>;
  /** The file's size, and its first and last min(size, END_BYTES) bytes. */
  ends(): Promise<{ size: number; head: Uint8Array; tail: Uint8Array }>;
}

/** The first and last END_BYTES of a file read whole (the workspace file system reads no range). */
export function endsOf(bytes: Uint8Array): { size: number; head: Uint8Array; tail: Uint8Array } {
  return { size: bytes.length, head: bytes.subarray(0, END_BYTES), tail: bytes.subarray(Math.max(0, bytes.length - END_BYTES)) };
}

/** Waits for `name` to settle, then judges it whole or not (why, for the view). */
export async function settleFile(name: string, file: FileAccess, opts: QuietOptions = {}): Promise<FileState> {
  const quiet = await waitUntilQuiet(() => file.stamp(), opts);
  const cap = opts.capMs ?? CAP_MS;
  if (!quiet) return { state: 'incomplete', why: `it was still changing after ${cap >= 1000 ? `${Math.round(cap / 1000)} s` : `${cap} ms`}` };
  const { size, head, tail } = await file.ends();
  const c = completeness(name, size, head, tail);
  return c.complete ? { state: 'ready', checked: c.checked } : { state: 'incomplete', why: c.why };
}
