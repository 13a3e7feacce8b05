/**
 * Why log loss and not squared error, with one sample's own numbers: what the sample costs under
 * each, and what it would cost had the model been unsure (or, for a sample it was unsure of,
 * confidently wrong). Squared error (the Brier score's term) is bounded, so a confident mistake
 * costs it little more than a hesitant one; the log loss grows without bound as the probability of
 * what happened goes to 0. Both are plain: no smoothing, weights, clipping or focal factor.
 */
import type { Derivation, DerivationStep } from './derivation';
import type { LogBase } from './types';

export interface ScoredPrediction {
  /** The probability given to what happened (the true class; bce: p if y = 1, else 1 - p). */
  trueProb: number;
  /** -log(trueProb) in the report's base. */
  logLoss: number;
  /** ce: sum_k (p_k - y_k)^2, at most 2; bce: (p - y)^2, at most 1 (the report's Brier score terms). */
  squared: number;
}

export interface LogVersusSquared {
  base: LogBase;
  /** The largest squared error a prediction can have. */
  squaredMax: number;
  sample: ScoredPrediction;
  /** The same prediction with trueProb moved to 0.5 (a confident mistake's contrast) or 0.01 (an unsure one's). */
  other: ScoredPrediction;
}

/** Where a confident mistake begins, for the contrast drawn. */
const CONFIDENT_MISTAKE = 0.05;

function step<K extends DerivationStep['kind']>(d: Derivation, kind: K): Extract<DerivationStep, { kind: K }> | undefined {
  return d.steps.find((s): s is Extract<DerivationStep, { kind: K }> => s.kind === kind);
}

function scored(probs: readonly number[], target: readonly number[], trueClass: number, base: LogBase, binary: boolean): ScoredPrediction {
  const q = probs[trueClass]!;
  let squared = 0;
  if (binary) squared = (probs[1]! - target[1]!) ** 2;
  else for (let k = 0; k < probs.length; k++) squared += (probs[k]! - target[k]!) ** 2;
  const ln = -Math.log(q);
  return { trueProb: q, logLoss: base === '2' ? ln / Math.LN2 : ln, squared };
}

/** `probs` with the true class's probability set to `q` and the others scaled to share the rest. */
function withTrueProb(probs: readonly number[], trueClass: number, q: number): number[] {
  const rest = 1 - probs[trueClass]!;
  const n = probs.length - 1;
  return probs.map((p, k) => (k === trueClass ? q : rest > 0 ? (p * (1 - q)) / rest : (1 - q) / n));
}

/**
 * The contrast for a ce or bce sample with a hard target; undefined for an ignored sample, a
 * multi-label one or soft targets (no single outcome happened).
 */
export function logVersusSquared(d: Derivation): LogVersusSquared | undefined {
  const values = step(d, 'values');
  if (d.ignored || values === undefined) return undefined;
  const formula = step(d, 'formula');
  let probs: number[];
  let target: number[];
  if (formula?.loss === 'bce') {
    const y = values.target[0]!;
    if (y !== 0 && y !== 1) return undefined;
    const p = step(d, 'sigmoid')?.p ?? values.prediction[0]!;
    probs = [1 - p, p];
    target = [1 - y, y];
  } else if (formula?.loss === 'ce') {
    target = values.target;
    if (!target.every((t) => t === 0 || t === 1)) return undefined;
    probs = step(d, 'renormalise')?.after ?? step(d, 'softmax')?.p ?? values.prediction;
  } else return undefined;
  const trueClass = target.indexOf(1);
  if (trueClass < 0 || !probs.every((p) => p >= 0 && p <= 1)) return undefined;
  const base = d.options.base;
  const binary = formula.loss === 'bce';
  const sample = scored(probs, target, trueClass, base, binary);
  const q = sample.trueProb < CONFIDENT_MISTAKE ? 0.5 : 0.01;
  return { base, squaredMax: binary ? 1 : 2, sample, other: scored(withTrueProb(probs, trueClass, q), target, trueClass, base, binary) };
}
