/**
 * State files: what a set of files adds up to (shards.ts, ShardPart), written as versioned JSON by
 * `loss-lens SHARD --state-out part.json`, so that shards read on other machines (a cluster's
 * workers) merge into exactly the report of one read of all of them (`loss-lens merge part*.json`).
 *
 * A state holds the accumulator (every sum, count, histogram, confusion cell and the worst samples,
 * finite numbers exactly as JSON writes them), the files and their rows, the first file's layout,
 * the options and the first problems. States refuse to merge across versions, loss options or
 * layouts (kind, input, class names, columns): such a merge would be no one read's report.
 */
import type { AnalysisRequest } from './analyze';
import { BreakdownAccumulator, STATE_FORMAT } from './breakdown';
import { layoutDifference, naturalCompare, type ShardPart } from './shards';

export const STATE_FILE_FORMAT = 'loss-lens.state';
/** Bumped whenever what a state holds or means changes: states of two versions never merge. */
export const STATE_FILE_VERSION = 1;

export interface StateFile {
  format: typeof STATE_FILE_FORMAT;
  version: number;
  /** The Loss Lens that wrote it (its losses are the ones merged). */
  lossLens: string;
  /** The options the files were read with (loss options, layout overrides, top k, calibration bins). */
  request: AnalysisRequest;
  part: ShardPart;
}

/** A state file that cannot be read or merged: the message names the files and the difference. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

/** The state file of a part: its accumulator state made plain (JSON numbers, not typed arrays). */
export function stateFileOf(part: ShardPart, request: AnalysisRequest, lossLens: string): StateFile {
  const state = BreakdownAccumulator.fromJSON(part.state).toState(false);
  return { format: STATE_FILE_FORMAT, version: STATE_FILE_VERSION, lossLens, request, part: { ...part, state } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks the shape of a state file's text; `name` is said in errors. */
export function parseStateFile(text: string, name: string): StateFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`${name}: not a Loss Lens state file (not JSON: ${(err as Error).message})`);
  }
  if (!isObject(v) || v.format !== STATE_FILE_FORMAT) {
    throw new StateFileError(`${name}: not a Loss Lens state file (write one with loss-lens FILE --state-out ${name})`);
  }
  if (typeof v.version !== 'number') throw new StateFileError(`${name}: a state file without a version`);
  const part = v.part;
  const ok =
    isObject(v.request) && isObject(v.request.loss) && isObject(part) && Array.isArray(part.files) && part.files.length > 0 &&
    part.files.every((f) => isObject(f) && typeof f.name === 'string' && typeof f.rows === 'number') &&
    isObject(part.layout) && isObject(part.state) && Array.isArray(part.warnings) && Array.isArray(part.problems);
  // A state of another version may be shaped otherwise: say the version, which is what differs.
  if (!ok && v.version === STATE_FILE_VERSION) throw new StateFileError(`${name}: a damaged state file (its parts are missing or malformed)`);
  return v as unknown as StateFile;
}

const OPTION_FLAGS: Record<string, string> = {
  preset: '--preset',
  labelSmoothing: '--label-smoothing',
  classWeights: '--class-weights',
  posWeight: '--pos-weight',
  ignoreIndex: '--ignore-index',
  focalGamma: '--focal-gamma',
  focalAlpha: '--focal-alpha',
  renormalise: '--renormalise',
  reduction: '--reduction',
  base: '--base',
  topK: '--top',
  calibrationBins: 'calibration bins',
};

/** How the options of two requests differ (loss options, top k, calibration bins), or undefined. */
export function optionsDifference(a: AnalysisRequest, b: AnalysisRequest): string | undefined {
  const show = (x: unknown) => (x === undefined || x === null ? '(unset)' : Array.isArray(x) ? x.join(',') : String(x));
  const out: string[] = [];
  const la = a.loss as unknown as Record<string, unknown>;
  const lb = b.loss as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(la), ...Object.keys(lb)])];
  for (const k of keys) {
    if (JSON.stringify(la[k] ?? null) !== JSON.stringify(lb[k] ?? null)) out.push(`${OPTION_FLAGS[k] ?? k} ${show(la[k])} vs ${show(lb[k])}`);
  }
  if (a.topK !== b.topK) out.push(`--top ${a.topK} vs ${b.topK}`);
  if (a.calibrationBins !== b.calibrationBins) out.push(`calibration bins ${a.calibrationBins} vs ${b.calibrationBins}`);
  return out.length === 0 ? undefined : out.join('; ');
}

/**
 * The parts of state files, checked to merge, in the order of their files' names (natural order,
 * as a folder or glob is read: `part-2` before `part-10`, whatever order the shell gave them in),
 * and the options they share. Throws StateFileError naming the two files and what differs.
 */
export function statesToMerge(states: readonly { name: string; state: StateFile }[], lossLens: string): { parts: ShardPart[]; request: AnalysisRequest } {
  const first = states[0];
  if (first === undefined) throw new StateFileError('no state files to merge');
  const head = `${first.name} and`;
  for (const { name, state } of states) {
    if (state.version !== STATE_FILE_VERSION) {
      throw new StateFileError(`${name}: a state file of version ${state.version}, which this Loss Lens (${lossLens}, version ${STATE_FILE_VERSION}) does not merge: write it again with this one`);
    }
    if (state.lossLens !== lossLens) {
      throw new StateFileError(`${name}: written by Loss Lens ${state.lossLens}, not this one (${lossLens}): losses of two versions are not merged; write it again with this one`);
    }
    if (state.part.state.format !== STATE_FORMAT) throw new StateFileError(`${name}: its accumulator is of another version (${String(state.part.state.format)}, not ${STATE_FORMAT})`);
  }
  for (const { name, state } of states.slice(1)) {
    const options = optionsDifference(first.state.request, state.request);
    if (options !== undefined) throw new StateFileError(`${head} ${name} were made with different options (${options}): make every state with the same options`);
    const layout = layoutDifference(first.state.part.layout, state.part.layout);
    if (layout !== undefined) {
      throw new StateFileError(
        `${head} ${name} hold files of different layouts (${layout}): only the shards of one data set merge. If they are one data set whose shards were read differently (a rank whose first rows named only some classes), read every shard with the same flags (--class-names in the order of the score columns, --input), or the shards together in one run`,
      );
    }
  }
  const seen = new Map<string, string>();
  for (const { name, state } of states) {
    for (const f of state.part.files) {
      const other = seen.get(f.name);
      if (other !== undefined) throw new StateFileError(`${f.name} is in both ${other} and ${name}: each file may be merged once`);
      seen.set(f.name, name);
    }
  }
  const ordered = [...states].sort((a, b) => naturalCompare(a.state.part.files[0]!.name, b.state.part.files[0]!.name));
  return { parts: ordered.map((s) => s.state.part), request: first.state.request };
}
