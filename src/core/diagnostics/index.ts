/**
 * The diagnostics there are, and running those asked for after the first pass (see types.ts).
 * A diagnostic's module registers its result type by declaration merging and its entry here.
 */
import type { Analysis, AnalysisRequest } from '../analyze';
import { labelIssues } from './label-issues';
import { temperature } from './temperature';
import type { DiagnosticContext, DiagnosticKey, Diagnostics, RowReader } from './types';

export type { Diagnostic, DiagnosticContext, DiagnosticKey, DiagnosticResults, Diagnostics, RowReader } from './types';
export { dataRowReader, rowsUnavailable } from './row-reader';

/** A Diagnostic<K> of any key, as the list holds it (its result typed by its key in DiagnosticResults). */
interface Registered {
  key: DiagnosticKey;
  unavailable(analysis: Analysis): string | undefined;
  run(ctx: DiagnosticContext): Promise<unknown>;
}

const DIAGNOSTICS: readonly Registered[] = [
  temperature,
  labelIssues,
];

/** Every diagnostic there is, in the order they run: what the dashboard asks for. */
export const DIAGNOSTIC_KEYS: readonly DiagnosticKey[] = DIAGNOSTICS.map((d) => d.key);

export function isDiagnosticKey(key: string): key is DiagnosticKey {
  return DIAGNOSTICS.some((d) => d.key === key);
}

/** Runs the diagnostics named by `keys`, one after another, each reading the data through `reader`. */
export async function runDiagnostics(
  analysis: Analysis, request: AnalysisRequest, reader: RowReader, keys: readonly DiagnosticKey[], signal?: AbortSignal, progress: (message: string) => void = () => {},
): Promise<Diagnostics> {
  const out: Diagnostics = { results: {}, unavailable: {} };
  for (const d of DIAGNOSTICS) {
    if (!keys.includes(d.key)) continue;
    const why = d.unavailable(analysis);
    if (why !== undefined) {
      (out.unavailable as Record<string, string>)[d.key] = why;
      continue;
    }
    signal?.throwIfAborted();
    (out.results as Record<string, unknown>)[d.key] = await d.run({ analysis, request, reader, signal, progress });
  }
  return out;
}

/** What each diagnostic is called in a sentence, and the passes over the rows it usually takes. */
const COSTS: Record<DiagnosticKey, { name: string; passes: (request: AnalysisRequest) => number }> = {
  // The bench's 2M x 10: a pass in memory on a sample, then 3 exact ones (TemperatureFit.passes 4).
  temperature: { name: 'the temperature (calibration versus refinement)', passes: () => 4 },
  // Thresholds, the joint, then (prune by noise rate) the cutoffs' one or two passes and the flagging one.
  labelIssues: { name: 'likely label errors', passes: (request) => (request.labelIssuesFilter === 'confident-learning' ? 2 : 5) },
};

/**
 * What working out `keys` would add: their names, the passes over the rows, and the seconds, each
 * pass taken to cost what the first pass did (`reportMs`). Measured: 2M x 10 .npy, report 0.76 s,
 * both diagnostics 9 passes in 5.8 s (0.64 s each); the same rows as CSV 7.2 s, 9 passes 62.5 s.
 */
export function extraPassesCost(keys: readonly DiagnosticKey[], request: AnalysisRequest, reportMs: number): { names: string[]; passes: number; seconds: number } {
  const passes = keys.reduce((n, k) => n + COSTS[k].passes(request), 0);
  return { names: keys.map((k) => COSTS[k].name), passes, seconds: (passes * reportMs) / 1000 };
}
