/**
 * Errors across a worker boundary (the desktop's worker thread, the browser's Web Worker):
 * structured clone keeps no class, so a failure travels as data and is rebuilt on the host.
 */
import { AnalysisError, OptionsError } from '../core/analyze';
import { FileChangedError, isFileChanged, type ChangePhase, type FileIdentity } from '../core/file-changed';
import { CancelledError } from './cancelled';

export type FailureData =
  | { kind: 'analysis'; file: string; problems: AnalysisError['problems']; errorCount: number; badRows: boolean; columns?: string[] }
  | { kind: 'options'; message: string }
  /** The file changed while it was read: supersedes whatever problems the read met. */
  | { kind: 'changed'; file: string; before: FileIdentity; after: FileIdentity | null; phase: ChangePhase }
  | { kind: 'cancelled' }
  | { kind: 'other'; message: string };

export function failureOf(err: unknown, signal: AbortSignal): FailureData {
  // The readers report a cancelled read as a problem ("read cancelled"): it is not the file's fault.
  if (signal.aborted) return { kind: 'cancelled' };
  if (isFileChanged(err)) return { kind: 'changed', file: err.file, before: err.before, after: err.after, phase: err.phase };
  if (err instanceof AnalysisError) return { kind: 'analysis', file: err.file, problems: err.problems, errorCount: err.errorCount, badRows: err.badRows, ...(err.columns !== undefined ? { columns: err.columns } : {}) };
  if (err instanceof OptionsError) return { kind: 'options', message: err.message };
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}

export function errorOf(f: FailureData): Error {
  switch (f.kind) {
    case 'analysis':
      return new AnalysisError(f.file, f.problems, f.errorCount, f.badRows, f.columns);
    case 'options':
      return new OptionsError(f.message);
    case 'changed':
      return new FileChangedError(f.file, f.before, f.after, f.phase);
    case 'cancelled':
      return new CancelledError();
    case 'other':
      return new Error(f.message);
  }
}
