/**
 * Errors across the Web Worker boundary: structured clone keeps no class, so a failure travels
 * as data (the same FailureData as the desktop file worker) and is rebuilt on the host.
 */
import { AnalysisError, OptionsError } from '../core/analyze';
import type { FailureData } from '../node/file-worker';
import { CancelledError } from '../shared/cancelled';

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
