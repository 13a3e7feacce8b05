/**
 * Likely label errors (issue 14, item 4): confident learning (confident-learning.ts) over the rows
 * read again twice, pass 1 for the per-class thresholds and pass 2 for the confident joint and
 * the issues. ce files with probabilities or logits (softmax), bce files as two classes.
 */
import type { Analysis } from '../analyze';
import type { RowBatch } from '../batch';
import { expNonPositive } from '../loss/exp';
import { sigmoid } from '../math';
import { estimateJoint, IssueList, JointCounter, mostProbable, NoiseRatePruner, pruneCounts, ThresholdCounter, type CountedIssue, type IssueFilter, type IssueRanking } from './confident-learning';
import { rowsUnavailable } from './row-reader';
import type { Diagnostic, RowReader } from './types';

/** Issues kept per ranking (the counts are of all of them): a CSV a person reads through, in bounded memory. */
export const LISTED_ISSUES = 1000;

/** An issue as reported: a data set's file by its name (absent for one file), no ordinal. */
export type LabelIssue = Omit<CountedIssue, 'ordinal' | 'file'> & { file?: string };

export interface LabelIssuesReport {
  /** Rows counted: those with a class in 0..K-1 (ignored and out-of-range labels left out, counted below). */
  rows: number;
  /** Rows left out: the ignore index, a label outside the classes (ce) or a y other than 0 and 1 (bce). */
  leftOut: number;
  classNames: string[];
  /** t_j: the mean probability of class j over the rows labelled j (NaN with none). */
  thresholds: number[];
  labelCounts: number[];
  /** The confident joint C and its calibration, as the cells that are not 0 (see SparseJoint). */
  joint: SparseJoint;
  /** Rows with no class above its threshold (in no cell of the joint). */
  unconfident: number;
  /** Per given class: the estimated share of its labels that are wrong. */
  noiseRate: number[];
  /** Per given class: the estimated number of wrong labels. */
  estimatedErrors: number[];
  overallNoiseRate: number;
  /**
   * How rows are flagged: 'prune-by-noise-rate' (the default, cleanlab's): per off-diagonal cell
   * (i, j) of the calibrated joint, its count of the rows labelled i with the largest p_j - p_i;
   * 'confident-learning': the rows off the joint's diagonal. Either way not those predicted as their label.
   */
  filter: IssueFilter;
  /** Rows flagged (exact). */
  issueCount: number;
  issuesPerClass: number[];
  /** The first LISTED_ISSUES issues by each ranking, most likely mislabelled (lowest score) first. */
  listed: number;
  bySelfConfidence: LabelIssue[];
  byNormalizedMargin: LabelIssue[];
}

/**
 * The confident joint and its calibration as a list of the cells that are not 0: at 1000 classes
 * two dense K x K matrices were 2 million numbers (33 MB of indented --json) for a joint whose
 * cells are mostly 0 (at most one cell a row is counted, so there are at most rows + K cells).
 * Dense, in Python: C = np.zeros((K, K)); for i, j, c, q in cells: C[i, j] = c (Q[i, j] = q).
 */
export interface SparseJoint {
  /** K: the joint is K x K. */
  classes: number;
  columns: readonly ['given', 'confident', 'count', 'calibrated'];
  /**
   * [i, j, C[i][j], Q[i][j]] by i then j: C[i][j], the rows labelled i whose confident class is j
   * (exact counts); Q, C calibrated to the label counts (sums to `rows`; its diagonal is never 0).
   */
  cells: [number, number, number, number][];
}

export const JOINT_COLUMNS = ['given', 'confident', 'count', 'calibrated'] as const;

/** The cells of C or of its calibration that are not 0. */
function sparseJoint(K: number, counts: Float64Array, calibrated: readonly (readonly number[])[]): SparseJoint {
  const cells: [number, number, number, number][] = [];
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const c = counts[i * K + j]!;
      const q = calibrated[i]![j]!;
      if (c !== 0 || q !== 0) cells.push([i, j, c, q]);
    }
  }
  return { classes: K, columns: JOINT_COLUMNS, cells };
}

declare module './types' {
  interface DiagnosticResults {
    labelIssues: LabelIssuesReport;
  }
}

/** Turns a read row into class probabilities: ce probabilities as written, ce logits by softmax, bce p (or sigmoid(z)) as [1 - p, p]. */
function probabilityRows(analysis: Analysis): (rows: RowBatch, i: number, out: Float64Array) => void {
  const logits = analysis.layout.input === 'logits';
  if (analysis.layout.kind === 'bce') {
    return (rows, i, out) => {
      const z = rows.preds[i]!;
      const p = logits ? sigmoid(z) : z;
      out[0] = 1 - p;
      out[1] = p;
    };
  }
  const K = classCount(analysis);
  if (!logits) return (rows, i, out) => out.set(rows.preds.subarray(i * K, (i + 1) * K));
  return (rows, i, out) => {
    const base = i * K;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, rows.preds[base + k]!);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += out[k] = expNonPositive(rows.preds[base + k]! - max);
    for (let k = 0; k < K; k++) out[k] = out[k]! / sum;
  };
}

function classCount(analysis: Analysis): number {
  return analysis.layout.kind === 'bce' ? 2 : analysis.layout.numClasses;
}

/** The row's class (0..K-1), or -1 when it has none: ignored, out of range, or a bce y that is not 0 or 1. */
function classOf(label: number, K: number, ignoreIndex: number | undefined): number {
  if (label === ignoreIndex || !Number.isInteger(label) || label < 0 || label >= K) return -1;
  return label;
}

/** Confident learning over the rows `reader` hands over, in two passes (four or more with 'prune-by-noise-rate'). */
export async function findLabelIssues(analysis: Analysis, reader: RowReader, progress: (message: string) => void = () => {}, listed = LISTED_ISSUES, filter: IssueFilter = 'prune-by-noise-rate'): Promise<LabelIssuesReport> {
  const K = classCount(analysis);
  const ignore = analysis.layout.kind === 'bce' ? undefined : analysis.options.ignoreIndex;
  const toProbs = probabilityRows(analysis);
  const probs = new Float64Array(K);

  const passes = filter === 'prune-by-noise-rate' ? 'at least 4' : '2';
  progress(`likely label errors: pass 1 of ${passes} (class thresholds)`);
  const thresholds = new ThresholdCounter(K);
  let leftOut = 0;
  await reader.pass((rows) => {
    for (let i = 0; i < rows.size; i++) {
      const label = classOf(rows.labels[i]!, K, ignore);
      if (label < 0) {
        leftOut++;
        continue;
      }
      toProbs(rows, i, probs);
      thresholds.add(probs, label);
    }
  });

  progress(`likely label errors: pass 2 of ${passes} (confident joint)`);
  const flagged = new IssueList(K, listed);
  const joint = new JointCounter(thresholds.thresholds(), filter === 'confident-learning' ? flagged : undefined);
  const place = { ordinal: 0, file: 0, row: 0, line: 0 };
  await reader.pass((rows, file) => {
    for (let i = 0; i < rows.size; i++, place.ordinal++) {
      const label = classOf(rows.labels[i]!, K, ignore);
      if (label < 0) continue;
      toProbs(rows, i, probs);
      place.file = file;
      place.row = rows.rows[i]!;
      place.line = rows.lines[i]!;
      joint.add(probs, label, place);
    }
  });

  const estimate = estimateJoint(joint.joint, thresholds.counts);
  if (filter === 'prune-by-noise-rate') await pruneByNoiseRate(reader, K, ignore, toProbs, probs, new NoiseRatePruner(pruneCounts(estimate.calibrated), thresholds.counts), flagged, progress);
  const issue = (c: CountedIssue): LabelIssue => ({
    row: c.row, line: c.line, ...(analysis.files === undefined ? {} : { file: analysis.files[c.file]?.name ?? String(c.file) }),
    given: c.given, suggested: c.suggested, givenProb: c.givenProb, suggestedProb: c.suggestedProb,
    selfConfidence: c.selfConfidence, normalizedMargin: c.normalizedMargin,
  });
  const ranked = (ranking: IssueRanking) => flagged.issues(ranking).map(issue);
  return {
    rows: thresholds.counts.reduce((a, b) => a + b, 0),
    leftOut,
    classNames: analysis.breakdown.classNames.slice(0, K),
    thresholds: Array.from(joint.thresholds),
    labelCounts: Array.from(thresholds.counts),
    joint: sparseJoint(K, joint.joint, estimate.calibrated),
    unconfident: joint.unconfident,
    noiseRate: estimate.noiseRate,
    estimatedErrors: estimate.estimatedErrors,
    overallNoiseRate: estimate.overallNoiseRate,
    filter,
    issueCount: flagged.issueCount,
    issuesPerClass: Array.from(flagged.issuesPerClass),
    listed,
    bySelfConfidence: ranked('self-confidence'),
    byNormalizedMargin: ranked('normalized-margin'),
  };
}

/** The last passes of cleanlab's prune_by_noise_rate (NoiseRatePruner): the cutoffs (one pass or more), then the flagged rows. */
async function pruneByNoiseRate(
  reader: RowReader, K: number, ignore: number | undefined, toProbs: (rows: RowBatch, i: number, out: Float64Array) => void,
  probs: Float64Array, pruner: NoiseRatePruner, flagged: IssueList, progress: (message: string) => void,
): Promise<void> {
  let pass = 3;
  while (!pruner.settled) {
    progress(`likely label errors: pass ${pass} (${pass === 3 ? 'largest margins per noise rate' : 'narrowing the margins\' cutoffs'})`);
    let ordinal = 0;
    await reader.pass((rows) => {
      for (let i = 0; i < rows.size; i++, ordinal++) {
        const label = classOf(rows.labels[i]!, K, ignore);
        if (label < 0) continue;
        toProbs(rows, i, probs);
        pruner.gather(probs, label, ordinal);
      }
    });
    pruner.endPass();
    pass++;
  }
  progress(`likely label errors: pass ${pass}, the last (flagged rows)`);
  const place = { ordinal: 0, file: 0, row: 0, line: 0 };
  await reader.pass((rows, file) => {
    for (let i = 0; i < rows.size; i++, place.ordinal++) {
      const label = classOf(rows.labels[i]!, K, ignore);
      if (label < 0) continue;
      toProbs(rows, i, probs);
      // Asked of every row labelled `label`, in order: a cutoff among tied scores counts them.
      const suggested = pruner.flaggedAs(probs, label, place.ordinal);
      if (suggested < 0 || mostProbable(probs) === label) continue;
      place.file = file;
      place.row = rows.rows[i]!;
      place.line = rows.lines[i]!;
      flagged.add(probs, label, suggested, place);
    }
  });
}

export const labelIssues: Diagnostic<'labelIssues'> = {
  key: 'labelIssues',
  unavailable: (analysis) => {
    const why = rowsUnavailable(analysis.layout);
    if (why !== undefined) return `likely label errors need one given class per row: ${why}`;
    return undefined;
  },
  run: (ctx) => findLabelIssues(ctx.analysis, ctx.reader, ctx.progress, LISTED_ISSUES, ctx.request.labelIssuesFilter),
};
