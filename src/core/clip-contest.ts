/**
 * Scores the rows where presets disagree under every preset, as they are read, for clipping's
 * share (breakdown/clipping.ts). A row is contested when a probability on a term of its loss is
 * near 0 or 1: one comparison per row on what the evaluator already wrote, and five
 * evaluations for the few rows it picks (a model's confident mistakes), so the read costs the same.
 */
import type { EvalBatch, RowBatch } from './batch';
import { CONTEST_ABOVE, CONTEST_BELOW, type BreakdownAccumulator } from './breakdown';
import { EvaluatorImpl } from './losses';
import type { ResolvedOptions } from './loss/resolve';
import { PRESET_NAMES, type LossOptions, type Sample, type SampleEval } from './types';

export class ClipContest {
  private readonly evaluators: EvaluatorImpl[];
  private readonly outs: SampleEval[];
  private readonly losses = new Float64Array(PRESET_NAMES.length);
  private readonly active: number;
  private readonly r: ResolvedOptions;
  private readonly row: Sample & { prediction: Float64Array; target: number };

  constructor(options: LossOptions, numClasses: number) {
    this.evaluators = PRESET_NAMES.map((preset) => new EvaluatorImpl({ ...options, preset }, numClasses));
    this.outs = this.evaluators.map((e) => e.newEval());
    this.active = PRESET_NAMES.indexOf(options.preset);
    this.r = (this.evaluators[this.active] as EvaluatorImpl).r;
    this.row = { prediction: new Float64Array(this.r.width), target: 0 };
  }

  /** A batch as evaluateBatch left it (ce, bce: a numeric label, sample weight 1). */
  batch(rows: RowBatch, evals: EvalBatch, acc: BreakdownAccumulator): void {
    const r = this.r;
    const smoothed = r.smoothing > 0;
    const K = r.width;
    const binary = r.kind === 'bce';
    const renormalised = r.kind === 'ce' && r.input === 'probs' && r.params.renormalise;
    for (let i = 0; i < evals.size; i++) {
      if (evals.ignored[i] !== 0) continue;
      let contested = false;
      if (binary) {
        const p = evals.calProb[i] as number;
        const y = evals.calOutcome[i] as number;
        contested = ((y > 0 || smoothed) && near(p)) || ((y < 1 || smoothed) && near(1 - p));
      } else if (smoothed || renormalised) {
        const probs = evals.probs;
        let rowSum = 1;
        if (renormalised) {
          rowSum = 0;
          for (let k = 0, at = i * K; k < K; k++, at++) rowSum += probs[at] as number;
        }
        const t = evals.trueClass[i] as number;
        for (let k = 0, at = i * K; k < K; k++, at++) if ((smoothed || k === t) && near((probs[at] as number) / rowSum)) contested = true;
      } else {
        contested = near(evals.trueProb[i] as number);
      }
      if (!contested) continue;
      this.row.prediction.set(rows.preds.subarray(i * K, i * K + K));
      this.row.target = rows.labels[i] as number;
      this.take(this.row, acc);
    }
  }

  /** A sample evaluated one at a time (`e`: the active preset's evaluation of it). */
  sample(sample: Sample, e: SampleEval, acc: BreakdownAccumulator): void {
    if (!e.ignored && termProbabilities(this.r, e, near)) this.take(sample, acc);
  }

  private take(sample: Sample, acc: BreakdownAccumulator): void {
    for (let j = 0; j < this.evaluators.length; j++) {
      this.losses[j] = (this.evaluators[j] as EvaluatorImpl).run(sample, this.outs[j] as SampleEval, false).loss;
    }
    const e = this.outs[this.active] as SampleEval;
    const floored = flooredTerm(this.r, e);
    acc.addContested(this.losses, floored > 0, floored === 2);
  }
}

/** A probability on a term of the loss where some preset's clip may bite (breakdown/clipping.ts). */
function near(q: number): boolean {
  return q < CONTEST_BELOW || q > 1 - CONTEST_ABOVE;
}

/**
 * Whether `test` holds for a probability whose log is a term of the loss: ce the classes with a
 * (smoothed) target weight, renormalised when the preset renormalises; bce and multilabel p for the
 * y term and 1 - p for the (1 - y) term.
 */
function termProbabilities(r: ResolvedOptions, e: SampleEval, test: (q: number, upper: boolean, p: number) => boolean): boolean {
  const a = r.smoothing;
  const n = r.width;
  const probs = e.probs;
  const targets = e.targets;
  if (r.kind === 'ce') {
    let rowSum = 1;
    if (r.input === 'probs' && r.params.renormalise) {
      rowSum = 0;
      for (let k = 0; k < n; k++) rowSum += probs[k] as number;
    }
    for (let k = 0; k < n; k++) {
      const t = targets[k] as number;
      const ts = a > 0 ? t * (1 - a) + a / n : t;
      const w = r.classWeights === null ? 1 : (r.classWeights[k] as number);
      if (ts * w !== 0 && test((probs[k] as number) / rowSum, false, probs[k] as number)) return true;
    }
    return false;
  }
  for (let l = 0; l < n; l++) {
    const p = probs[l] as number;
    const y = targets[l] as number;
    const ys = a > 0 ? y * (1 - a) + a / 2 : y;
    if (ys !== 0 && test(p, false, p)) return true;
    if (ys !== 1 && test(1 - p, true, p)) return true;
  }
  return false;
}

/** 0: the active preset's floor did not bite; 1: it did; 2: it did, on a probability of exactly 0. */
export function flooredTerm(r: ResolvedOptions, e: SampleEval): 0 | 1 | 2 {
  if (r.exactLogits) return 0;
  const eps = r.params.clipEps;
  const logFloor = r.params.bceLogFloor;
  // Categorical CE is never clamped at the log (PyTorch's nll_loss of log p): only eps floors it.
  if (r.kind === 'ce' && eps === 0) return 0;
  if (eps === 0 && logFloor === Number.NEGATIVE_INFINITY) return 0;
  let hit = false;
  let zero = false;
  termProbabilities(r, e, (q, upper, p) => {
    // The kernels' own tests: clip(p, eps, 1 - eps), and ln(1 - p) taken as log1p(-p).
    const floored = (upper ? p > 1 - eps : q < eps) || (logFloor > Number.NEGATIVE_INFINITY && (upper ? Math.log1p(-p) : Math.log(q)) < logFloor);
    if (floored) {
      hit = true;
      if (q === 0) zero = true;
    }
    return false;
  });
  return !hit ? 0 : zero ? 2 : 1;
}
