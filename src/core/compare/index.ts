/**
 * Two reads of the same samples (say two epochs, two models), compared with statistics: the
 * paired difference of the mean loss with a bootstrap interval, McNemar's exact test on
 * correctness, the samples fixed and broken, and each class's difference with its interval.
 * Pure: the CLI's `loss-lens compare` and the extension's Compare With... both call compareSamples.
 */
import { DEFAULT_RESAMPLES, DEFAULT_SEED, percentileInterval, poissonBootstrap, type BootstrapResult, type Groups } from './bootstrap';
import { mcnemarExact } from './mcnemar';
import type { DeltaGateReport } from '../gate';
import { ROW_ABSENT, ROW_IGNORED, ROW_MISSING, ROW_READ, type SampleColumns } from './samples';
import { chooseMatching, RunMatchError, type IdAlignment, type OneSideOnly } from '../run/match';
import { alignPackedIds, type PackedSide } from './ids';

export { sampleCollector, type SampleColumns } from './samples';
export { idAt, packIds, type PackedIds } from './ids';
export { mcnemarExact, type McNemar } from './mcnemar';
export { blockCount, DEFAULT_RESAMPLES, DEFAULT_SEED, joinBootstrap, poissonBootstrap, type BootstrapResult, type Groups } from './bootstrap';

/** One file's side of a comparison. */
export interface CompareSide {
  /** As shown to the user: a path or workspace-relative name. */
  name: string;
  columns: SampleColumns;
  classNames: readonly string[];
  /** Multi-label samples have no one class: no correctness, no per-class breakdown. */
  multiLabel: boolean;
  /** The id column the layout found, if any. */
  idColumn?: string;
}

export interface CompareOptions {
  /**
   * 'order': by row order even when both files have an id column (default 'auto': by id when both
   * have the same one); 'id': by each file's id column, though named differently (`--id-column a=X --id-column b=Y`).
   */
  match?: 'auto' | 'order' | 'id';
  resamples?: number;
  seed?: number;
  /** The loss's unit, for sentences: nats or bits. */
  unit?: string;
  /** At most this many fixed (and broken) samples are listed; all are counted. */
  listCap?: number;
  onProgress?: (fraction: number) => void;
}

/** The files do not hold the same samples in the same order: no paired statistic means anything. */
export class CompareError extends Error {}

export type Interval = [number, number];

export interface ChangedCorrectness {
  row: number;
  lineA: number;
  lineB: number;
  lossA: number;
  lossB: number;
  /** The sample's true class's name. */
  label: string;
}

export interface ClassDifference {
  index: number;
  name: string;
  /** Paired samples of this class (ignored ones left out). */
  support: number;
  a: number;
  b: number;
  delta: number;
  interval: Interval;
  withinNoise: boolean;
}

/** How the rows were matched: by id (the column, and the samples in one file only), or by order. */
export type CompareMatch =
  | { by: 'id'; column: string; /** B's id column, when named apart from A's. */ columnB?: string; shared: number; onlyA: OneSideOnly; onlyB: OneSideOnly }
  | { by: 'order'; asked: boolean; idColumns: [string | null, string | null] };

export interface CompareStats {
  /** How rows were matched, as sentences (by id or order, why, and the samples in one file only). */
  matching: string;
  match: CompareMatch;
  rows: number;
  /** Rows with a loss in both files (ignored rows are not counted). */
  paired: number;
  /** Rows read in one file only (skipped as unreadable in the other): left out, with the first. */
  leftOut: { count: number; first: { row: number; lineA: number; lineB: number } | null };
  resamples: number;
  seed: number;
  method: string;
  unit: string;
  mean: { a: number; b: number; delta: number; interval: Interval; withinNoise: boolean; text: string };
  /** null for multi-label files: no one class, so no right or wrong. */
  correctness: {
    accuracyA: number;
    accuracyB: number;
    fixed: number;
    broken: number;
    bothRight: number;
    bothWrong: number;
    p: number;
    log10p: number;
    withinNoise: boolean;
    text: string;
  } | null;
  fixed: ChangedCorrectness[];
  broken: ChangedCorrectness[];
  listCap: number;
  perClass: ClassDifference[];
}

export const DEFAULT_LIST_CAP = 100;
export const METHOD = 'Poisson bootstrap (paired), xoshiro128** seeded by splitmix32, a jump per block of 64 resamples';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** 4 significant digits, a sign on a difference. */
export function signed(x: number): string {
  if (Number.isNaN(x)) return 'undefined';
  const s = Number.isFinite(x) ? String(Number(x.toPrecision(4))) : x > 0 ? 'Infinity' : '-Infinity';
  return x > 0 ? `+${s}` : s;
}

export function formatP(p: number, log10p: number): string {
  if (p === 0) return `1e${Math.floor(log10p)}`;
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

function className(side: CompareSide, k: number): string {
  return side.classNames[k] ?? String(k);
}

/** The matching as sentences: how, why, and what is in one file only. */
function matchingText(m: CompareMatch, a: string, b: string): string {
  if (m.by === 'id') {
    const by = m.columnB === undefined ? `the id column "${m.column}" (both files have it)` : `id, the column "${m.column}" of ${a} with "${m.columnB}" of ${b}`;
    const base = `Rows were matched by ${by}: ${plural(m.shared, 'sample')} in both.`;
    const only = (o: OneSideOnly, file: string, other: string) =>
      o.first === null ? [] : [`${plural(o.count, 'sample')} of ${file} ${o.count === 1 ? 'is' : 'are'} not in ${other} (the first: id ${JSON.stringify(o.first.id)}, ${file}:${o.first.line})`];
    const left = [...only(m.onlyA, a, b), ...only(m.onlyB, b, a)];
    return left.length === 0 ? base : `${base} ${left.join('; ')}: left out.`;
  }
  const [ia, ib] = m.idColumns;
  const base = 'Rows were matched by order (row i of the first file with row i of the second)';
  if (m.asked) return `${base}, as asked (--match order)${ia === null && ib === null ? '' : '; an id column found was not used'}.`;
  if (ia === null && ib === null) return `${base}: neither file has an id column.`;
  const found = [ia !== null && `"${ia}" in ${a}`, ib !== null && `"${ib}" in ${b}`].filter(Boolean).join(', ');
  return `${base}: the files have no id column in common (found: ${found}); name one with --id-column NAME.`;
}

/** A share small enough that two files sharing only it are not two reads of the same samples. */
const MIN_SHARED = 0.5;

/**
 * B's samples row for row with A's: by id when both files have the same id column (unless asked
 * for order), else as they are. Throws CompareError on a repeated or empty id (both lines named),
 * or when fewer than half the samples of either file are in both (the fix named).
 */
export function pairSides(a: CompareSide, b: CompareSide, ask: 'auto' | 'order' | 'id' = 'auto'): { other: SampleColumns; match: CompareMatch } {
  if (ask === 'id') {
    const lacking = [a, b].find((s) => s.idColumn === undefined);
    if (lacking !== undefined) throw new CompareError(`${lacking.name} has no id column to match by: name it (--id-column ${lacking === a ? 'a' : 'b'}=NAME), or match by row order.`);
  }
  const m = ask === 'id' ? { by: 'id' as const, column: a.idColumn! } : chooseMatching([a.idColumn, b.idColumn], ask);
  if (m.by === 'order') return { other: b.columns, match: { by: 'order', asked: m.asked === true, idColumns: [a.idColumn ?? null, b.idColumn ?? null] } };
  const side = (s: CompareSide): PackedSide => {
    // A reader that did not pass the collector's onLayout: a bug, not the user's file.
    if (s.columns.ids === undefined) throw new Error(`${s.name}: its ids were not kept while it was read (pass the collector's onLayout with its onEval)`);
    return { name: s.name, line: s.columns.line, ids: s.columns.ids };
  };
  let al: IdAlignment;
  try {
    al = alignPackedIds(side(a), side(b));
  } catch (err) {
    if (err instanceof RunMatchError) throw new CompareError(`${err.message.replace('with the other files', 'with the other file')}. Fix the ids, name another column with --id-column NAME, or match by row order with --match order.`);
    throw err;
  }
  const nA = al.shared + al.onlyFirst.count;
  const nB = al.shared + al.onlyOther.count;
  if (al.shared < MIN_SHARED * Math.max(nA, nB)) {
    const first = (o: OneSideOnly, file: string) => (o.first === null ? '' : ` (the first in ${file} only: id ${JSON.stringify(o.first.id)}, ${file}:${o.first.line})`);
    throw new CompareError(
      `Only ${plural(al.shared, 'sample')} of ${a.name}'s ${nA.toLocaleString('en-US')} and ${b.name}'s ${nB.toLocaleString('en-US')} share an id in the column "${m.column}"${b.idColumn !== m.column ? ` (in ${b.name}: "${b.idColumn}")` : ''}${first(al.onlyFirst, a.name)}${first(al.onlyOther, b.name)}: ` +
        'not two reads of the same samples. If the rows are the same samples in the same order, match by row order with --match order; if another column names them, give it with --id-column NAME.',
    );
  }
  const B = b.columns;
  const n = a.columns.loss.length;
  const other: SampleColumns = { loss: new Float64Array(n).fill(NaN), weight: new Float64Array(n), trueClass: new Int32Array(n), predicted: new Int32Array(n), line: new Float64Array(n), state: new Uint8Array(n).fill(ROW_ABSENT) };
  const rawB = B.sampleWeight;
  if (rawB !== undefined) other.sampleWeight = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const j = al.rowOf[r]!;
    if (j < 0) continue;
    other.loss[r] = B.loss[j]!;
    other.weight[r] = B.weight[j]!;
    if (rawB !== undefined) other.sampleWeight![r] = rawB[j]!;
    other.trueClass[r] = B.trueClass[j]!;
    other.predicted[r] = B.predicted[j]!;
    other.line[r] = B.line[j]!;
    other.state[r] = B.state[j]!;
  }
  const columnB = b.idColumn !== m.column ? { columnB: b.idColumn! } : {};
  return { other, match: { by: 'id', column: m.column, ...columnB, shared: al.shared, onlyA: al.onlyFirst, onlyB: al.onlyOther } };
}

/**
 * Checks that the two reads hold the same samples (row counts equal when matched by order; the
 * same true class and weight at every row read in both), or throws CompareError naming the first
 * line where they do not, in each file. `B` is b's samples row for row with a's (pairSides).
 */
function checkPairing(a: CompareSide, b: CompareSide, B: SampleColumns, match: CompareMatch): void {
  const A = a.columns;
  const nA = A.loss.length;
  const nB = B.loss.length;
  if (nA !== nB) {
    const [long, short, nLong, nShort] = nA > nB ? [a, b, nA, nB] : [b, a, nB, nA];
    const lastShort = short.columns.line[nShort - 1] ?? 0;
    throw new CompareError(
      `${a.name} has ${plural(nA, 'row')} and ${b.name} ${plural(nB, 'row')}: not the same samples. ` +
        `${short.name} ends at line ${lastShort} (row ${nShort}); ${long.name} goes on at line ${long.columns.line[nShort]} (row ${nShort + 1}) of ${nLong.toLocaleString('en-US')}.` +
        (match.by === 'order' ? ' Rows were matched by order: give both files an id column (or name it with --id-column NAME) to match them by id.' : ''),
    );
  }
  // The rows' own sample weights: `weight` is the denominator's share, 1 at every row under keras.
  const wA = A.sampleWeight ?? A.weight;
  const wB = B.sampleWeight ?? B.weight;
  const same = match.by === 'id' ? `The files must hold the same samples (matched by the id column "${match.column}").` : 'The files must hold the same samples in the same order.';
  for (let r = 0; r < nA; r++) {
    if (A.state[r] === ROW_MISSING || B.state[r] === ROW_MISSING || B.state[r] === ROW_ABSENT) continue;
    if (A.trueClass[r] !== B.trueClass[r]) {
      throw new CompareError(
        `The labels disagree at row ${r + 1}: line ${A.line[r]} of ${a.name} has ${quoteClass(a, A.trueClass[r]!)}, line ${B.line[r]} of ${b.name} has ${quoteClass(b, B.trueClass[r]!)}. ` + same,
      );
    }
    if (A.state[r] === ROW_READ && B.state[r] === ROW_READ && wA[r] !== wB[r]) {
      throw new CompareError(
        `The sample weights differ at row ${r + 1}: ${wA[r]} on line ${A.line[r]} of ${a.name}, ${wB[r]} on line ${B.line[r]} of ${b.name}. The files must hold the same samples, weighted alike${match.by === 'id' ? ` (matched by the id column "${match.column}")` : ''}.`,
      );
    }
  }
}

function quoteClass(side: CompareSide, k: number): string {
  return k < 0 ? 'a multi-label target' : `label "${className(side, k)}"`;
}

/** Paired rows grouped by true class (one group for multi-label files), for the bootstrap. */
function groupRows(a: CompareSide, B: SampleColumns, paired: Uint8Array, K: number): { groups: Groups; sums: { d: number; w: number; a: number; b: number; n: number }[] } {
  const A = a.columns;
  const G = Math.max(1, K);
  const count = new Array<number>(G).fill(0);
  const groupOf = (r: number) => (K === 0 ? 0 : A.trueClass[r]!);
  for (let r = 0; r < paired.length; r++) if (paired[r]) count[groupOf(r)]!++;
  const start = [0];
  for (let g = 0; g < G; g++) start.push(start[g]! + count[g]!);
  const at = start.slice(0, G);
  const n = start[G]!;
  const d = new Float64Array(n);
  const w = new Float64Array(n);
  const sums = Array.from({ length: G }, () => ({ d: 0, w: 0, a: 0, b: 0, n: 0 }));
  let unitWeights = true;
  for (let r = 0; r < paired.length; r++) {
    if (!paired[r]) continue;
    const g = groupOf(r);
    const i = at[g]!++;
    d[i] = B.loss[r]! - A.loss[r]!;
    w[i] = A.weight[r]!;
    if (w[i] !== 1) unitWeights = false;
    const s = sums[g]!;
    s.d += d[i]!;
    s.w += w[i]!;
    s.a += A.loss[r]!;
    s.b += B.loss[r]!;
    s.n++;
  }
  return { groups: { d, w, start, unitWeights }, sums };
}

function meanText(delta: number, interval: Interval, unit: string, withinNoise: boolean, b: string): string {
  const [lo, hi] = interval;
  if (Number.isNaN(lo)) return `The mean loss changed by ${signed(delta)} ${unit}; no interval: ${Number.isFinite(delta) ? 'too few samples' : 'a loss is infinite'}.`;
  const range = `95% interval ${signed(lo)} to ${signed(hi)}`;
  if (withinNoise) return `The mean loss changed by ${signed(delta)} ${unit} (${range}): within noise, the interval contains 0.`;
  return `${b}'s mean loss is ${delta < 0 ? 'lower' : 'higher'} by ${signed(Math.abs(delta)).replace('+', '')} ${unit} (${range}): not within noise, the interval excludes 0.`;
}

function correctnessText(fixed: number, broken: number, p: number, log10p: number, b: string): string {
  const counts = `${b} fixes ${plural(fixed, 'sample')} and breaks ${plural(broken, 'sample')}`;
  if (fixed + broken === 0) return `${counts}: the two files are right on the same samples.`;
  const test = `McNemar's exact test p = ${formatP(p, log10p)}`;
  return p >= 0.05 ? `${counts} (${test}): within noise (p >= 0.05).` : `${counts} (${test}): unlikely to be chance (p < 0.05).`;
}

/**
 * The comparison of two reads of the same samples, B against A (differences are B minus A),
 * matched by id or by order (pairSides). Throws CompareError when the files do not hold the same samples.
 */
export function compareSamples(a: CompareSide, b: CompareSide, opts: CompareOptions = {}): CompareStats {
  return comparePaired(a, b, pairSides(a, b, opts.match), opts);
}

/** A comparison up to its bootstrap: the samples paired and counted, grouped for resampling. */
export interface PreparedComparison {
  /** The bootstrap's input: the paired differences grouped by class. */
  groups: Groups;
  resamples: number;
  seed: number;
  /** B's samples row for row with A's. */
  other: SampleColumns;
  /** The statistics once the bootstrap's replicates are known. */
  finish(boot: BootstrapResult): CompareStats;
}

/**
 * compareSamples without its bootstrap, for a caller that runs the resamples elsewhere (over
 * threads, joinBootstrap): finish(poissonBootstrap(groups, { resamples, seed })) is compareSamples.
 * Throws CompareError when the files do not hold the same samples.
 */
export function prepareComparison(a: CompareSide, b: CompareSide, opts: CompareOptions = {}): PreparedComparison {
  return preparePaired(a, b, pairSides(a, b, opts.match), opts);
}

function comparePaired(a: CompareSide, b: CompareSide, pairing: ReturnType<typeof pairSides>, opts: CompareOptions): CompareStats {
  const p = preparePaired(a, b, pairing, opts);
  return p.finish(poissonBootstrap(p.groups, { resamples: p.resamples, seed: p.seed, ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }) }));
}

function preparePaired(a: CompareSide, b: CompareSide, pairing: ReturnType<typeof pairSides>, opts: CompareOptions): PreparedComparison {
  const { other: B, match } = pairing;
  checkPairing(a, b, B, match);
  const A = a.columns;
  const rows = A.loss.length;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? DEFAULT_SEED;
  const unit = opts.unit ?? 'nats';
  const cap = opts.listCap ?? DEFAULT_LIST_CAP;
  const multiLabel = a.multiLabel || b.multiLabel;
  let K = multiLabel ? 0 : Math.max(a.classNames.length, b.classNames.length);
  if (!multiLabel) for (let r = 0; r < rows; r++) if (A.state[r] === ROW_READ) K = Math.max(K, A.trueClass[r]! + 1);

  const paired = new Uint8Array(rows);
  let leftOut = 0;
  let firstLeftOut: CompareStats['leftOut']['first'] = null;
  let fixedN = 0;
  let brokenN = 0;
  let bothRight = 0;
  let bothWrong = 0;
  const fixed: ChangedCorrectness[] = [];
  const broken: ChangedCorrectness[] = [];
  for (let r = 0; r < rows; r++) {
    const sa = A.state[r];
    const sb = B.state[r];
    if (sb === ROW_ABSENT || (sa === ROW_IGNORED && sb === ROW_IGNORED)) continue;
    if (sa !== ROW_READ || sb !== ROW_READ) {
      if (sa === ROW_MISSING && sb === ROW_MISSING) continue;
      leftOut++;
      firstLeftOut ??= { row: r, lineA: A.line[r]!, lineB: B.line[r]! };
      continue;
    }
    paired[r] = 1;
    if (multiLabel) continue;
    const y = A.trueClass[r]!;
    const rightA = A.predicted[r] === y;
    const rightB = B.predicted[r] === y;
    if (rightA === rightB) {
      if (rightA) bothRight++;
      else bothWrong++;
      continue;
    }
    const list = rightB ? fixed : broken;
    if (rightB) fixedN++;
    else brokenN++;
    if (list.length < cap) list.push({ row: r, lineA: A.line[r]!, lineB: B.line[r]!, lossA: A.loss[r]!, lossB: B.loss[r]!, label: className(a, y) });
  }

  const { groups, sums } = groupRows(a, B, paired, K);
  return { groups, resamples, seed, other: B, finish: finishPaired };

  function finishPaired(boot: BootstrapResult): CompareStats {
    const total = sums.reduce((t, s) => ({ d: t.d + s.d, w: t.w + s.w, a: t.a + s.a, b: t.b + s.b, n: t.n + s.n }), { d: 0, w: 0, a: 0, b: 0, n: 0 });
    const intervalOf = (delta: number, replicates: Float64Array): Interval => (Number.isFinite(delta) ? percentileInterval(replicates) : [NaN, NaN]);
    const noise = (iv: Interval) => !Number.isNaN(iv[0]) && iv[0] <= 0 && iv[1] >= 0;

    const delta = total.d / total.w;
    const interval = intervalOf(delta, boot.total);
    const meanWithin = noise(interval);
    const perClass: ClassDifference[] = [];
    for (let k = 0; k < K; k++) {
      const s = sums[k]!;
      if (s.n === 0) continue;
      const dk = s.d / s.w;
      const iv = intervalOf(dk, boot.groups[k]!);
      perClass.push({ index: k, name: className(a, k), support: s.n, a: s.a / s.w, b: s.b / s.w, delta: dk, interval: iv, withinNoise: noise(iv) });
    }
    const n = total.n;
    const mc = mcnemarExact(fixedN, brokenN);
    return {
      matching: matchingText(match, a.name, b.name),
      match,
      rows,
      paired: n,
      leftOut: { count: leftOut, first: firstLeftOut },
      resamples,
      seed,
      method: METHOD,
      unit,
      mean: { a: total.a / total.w, b: total.b / total.w, delta, interval, withinNoise: meanWithin, text: meanText(delta, interval, unit, meanWithin, b.name) },
      correctness: multiLabel
        ? null
        : {
            accuracyA: (bothRight + brokenN) / n,
            accuracyB: (bothRight + fixedN) / n,
            fixed: fixedN,
            broken: brokenN,
            bothRight,
            bothWrong,
            p: mc.p,
            log10p: mc.log10p,
            withinNoise: mc.p >= 0.05,
            text: correctnessText(fixedN, brokenN, mc.p, mc.log10p, b.name),
          },
      fixed,
      broken,
      listCap: cap,
      perClass,
    };
  }
}

/** The numbers `loss-lens compare --fail-if "delta..."` reads (gate.ts); NaN where a file has none (multi-label correctness). */
export function deltaGateReport(s: CompareStats): DeltaGateReport {
  const c = s.correctness;
  return {
    mean: s.mean.delta,
    meanLow: s.mean.interval[0],
    meanHigh: s.mean.interval[1],
    accuracy: c === null ? NaN : c.accuracyB - c.accuracyA,
    fixed: c === null ? NaN : c.fixed,
    broken: c === null ? NaN : c.broken,
    pValue: c === null ? NaN : c.p,
    perClass: s.perClass.map((p) => ({ index: p.index, name: p.name, mean: p.delta, meanLow: p.interval[0], meanHigh: p.interval[1] })),
  };
}


/** compareSamples, or why the files cannot be compared (CompareError's message): what the editor shows. */
export type CompareOutcome = { stats: CompareStats } | { refused: string };

/** The outcome, and B's samples row for row with A's when compared (what the list of samples that changed most reads). */
export function compareOrRefuse(a: CompareSide, b: CompareSide, opts: CompareOptions = {}): { outcome: CompareOutcome; other?: SampleColumns } {
  try {
    const pairing = pairSides(a, b, opts.match);
    return { outcome: { stats: comparePaired(a, b, pairing, opts) }, other: pairing.other };
  } catch (err) {
    if (err instanceof CompareError) return { outcome: { refused: err.message } };
    throw err;
  }
}
