/**
 * Calibration figures (equal-width and equal-mass bins with their counts and Wilson intervals,
 * class-wise ECE, Brier score, intervals on each class's mean loss, recall and precision) against
 * the numpy / scikit-learn references of scripts/fixtures/gen_calibration.py, read through the
 * whole analysis (reader, evaluator's fast paths, accumulator) as the CLI reads the files.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Analysis } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse';
import { assertClose, CLASSIC_REQUEST } from './breakdown-helpers';

interface RefBin {
  count: number;
  meanConfidence: number | null;
  accuracy: number | null;
  accuracyCi: [number | null, number | null];
}
interface Reference {
  file: string;
  kind: string;
  bins: number;
  brier: number;
  calibration: {
    count: number;
    bins: RefBin[];
    ece: number;
    mce: number;
    adaptive: { bins: RefBin[]; ece: number; mce: number };
    adaptiveSortedEce: number;
    classwiseEce: number;
    classEce: number[];
  };
  perClass: { meanLoss: number | null; meanLossCi: (number | null)[]; recallCi: (number | null)[]; precisionCi: (number | null)[] }[];
}

const DIR = join('test', 'fixtures', 'calibration');
const NAMES = ['digits', 'digits_logreg', 'binary', 'breast_cancer_logreg', 'multilabel', 'overconfident_logits'];

/** JSON null (numpy's undefined) as NaN, as the breakdown holds it. */
function nan<T>(v: T): T {
  return JSON.parse(JSON.stringify(v), (_k, x: unknown) => (x === null ? Number.NaN : x)) as T;
}

const request = CLASSIC_REQUEST;

const bins = (list: readonly { count: number; meanConfidence: number; accuracy: number; accuracyCi: [number, number] }[]) =>
  list.map((b) => ({ count: b.count, meanConfidence: b.meanConfidence, accuracy: b.accuracy, accuracyCi: b.accuracyCi }));

describe('calibration against numpy and scikit-learn (scripts/fixtures/gen_calibration.py)', () => {
  for (const name of NAMES) {
    describe(name, () => {
      const ref = nan(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Reference);
      let a: Analysis;
      before(async () => {
        a = await analyze(bytesSource(ref.file, new Uint8Array(readFileSync(ref.file))), request);
        assert.equal(a.layout.kind, ref.kind);
      });

      it('equal-width bins: counts exactly; ECE, MCE, means and Wilson intervals to 1e-9', () => {
        const c = a.breakdown.calibration;
        assert.equal(c.count, ref.calibration.count);
        assert.deepEqual(c.bins.map((b) => b.count), ref.calibration.bins.map((b) => b.count));
        assertClose(bins(c.bins), ref.calibration.bins, 1e-9);
        assertClose([c.ece, c.mce], [ref.calibration.ece, ref.calibration.mce], 1e-9);
      });

      it('equal-mass bins from the fine grid: the same bins (counts exactly), ECE and MCE to 1e-9', () => {
        const ad = a.breakdown.calibration.adaptive;
        assert.deepEqual(ad.bins.map((b) => b.count), ref.calibration.adaptive.bins.map((b) => b.count));
        assertClose(bins(ad.bins), ref.calibration.adaptive.bins, 1e-9);
        assertClose([ad.ece, ad.mce], [ref.calibration.adaptive.ece, ref.calibration.adaptive.mce], 1e-9);
        // The grid's buckets against the exact quantiles of the sorted values (np.array_split).
        assert.ok(Math.abs(ad.ece - ref.calibration.adaptiveSortedEce) < 2e-4, `${ad.ece} vs sorted ${ref.calibration.adaptiveSortedEce}`);
        for (const b of ad.bins) assert.ok(b.lower <= b.meanConfidence && b.meanConfidence <= b.upper, `${b.meanConfidence} in [${b.lower}, ${b.upper}]`);
      });

      it('class-wise ECE and each class\'s ECE to 1e-9', () => {
        assertClose(a.breakdown.calibration.classwise.ece, ref.calibration.classwiseEce, 1e-9);
        assertClose(a.breakdown.classes.map((c) => c.ece), ref.calibration.classEce, 1e-9);
      });

      it('Brier score to 1e-9', () => {
        assertClose(a.breakdown.brier, ref.brier, 1e-9);
      });

      it('per class: mean loss and its interval, Wilson intervals of recall and precision, to 1e-9', () => {
        assertClose(
          a.breakdown.classes.map((c) => ({ meanLoss: c.meanLoss, meanLossCi: c.meanLossCi, recallCi: c.recallCi, precisionCi: c.precisionCi })),
          ref.perClass,
          1e-9,
        );
      });
    });
  }
});
