/**
 * Probabilities or logits, from the sampled values and the columns' names. The evidence is
 * weighed, and where it is mixed the choice is recorded as an assumption with the other reading.
 */
import type { InputKind, LossKind } from '../types';
import { cellNumber, cellVector, type Cell } from './cells';
import type { Assumption } from './types';

/** Below this, a row's sum is 1 whatever the digits it was written with (float32 softmax: ~1e-7). */
export const ROW_SUM_FLOOR = 1e-3;

/** Digits after the point a value was written with (0.25 -> 2), up to 12; 17 for full precision. */
function decimals(x: number): number {
  let s = Math.abs(x);
  for (let d = 0; d <= 12; d++) {
    if (Math.abs(s - Math.round(s)) <= 1e-9 * Math.max(1, s)) return d;
    s *= 10;
  }
  return 17;
}

/**
 * How far a row of probabilities may sum from 1 only because its values were rounded when
 * written: half a unit of each value's last digit, added up (`.round(2)` over 10 classes: 0.05).
 */
export function rowSumTolerance(row: ArrayLike<number>): number {
  let t = 0;
  for (let k = 0; k < row.length; k++) {
    const d = decimals(row[k]!);
    if (d < 17) t += 0.5 * 10 ** -d;
  }
  return Math.max(ROW_SUM_FLOOR, t * (1 + 1e-9));
}

/** What a prediction column's name says about its values. */
/** `log_prob`, `logprobs`, `log_softmax`, `logp_*`: log-probabilities. */
function logProbName(name: string): boolean {
  return /log_?(prob|proba|softmax|sigmoid|p(_|$))/.test(name.trim().toLowerCase());
}

export function nameSays(name: string): InputKind | undefined {
  const n = name.trim().toLowerCase();
  if (/logit|decision|margin|raw_score|unnormali[sz]ed/.test(n)) return 'logits';
  if (/prob|softmax|sigmoid|confidence|^p(_|$)|_p$|^y_p$/.test(n)) return 'probs';
  return undefined;
}

export interface InputEvidence {
  input: InputKind;
  evidence: string;
  assumption?: Assumption;
  /** ce read as probabilities whose sampled rows (most of them) sum to 1: the widest tolerance their digits needed. */
  sumTolerance?: number;
  /** Neither reading fits (percentages): why, with what to do. */
  refusal?: string;
}

/**
 * Decides by majority, so that one bad value in a probability file is reported as a problem
 * rather than flipping the whole file to logits.
 */
export function decideInput(
  rows: Cell[][],
  lines: number[],
  predIndices: number[],
  predIsVector: boolean,
  predNames: string[],
  kind: LossKind,
): InputEvidence {
  let outside = 0;
  let firstOutside: { line: number; column: string; value: number } | undefined;
  let notOne = 0;
  let firstNotOne: { line: number; sum: number } | undefined;
  let checked = 0;
  let widest = ROW_SUM_FLOOR;
  /** The row furthest from summing to 1 among those that do to the digits written. */
  let furthest: { line: number; sum: number } | undefined;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let vec: (number | undefined)[];
    if (predIsVector) vec = cellVector(row[predIndices[0]!]) ?? [];
    else vec = predIndices.map((i) => cellNumber(row[i]));
    if (vec.length === 0 || vec.some((x) => x === undefined)) continue;
    const v = vec as number[];
    checked++;
    let total = 0;
    let out = -1;
    for (let k = 0; k < v.length; k++) {
      const x = v[k]!;
      if ((x < 0 || x > 1) && out < 0) out = k;
      total += x;
    }
    if (out >= 0) {
      outside++;
      firstOutside ??= { line: lines[r]!, column: predIsVector ? `field ${predNames[0]}[${out}]` : `column ${predNames[out]}`, value: v[out]! };
    } else if (kind === 'ce') {
      const tol = rowSumTolerance(v);
      widest = Math.max(widest, tol);
      if (Math.abs(total - 1) > tol) {
        notOne++;
        firstNotOne ??= { line: lines[r]!, sum: total };
      } else if (Math.abs(total - 1) > Math.abs((furthest?.sum ?? 1) - 1)) {
        furthest = { line: lines[r]!, sum: total };
      }
    }
  }
  const said = nameSays(predNames[0] ?? '');
  if (logProbName(predNames[0] ?? '')) {
    // log p is a logit of the categorical kind (softmax(log p) = p), not of the binary one.
    if (kind !== 'ce') {
      const refusal = `the column${predNames.length > 1 ? 's' : ''} ${predNames[0]}${predNames.length > 1 ? ' ..' : ''} hold${predNames.length > 1 ? '' : 's'} log-probabilities, as ${predNames.length > 1 ? 'their names say' : 'its name says'}: for a sigmoid they are neither probabilities nor logits. Write exp(log p) (the probabilities); if they are logits after all, read with --input logits`;
      return { input: 'logits', evidence: refusal, refusal };
    }
    return { input: 'logits', evidence: `the columns hold log-probabilities (named ${predNames[0]}): read as logits, which they are (softmax gives the probabilities back)` };
  }
  const named = said === undefined ? '' : ` and ${predNames.length > 1 || predIsVector ? 'the columns are' : 'the column is'} named ${predNames[0]}`;
  const rowsText = (n: number): string => `${n} of the first ${checked} rows`;
  const toLogits: Assumption['other'] = { input: 'logits' };
  const toProbs: Assumption['other'] = { input: 'probs' };

  if (checked === 0) {
    return { input: said ?? 'probs', evidence: `no complete prediction row in the first ${rows.length} rows: read as ${said ?? 'probs'}` };
  }
  if (firstOutside !== undefined && outside * 2 > checked) {
    const percent = percentages(rows, lines, predIndices, predIsVector, kind);
    if (percent !== undefined) return { input: 'logits', evidence: percent, refusal: percent };
    return {
      input: 'logits',
      evidence: `values outside [0, 1] in ${rowsText(outside)}, first in ${firstOutside.column} (line ${firstOutside.line}: ${firstOutside.value}): read as logits${said === 'probs' ? ` (although named ${predNames[0]})` : ''}`,
    };
  }
  if (kind === 'ce' && firstNotOne !== undefined && (outside + notOne) * 2 > checked) {
    // Values in [0, 1] whose rows do not sum to 1: unnormalised scores, one-vs-rest or sigmoid
    // outputs (probabilities), or logits that happen to lie in [0, 1]. Only a name settles it.
    const sums = `${rowsText(notOne)} do not sum to 1 (line ${firstNotOne.line} sums to ${round(firstNotOne.sum)})`;
    if (said === 'logits') {
      return { input: 'logits', evidence: `values in [0, 1] but ${sums}${named}: read as logits` };
    }
    const text = `values in [0, 1] but ${sums}${named}: read as probabilities, each row as it is (not renormalised)`;
    return {
      input: 'probs',
      evidence: text,
      assumption: { text, short: 'probabilities', taken: toProbs, other: toLogits, otherLabel: 'read as logits' },
    };
  }
  const sumText = kind === 'ce' ? ' and rows summing to 1 (to the digits written)' : '';
  let text = `values in [0, 1]${sumText} in ${rowsText(checked - outside - notOne)}`;
  if (said === 'logits' && kind === 'ce' && notOne === 0) {
    text += `${named}, but rows that sum to 1 are softmax outputs: read as probabilities`;
    return {
      input: 'probs',
      evidence: text,
      assumption: { text, short: 'probabilities', taken: toProbs, other: toLogits, otherLabel: 'read as logits' },
    };
  }
  if (said === 'logits') {
    text += `${named}: read as logits`;
    return {
      input: 'logits',
      evidence: text,
      assumption: { text, short: 'logits', taken: toLogits, other: toProbs, otherLabel: 'read as probabilities' },
    };
  }
  text += `: read as probabilities`;
  if (firstOutside !== undefined) text += ` (line ${firstOutside.line} has ${firstOutside.value} in ${firstOutside.column}, reported as a problem; if these are logits, read with --input logits)`;
  else if (firstNotOne !== undefined) text += ` (line ${firstNotOne.line} sums to ${round(firstNotOne.sum)})`;
  // Rounded on write (`float_format='%.3f'`: 0.999, 1.001): said, with the row furthest from 1, since
  // classic, pytorch and sklearn take the rows as written; 6 digits (1e-6) or float32 (~1e-7) are below saying.
  if (kind === 'ce' && furthest !== undefined && Math.abs(furthest.sum - 1) > 1e-4) {
    text += `; the furthest from 1 is line ${furthest.line}, summing to ${round(furthest.sum)} (${furthest.sum > 1 ? '+' : ''}${round(furthest.sum - 1)}): taken as written unless the preset or --renormalise divides each row by its sum`;
  }
  return { input: 'probs', evidence: text, ...(kind === 'ce' ? { sumTolerance: widest } : {}) };
}

/**
 * Probabilities written as percentages (`70, 20, 10`): read as logits they would give a loss near 0,
 * as probabilities they are out of range. Rows of values in [0, 100] that sum to 100 (categorical),
 * or a score column in [0, 100] with most values above 1 and none below 0 (binary), are refused.
 */
function percentages(rows: Cell[][], lines: number[], predIndices: number[], predIsVector: boolean, kind: LossKind): string | undefined {
  let checked = 0;
  let hits = 0;
  let first: { line: number; max: number } | undefined;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const v = predIsVector ? cellVector(row[predIndices[0]!]) : predIndices.map((i) => cellNumber(row[i]));
    if (v === undefined || v.length === 0 || v.some((x) => x === undefined)) continue;
    const xs = v as number[];
    checked++;
    if (xs.some((x) => x < 0 || x > 100)) return undefined;
    const total = xs.reduce((a, b) => a + b, 0);
    const max = Math.max(...xs);
    const hit = kind === 'ce' ? Math.abs(total - 100) <= 100 * rowSumTolerance(xs.map((x) => x / 100)) : max > 1;
    if (hit) {
      hits++;
      first ??= { line: lines[r]!, max };
    }
  }
  if (first === undefined || hits * 2 <= checked || (kind !== 'ce' && checked < 10)) return undefined;
  const what = kind === 'ce' ? `rows of values in [0, 100] that sum to 100 in ${hits} of the first ${checked} rows` : `values in [0, 100], none below 0, above 1 in ${hits} of the first ${checked} rows`;
  return `${what} (line ${first.line}: up to ${first.max}): percentages, not probabilities or logits (read as logits they would give a loss near 0). Write them divided by 100; if they are logits after all, read with --input logits`;
}

function round(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}
