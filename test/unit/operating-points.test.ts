/**
 * ROC and precision-recall operating points (issue 14, item 6) against scikit-learn 1.2.1
 * (scripts/fixtures/gen_operating_points.py): AUC within the bucket bound of roc_auc_score, the
 * exact average_precision_score inside the stated range, the confusion counts at 0.5 exactly, and
 * every point's counts equal to roc_curve's at the lowest score above the bucket's edge; read
 * through the whole analysis, and merged from halves.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, analyzePart } from '../../src/core/analyze';
import { BreakdownAccumulator, type OperatingCurves } from '../../src/core/breakdown';
import { rankedSum } from '../../src/core/breakdown/operating-points';
import { bytesSource } from '../../src/core/parse';
import { CLASSIC_REQUEST } from './breakdown-helpers';

interface LabelRef {
  name: string;
  positives: number;
  negatives: number;
  auc: number;
  ap: number;
  atHalf: { tp: number; fp: number; fn: number; tn: number };
  roc: { thresholds: number[]; fpr: number[]; tpr: number[] };
}
interface Reference {
  file: string;
  kind: string;
  labels: LabelRef[];
}

const DIR = join('test', 'fixtures', 'operating-points');
const load = (name: string) => JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Reference;
const curvesOf = async (file: string) => {
  const a = await analyze(bytesSource(file, new Uint8Array(readFileSync(file))), CLASSIC_REQUEST);
  assert.ok(a.breakdown.operatingPoints !== null);
  return a.breakdown.operatingPoints;
};

/** roc_curve's counts at threshold t: at its lowest threshold >= t (thresholds fall), none above every score. */
function rocAt(ref: LabelRef, t: number): { tp: number; fp: number } {
  let at = -1;
  for (let i = 0; i < ref.roc.thresholds.length && (ref.roc.thresholds[i] as number) >= t; i++) at = i;
  if (at < 0) return { tp: 0, fp: 0 };
  return { tp: Math.round((ref.roc.tpr[at] as number) * ref.positives), fp: Math.round((ref.roc.fpr[at] as number) * ref.negatives) };
}

/** How far the bucketed figures may be from sklearn's, and how wide their stated bounds may be. */
interface Tolerance {
  auc: number;
  aucBound: number;
  ap: number;
  apRange: number;
}
const FINE: Tolerance = { auc: 1e-4, aucBound: 1e-3, ap: 1e-3, apRange: 5e-3 };
const LABEL: Tolerance = { auc: 1e-3, aucBound: 1e-2, ap: 5e-3, apRange: 2e-2 };

function check(c: OperatingCurves, ref: LabelRef, tolerance: Tolerance): void {
  assert.equal(c.name, ref.name);
  assert.deepEqual([c.positives, c.negatives], [ref.positives, ref.negatives]);
  assert.ok(Math.abs(c.auc - ref.auc) <= c.aucError + 1e-12, `AUC ${c.auc} ± ${c.aucError} vs sklearn ${ref.auc}`);
  assert.ok(c.apRange[0] - 1e-12 <= ref.ap && ref.ap <= c.apRange[1] + 1e-12, `AP ${ref.ap} in [${c.apRange.join(', ')}]`);
  assert.ok(c.apRange[0] <= c.ap && c.ap <= c.apRange[1]);
  // The tolerance the README states for files like these.
  assert.ok(Math.abs(c.auc - ref.auc) <= tolerance.auc && c.aucError <= tolerance.aucBound, `AUC error ${Math.abs(c.auc - ref.auc)}, bound ${c.aucError}`);
  assert.ok(Math.abs(c.ap - ref.ap) <= tolerance.ap && c.apRange[1] - c.apRange[0] <= tolerance.apRange, `AP error ${Math.abs(c.ap - ref.ap)}, range ${c.apRange.join('-')}`);
  const half = c.points.find((p) => p.threshold === 0.5);
  assert.ok(half !== undefined, 'a point at 0.5');
  assert.deepEqual({ tp: half.tp, fp: half.fp, fn: half.fn, tn: half.tn }, ref.atHalf);
  for (const p of c.points) {
    assert.deepEqual({ tp: p.tp, fp: p.fp }, rocAt(ref, p.threshold), `counts at ${p.threshold}`);
    assert.equal(p.tp + p.fn, ref.positives);
    assert.equal(p.fp + p.tn, ref.negatives);
  }
  const last = c.points[c.points.length - 1]!;
  assert.deepEqual([last.tp, last.fp], [ref.positives, ref.negatives], 'the lowest threshold takes every sample');
}

describe('operating points against scikit-learn (scripts/fixtures/gen_operating_points.py)', () => {
  it('breast cancer (real, 569 rows): AUC to 1e-4 of roc_auc_score, AP to 1e-3 of average_precision_score (bounds under 1e-3, 5e-3)', async () => {
    const ref = load('breast_cancer_logreg');
    const op = await curvesOf(ref.file);
    assert.equal(op.scheme.bucketsPerOctave, 128);
    assert.equal(op.curves.length, 1);
    check(op.curves[0]!, ref.labels[0]!, FINE);
  });

  it('a generated binary file with repeated scores (4,000 rows): AUC to 1e-4, AP to 1e-3', async () => {
    const ref = load('binary');
    const op = await curvesOf(ref.file);
    check(op.curves[0]!, ref.labels[0]!, FINE);
  });

  it('multi-label, per label on the coarser label grid (2,000 rows): AUC to 1e-3, AP to 5e-3 (bounds under 1e-2, 2e-2)', async () => {
    const ref = load('multilabel');
    const op = await curvesOf(ref.file);
    assert.equal(op.scheme.bucketsPerOctave, 16);
    assert.equal(op.curves.length, 3);
    ref.labels.forEach((l, i) => check(op.curves[i]!, l, LABEL));
  });

  it('merges: the states of two halves give the whole file\'s curves', async () => {
    const ref = load('multilabel');
    const [header, ...rows] = readFileSync(ref.file, 'utf8').trimEnd().split('\n');
    const csv = (lines: string[]) => bytesSource('part.csv', new TextEncoder().encode([header, ...lines].join('\n') + '\n'));
    const half = Math.floor(rows.length / 2);
    const whole = (await analyze(csv(rows), CLASSIC_REQUEST)).breakdown.operatingPoints;
    const merged = BreakdownAccumulator.fromJSON(JSON.parse(JSON.stringify((await analyzePart(csv(rows.slice(0, half)), CLASSIC_REQUEST)).state)));
    merged.merge((await analyzePart(csv(rows.slice(half)), CLASSIC_REQUEST)).state);
    assert.deepEqual(merged.result().operatingPoints, whole);
  });

  it('the AP bound\'s sum in closed form equals the sum term by term', () => {
    for (const [tp, fp, a] of [[0, 0, 5], [0, 3, 1], [2, 7, 40], [100, 2500, 1234], [0, 1, 2.5], [3e5, 2e6, 7e4]] as const) {
      let loop = 0;
      const whole = Math.floor(a);
      for (let i = 1; i <= whole; i++) loop += (tp + i) / (tp + fp + i);
      if (a > whole) loop += (a - whole) * ((tp + a) / (tp + fp + a));
      const closed = rankedSum(tp, fp, a);
      // A fractional count (soft targets) is weighted by the digamma function's interpolation, not the last term's: a bound either way.
      assert.ok(Math.abs(closed - loop) <= (a > whole ? 0.05 : 1e-9 * Math.max(1, loop)), `${tp}, ${fp}, ${a}: ${closed} vs ${loop}`);
    }
  });

  it('ce has none', async () => {
    const a = await analyze(bytesSource('x.csv', new TextEncoder().encode('label,a,b,c\n0,0.7,0.2,0.1\n2,0.1,0.1,0.8\n')), CLASSIC_REQUEST);
    assert.equal(a.breakdown.operatingPoints, null);
  });
});
