/**
 * Errors across a worker boundary (the desktop's worker thread, the browser's Web Worker):
 * structured clone keeps no class, so a failure travels as data and is rebuilt on the host.
 */
import { AnalysisError, OptionsError } from '../core/analyze';
import { CancelledError } from './cancelled';

export type FailureData =
  | { kind: 'analysis'; file: string; problems: AnalysisError['problems']; errorCount: number }
  | { kind: 'options'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'other'; message: string };

export function failureOf(err: unknown, signal: AbortSignal): FailureData {
  // The readers report a cancelled read as a problem ("read cancelled"): it is not the file's fault.
  if (signal.aborted) return { kind: 'cancelled' };
  if (err instanceof AnalysisError) return { kind: 'analysis', file: err.file, problems: err.problems, errorCount: err.errorCount };
  if (err instanceof OptionsError) return { kind: 'options', message: err.message };
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}

export function errorOf(f: FailureData): Error {
  switch (f.kind) {
    case 'analysis':
      return new AnalysisError(f.file, f.problems, f.errorCount);
    case 'options':
      return new OptionsError(f.message);
    case 'cancelled':
      return new CancelledError();
    case 'other':
      return new Error(f.message);
  }
}
