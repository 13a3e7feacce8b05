/**
 * What every renderer needs to know about a derivation besides the step in hand: the loss kind,
 * the class names, the logits and probabilities (to pick which entries of a long vector to
 * show), and the grouping of a multi-label sample's per-label steps into one table.
 */
import type { Derivation, DerivationStep } from '../../core/derivation';
import type { InputKind, LogBase, LossKind } from '../../core/types';
import { DEFAULT_DIGITS } from './format';

export interface RenderOptions {
  /** Significant digits (default 4). */
  digits?: number;
  /**
   * Vectors (classes, labels, terms) longer than this are abbreviated to the true class, the
   * predicted class and the most probable ones, then "... N more". Default 8.
   */
  maxEntries?: number;
}

export const DEFAULT_MAX_ENTRIES = 8;

export type LabelStep = Extract<DerivationStep, { kind: 'label' }>;

/** A run of consecutive steps to render as one unit: a step, or the per-label table. */
export type Block = { type: 'step'; step: DerivationStep } | { type: 'labels'; labels: LabelStep[] };

export interface Ctx {
  kind: LossKind;
  input: InputKind;
  base: LogBase;
  digits: number;
  maxEntries: number;
  /** Display name of class (ce) or label (multilabel) k: its name when given, else the index. */
  name(k: number): string;
  /** The prediction as read (probabilities or logits). */
  prediction: number[];
  /** Dense targets as read. */
  target: number[];
  /** Probabilities after softmax (ce from logits) or as read; null for bce / multilabel. */
  probs: number[] | null;
  logSumExp: number | null;
  trueClass: number;
  predictedClass: number;
}

export function makeCtx(d: Derivation, options: RenderOptions = {}): Ctx {
  const values = d.steps.find((s): s is Extract<DerivationStep, { kind: 'values' }> => s.kind === 'values');
  const softmax = d.steps.find((s): s is Extract<DerivationStep, { kind: 'softmax' }> => s.kind === 'softmax');
  const prediction = values?.prediction ?? [];
  const names = d.classNames;
  const kind = d.options.kind;
  return {
    kind,
    input: d.options.input,
    base: d.options.base,
    digits: options.digits ?? DEFAULT_DIGITS,
    maxEntries: Math.max(2, options.maxEntries ?? DEFAULT_MAX_ENTRIES),
    name: (k) => names?.[k] ?? String(k),
    prediction,
    target: values?.target ?? [],
    probs: kind !== 'ce' ? null : softmax ? softmax.p : d.options.input === 'probs' ? prediction : null,
    logSumExp: softmax ? softmax.logSumExp : null,
    trueClass: d.trueClass,
    predictedClass: d.predictedClass,
  };
}

export function groupBlocks(steps: readonly DerivationStep[]): Block[] {
  const blocks: Block[] = [];
  for (const step of steps) {
    const last = blocks[blocks.length - 1];
    if (step.kind === 'label') {
      if (last?.type === 'labels') last.labels.push(step);
      else blocks.push({ type: 'labels', labels: [step] });
    } else {
      blocks.push({ type: 'step', step });
    }
  }
  return blocks;
}

/**
 * Which positions of a list of class indices to show: all when short; otherwise the true and
 * predicted classes first, then the most probable (or, without probabilities, the largest
 * `score`), in their original order. `hidden` is how many were left out.
 */
export function abbreviate(ctx: Ctx, classes: readonly number[], score?: (k: number, j: number) => number): { shown: number[]; hidden: number } {
  const n = classes.length;
  if (n <= ctx.maxEntries) return { shown: classes.map((_, j) => j), hidden: 0 };
  const rank = (k: number, j: number): number => {
    if (k === ctx.trueClass && ctx.kind === 'ce') return Infinity;
    if (k === ctx.predictedClass && ctx.kind === 'ce') return Number.MAX_VALUE;
    if (score) return score(k, j);
    return ctx.probs?.[k] ?? -k;
  };
  const order = classes.map((k, j) => ({ j, r: rank(k, j) }));
  order.sort((a, b) => (b.r - a.r) || (a.j - b.j));
  // maxEntries - 1 entries plus the "... N more" entry.
  const shown = order.slice(0, ctx.maxEntries - 1).map((o) => o.j).sort((a, b) => a - b);
  return { shown, hidden: n - shown.length };
}

/** Each label's numbers for the per-label table. */
export interface LabelRow {
  label: number;
  y: number;
  /** y after label smoothing, when smoothing applied. */
  ySmoothed: number | null;
  /** The logit, for logits input. */
  z: number | null;
  p: number;
  /** The label's loss (nats, before any sample weight). */
  loss: number;
  /** Steps beyond the plain log and sum (clip, floor, weights, focal). */
  extra: DerivationStep[];
}

export function labelRow(ctx: Ctx, l: LabelStep): LabelRow {
  let p = ctx.prediction[l.label] ?? Number.NaN;
  let ySmoothed: number | null = null;
  const extra: DerivationStep[] = [];
  for (const s of l.steps) {
    if (s.kind === 'sigmoid') p = s.p;
    else if (s.kind === 'label-smoothing') ySmoothed = s.after[0] ?? null;
    else if (s.kind !== 'log' && s.kind !== 'sum') extra.push(s);
  }
  return {
    label: l.label,
    y: ctx.target[l.label] ?? Number.NaN,
    ySmoothed,
    z: ctx.input === 'logits' ? (ctx.prediction[l.label] ?? null) : null,
    p,
    loss: l.value,
    extra,
  };
}

/** The labels to show in the table: all when few, else the highest losses. */
export function pickLabels(ctx: Ctx, labels: readonly LabelStep[]): { shown: LabelStep[]; hidden: number } {
  const { shown, hidden } = abbreviate(ctx, labels.map((l) => l.label), (_, j) => labels[j]?.value ?? 0);
  return { shown: shown.map((j) => labels[j] as LabelStep), hidden };
}

export function unit(base: LogBase): string {
  return base === '2' ? 'bits' : 'nats';
}

export function kindLabel(kind: LossKind): string {
  return kind === 'bce' ? 'binary cross-entropy' : kind === 'ce' ? 'categorical cross-entropy' : 'multi-label binary cross-entropy';
}
