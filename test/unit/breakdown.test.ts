import { strict as assert } from 'node:assert';
import { createAccumulator } from '../../src/core/breakdown';
import { assertClose, bceEval, ceEval, feed, multilabelEval } from './breakdown-helpers';

/*
 * A 4-class CE set whose reference numbers come from scikit-learn 1.2.1 and scipy
 * (/usr/bin/python3), with these exact arrays:
 *
 *   y_true = [0,0,0,1,1,1,1,2,2,3,3,0]; P = CE_PROBS; y_pred = P.argmax(1)
 *   precision_recall_fscore_support(y_true, y_pred, labels=[0,1,2,3], zero_division=0)   (and average=...)
 *   confusion_matrix(y_true, y_pred, labels=[0,1,2,3]); accuracy_score(y_true, y_pred)
 *   log_loss(y_true, P, labels=[0,1,2,3]); np.mean(scipy.stats.entropy(P, axis=1[, base=2]))
 *   ECE with bins = np.linspace(0, 1, B + 1); ids = np.searchsorted(bins[1:-1], P.max(1));
 *   ece = sum over non-empty bins of n_b / N * |mean(correct) - mean(confidence)|
 */
const CE_TRUE = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 0];
const CE_PROBS = [
  [0.7, 0.1, 0.1, 0.1],
  [0.55, 0.15, 0.2, 0.1],
  [0.3, 0.4, 0.2, 0.1],
  [0.05, 0.9, 0.03, 0.02],
  [0.2, 0.6, 0.1, 0.1],
  [0.1, 0.3, 0.45, 0.15],
  [0.25, 0.35, 0.3, 0.1],
  [0.1, 0.1, 0.75, 0.05],
  [0.5, 0.2, 0.25, 0.05],
  [0.1, 0.2, 0.4, 0.3],
  [0.85, 0.05, 0.05, 0.05],
  [0.95, 0.02, 0.02, 0.01],
];
const ceEvals = (): ReturnType<typeof ceEval>[] => CE_PROBS.map((p, i) => ceEval(p, CE_TRUE[i] as number));

describe('breakdown: categorical cross-entropy against scikit-learn', () => {
  const r = feed(createAccumulator({ kind: 'ce', numClasses: 4, base: 'e', calibrationBins: 5 }), ceEvals()).result();

  it('counts, mean (= sklearn log_loss) and accuracy', () => {
    assert.equal(r.count, 12);
    assert.equal(r.ignoredCount, 0);
    assertClose(r.mean, 0.9127867185923223, 1e-14);
    assertClose(r.perplexity, Math.exp(0.9127867185923223), 1e-14);
    assert.equal(r.accuracy, 7 / 12);
    assertClose(r.accuracy, 0.5833333333333334);
  });

  it('confusion matrix, rows true and columns predicted', () => {
    assert.deepEqual(r.confusion, [
      [3, 1, 0, 0],
      [0, 3, 1, 0],
      [1, 0, 1, 0],
      [1, 0, 1, 0],
    ]);
  });

  it('per-class precision, recall, F1 and support; class 3 is never predicted (zero_division = 0)', () => {
    assertClose(r.classes.map((c) => c.precision), [0.6, 0.75, 0.3333333333333333, 0.0], 1e-15);
    assertClose(r.classes.map((c) => c.recall), [0.75, 0.75, 0.5, 0.0], 1e-15);
    assertClose(r.classes.map((c) => c.f1), [0.6666666666666665, 0.75, 0.4, 0.0], 1e-15);
    assert.deepEqual(r.classes.map((c) => c.support), [4, 4, 2, 2]);
    assert.deepEqual(r.classes.map((c) => [c.tp, c.fp, c.fn, c.tn]), [
      [3, 2, 1, 6],
      [3, 1, 1, 7],
      [1, 2, 1, 8],
      [0, 0, 2, 10],
    ]);
  });

  it('macro, weighted and micro averages', () => {
    assertClose(r.averages.macro, { precision: 0.42083333333333334, recall: 0.5, f1: 0.4541666666666666 }, 1e-15);
    assertClose(r.averages.weighted, { precision: 0.5055555555555556, recall: 0.5833333333333334, f1: 0.5388888888888889 }, 1e-15);
    assertClose(r.averages.micro, { precision: 0.5833333333333334, recall: 0.5833333333333334, f1: 0.5833333333333334 }, 1e-15);
  });

  it('top-label calibration: bin counts and ECE, with confidences 0.4 and 0.6 sitting on edges', () => {
    assert.equal(r.calibration.definition, 'top-label');
    assert.deepEqual(r.calibration.bins.map((b) => b.count), [0, 3, 4, 2, 3]);
    assertClose(r.calibration.ece, 0.12499999999999999, 1e-14);
    const r15 = feed(createAccumulator({ kind: 'ce', numClasses: 4, base: 'e' }), ceEvals()).result();
    assert.deepEqual(r15.calibration.bins.map((b) => b.count), [0, 0, 0, 0, 0, 3, 1, 1, 2, 0, 1, 1, 1, 1, 1]);
    assertClose(r15.calibration.ece, 0.29166666666666663, 1e-14);
  });

  it('hand check of one reliability bin: (0.2, 0.4] holds 0.4 (wrong), 0.35 (right), 0.4 (wrong)', () => {
    const bin = r.calibration.bins[1];
    assertClose(bin?.meanConfidence, (0.4 + 0.35 + 0.4) / 3, 1e-15);
    assertClose(bin?.accuracy, 1 / 3, 1e-15);
  });

  it('mean prediction entropy in nats and bits (scipy.stats.entropy)', () => {
    assertClose(r.meanEntropy, 0.9627571977226204, 1e-14);
    const bits = feed(createAccumulator({ kind: 'ce', numClasses: 4, base: '2' }), ceEvals()).result();
    assertClose(bits.meanEntropy, 1.3889650347345797, 1e-14);
  });

  it('per-class mean loss, shares summing to 1, and both mean confidences', () => {
    const lossOf = (i: number): number => -Math.log(CE_PROBS[i]?.[CE_TRUE[i] as number] as number);
    // class 2: rows 7 and 8, p_true 0.75 and 0.25
    assertClose(r.classes[2]?.meanLoss, (lossOf(7) + lossOf(8)) / 2, 1e-15);
    assertClose(r.classes[2]?.meanTrueProb, (0.75 + 0.25) / 2, 1e-15);
    // predicted as 2: rows 5 (0.45), 7 (0.75), 9 (0.4)
    assertClose(r.classes[2]?.meanConfidence, (0.45 + 0.75 + 0.4) / 3, 1e-15);
    assert.ok(Number.isNaN(r.classes[3]?.meanConfidence), 'class 3 is never predicted');
    const total = CE_TRUE.reduce((s, _, i) => s + lossOf(i), 0);
    assertClose(r.classes[3]?.share, (lossOf(9) + lossOf(10)) / total, 1e-14);
    assertClose(r.classes.reduce((s, c) => s + c.share, 0), 1, 1e-15);
  });

  it('class weights: the mean is sum(w_y l) / sum(w_y), as PyTorch cross_entropy(weight=...)', () => {
    const w = [1, 2, 0.5, 3];
    const evals = CE_PROBS.map((p, i) => ceEval(p, CE_TRUE[i] as number, { weight: w[CE_TRUE[i] as number] as number }));
    const rw = feed(createAccumulator({ kind: 'ce', numClasses: 4, base: 'e' }), evals).result();
    let num = 0;
    let den = 0;
    CE_TRUE.forEach((t, i) => {
      num += (w[t] as number) * -Math.log(CE_PROBS[i]?.[t] as number);
      den += w[t] as number;
    });
    assertClose(rw.mean, num / den, 1e-14);
    assertClose(rw.weightSum, den, 1e-15);
    // within a class every weight is equal, so its mean loss is the unweighted one
    assertClose(rw.classes[2]?.meanLoss, r.classes[2]?.meanLoss, 1e-14);
  });
});

/*
 * BCE references (scikit-learn 1.2.1, /usr/bin/python3):
 *   y = [1,0,1,1,0,0,1,0,1,0]; p = [0.9,0.3,0.6,0.4,0.2,0.55,0.8,0.1,0.95,0.65]
 *   prob_true, prob_pred = calibration_curve(y, p, n_bins=5)   # [0,.5,.5,.5,1], [.15,.35,.575,.725,.925]
 *   counts = np.bincount(np.searchsorted(np.linspace(0,1,6)[1:-1], p))   # [2,2,2,2,2]
 *   ece = sum(counts/10 * |prob_true - prob_pred|) = 0.135
 *   log_loss(y, p) = 0.43404225486269504; mean binary entropy of p = 0.5141959126026773
 */
describe('breakdown: binary cross-entropy', () => {
  const Y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
  const P = [0.9, 0.3, 0.6, 0.4, 0.2, 0.55, 0.8, 0.1, 0.95, 0.65];
  const r = feed(
    createAccumulator({ kind: 'bce', base: 'e', calibrationBins: 5 }),
    P.map((p, i) => bceEval(p, Y[i] as number)),
  ).result();

  it('mean (= sklearn log_loss), entropy, accuracy and the 2 x 2 confusion', () => {
    assertClose(r.mean, 0.43404225486269504, 1e-14);
    assertClose(r.meanEntropy, 0.5141959126026773, 1e-14);
    // predicted 1 at p >= 0.5: rows 0,2,5,6,8,9; right: 0,2,6,8 and 1,4,7
    assert.equal(r.accuracy, 0.7);
    assert.deepEqual(r.confusion, [
      [3, 2],
      [1, 4],
    ]);
  });

  it('calibration is p(y = 1) against the frequency of y = 1, as sklearn calibration_curve', () => {
    assert.equal(r.calibration.definition, 'positive-probability');
    assert.deepEqual(r.calibration.bins.map((b) => b.count), [2, 2, 2, 2, 2]);
    assertClose(r.calibration.bins.map((b) => b.accuracy), [0, 0.5, 0.5, 0.5, 1], 1e-15);
    assertClose(r.calibration.bins.map((b) => b.meanConfidence), [0.15000000000000002, 0.35, 0.575, 0.7250000000000001, 0.925], 1e-15);
    assertClose(r.calibration.ece, 0.135, 1e-14);
    // MCE: the largest gap, |0.5 - 0.725|
    assertClose(r.calibration.mce, 0.225, 1e-14);
  });

  it('per-class table: class 1 true probability is p, class 0 is 1 - p', () => {
    const pos = P.filter((_, i) => Y[i] === 1);
    const neg = P.filter((_, i) => Y[i] === 0);
    assertClose(r.classes[1]?.meanTrueProb, pos.reduce((a, b) => a + b, 0) / pos.length, 1e-15);
    assertClose(r.classes[0]?.meanTrueProb, neg.reduce((a, b) => a + 1 - b, 0) / neg.length, 1e-15);
    // predicted 0: rows 1,3,4,7 with confidence 1 - p
    assertClose(r.classes[0]?.meanConfidence, (0.7 + 0.6 + 0.8 + 0.9) / 4, 1e-15);
    assertClose(r.classes[0]!.share + r.classes[1]!.share, 1, 1e-15);
  });

  it('rejects a bce numClasses other than 2', () => {
    assert.throws(() => createAccumulator({ kind: 'bce', numClasses: 3, base: 'e' }), /two classes/);
  });
});

/*
 * Multi-label references (scikit-learn 1.2.1, numpy; /usr/bin/python3):
 *   Y = [[1,0,1],[0,1,0],[1,1,0],[0,0,0]]; P = [[.8,.3,.9],[.4,.7,.2],[.6,.4,.5],[.1,.6,.3]]
 *   w = [1, 2, 1, 0.5]; pred = (P >= 0.5)
 *   multilabel_confusion_matrix(Y, pred) -> per label [[tn, fp], [fn, tp]]
 *   precision_recall_fscore_support(Y, pred, average=None / 'macro' / 'micro', zero_division=0)
 *   accuracy_score(Y, pred) = 0.5 (subset); 1 - hamming_loss(Y, pred) = 0.75
 *   LL = -(Y ln P + (1-Y) ln(1-P)); mean = sum(w * LL.mean(1)) / sum(w) = 0.4204365837691913
 *   per label: (w[:,None] * LL).sum(0) / w.sum() and shares of (w[:,None] * LL).sum(0)
 *   pooled calibration_curve(Y.ravel(), P.ravel(), n_bins=5): counts [2,4,3,2,1], ECE 0.16666666666666669
 */
describe('breakdown: multi-label', () => {
  const Y = [
    [1, 0, 1],
    [0, 1, 0],
    [1, 1, 0],
    [0, 0, 0],
  ];
  const P = [
    [0.8, 0.3, 0.9],
    [0.4, 0.7, 0.2],
    [0.6, 0.4, 0.5],
    [0.1, 0.6, 0.3],
  ];
  const W = [1, 2, 1, 0.5];
  const r = feed(
    createAccumulator({ kind: 'multilabel', numClasses: 3, classNames: ['cat', 'dog', 'car'], base: 'e', calibrationBins: 5 }),
    P.map((p, i) => multilabelEval(p, Y[i] as number[], W[i] as number)),
  ).result();

  it('per-label 2 x 2 counts (multilabel_confusion_matrix)', () => {
    assert.equal(r.confusion, null);
    assert.deepEqual(r.classes.map((c) => [c.tn, c.fp, c.fn, c.tp]), [
      [2, 0, 0, 2],
      [1, 1, 1, 1],
      [2, 1, 0, 1],
    ]);
    assert.deepEqual(r.classes.map((c) => c.name), ['cat', 'dog', 'car']);
  });

  it('per-label precision / recall / F1 and their averages', () => {
    assertClose(r.classes.map((c) => c.precision), [1, 0.5, 0.5], 1e-15);
    assertClose(r.classes.map((c) => c.recall), [1, 0.5, 1], 1e-15);
    assertClose(r.classes.map((c) => c.f1), [1, 0.5, 0.6666666666666666], 1e-15);
    assertClose(r.averages.macro, { precision: 0.6666666666666666, recall: 0.8333333333333334, f1: 0.7222222222222222 }, 1e-15);
    assertClose(r.averages.micro, { precision: 0.6666666666666666, recall: 0.8, f1: 0.7272727272727272 }, 1e-15);
  });

  it('subset and Hamming accuracy', () => {
    assert.equal(r.accuracy, 0.5);
    assert.equal(r.hammingAccuracy, 0.75);
  });

  it('weighted mean loss, per-label mean losses and shares', () => {
    assertClose(r.mean, 0.4204365837691913, 1e-14);
    assertClose(r.classes.map((c) => c.meanLoss), [0.40184459565357666, 0.5432135399172067, 0.3162516157367905], 1e-14);
    assertClose(r.classes.map((c) => c.share), [0.3185931094538773, 0.4306741776586349, 0.2507327128874878], 1e-14);
    // the label means average to the sample mean, because each sample's loss is the mean over its labels
    assertClose(r.classes.reduce((s, c) => s + c.meanLoss, 0) / 3, r.mean, 1e-14);
  });

  it('pooled calibration over (sample, label) pairs and the mean binary entropy', () => {
    assert.equal(r.calibration.count, 12);
    assert.deepEqual(r.calibration.bins.map((b) => b.count), [2, 4, 3, 2, 1]);
    assertClose(r.calibration.ece, 0.16666666666666669, 1e-14);
    assertClose(r.meanEntropy, 0.572396462385077, 1e-14);
  });

  it('per-label confidences: mean p where predicted positive, mean p where truly positive', () => {
    // label dog: predicted positive in rows 1 (0.7) and 3 (0.6); truly positive in rows 1 (0.7) and 2 (0.4)
    assertClose(r.classes[1]?.meanConfidence, 0.65, 1e-15);
    assertClose(r.classes[1]?.meanTrueProb, 0.55, 1e-15);
  });
});

describe('breakdown: infinite, ignored and invalid losses', () => {
  it('an infinite loss makes sum, mean and perplexity Infinity (never NaN) and owns the shares', () => {
    const evals = [
      ceEval([0.5, 0.5, 0], 0),
      ceEval([0.2, 0.8, 0], 2), // p_true = 0: -ln 0 = Infinity
      ceEval([0.1, 0.9, 0], 1),
    ];
    const r = feed(createAccumulator({ kind: 'ce', numClasses: 3, base: 'e', topK: 2 }), evals).result();
    assert.equal(r.infiniteCount, 1);
    assert.equal(r.sum, Infinity);
    assert.equal(r.mean, Infinity);
    assert.equal(r.perplexity, Infinity);
    assert.equal(r.maxLoss, Infinity);
    assertClose(r.minLoss, -Math.log(0.9), 1e-15);
    assert.deepEqual(r.classes.map((c) => c.share), [0, 0, 1]);
    assert.deepEqual(r.classes.map((c) => c.infiniteCount), [0, 0, 1]);
    assert.equal(r.classes[2]?.meanLoss, Infinity);
    assertClose(r.classes[0]?.meanLoss, Math.LN2, 1e-15);
    assert.equal(r.histogram.infinite, 1);
    assert.equal(r.worst[0]?.loss, Infinity);
    assert.equal(r.worst[0]?.row, 1);
    assert.equal(r.worst[0]?.trueProb, 0);
    assert.equal(r.worst[1]?.row, 0);
  });

  it('ignored samples count only in ignoredCount', () => {
    const evals = [ceEval([0.7, 0.3], 0), ceEval([0.01, 0.99], 0, { ignored: true, loss: 0 }), ceEval([0.4, 0.6], 1)];
    const r = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: 'e' }), evals).result();
    const plain = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: 'e' }), [evals[0]!, evals[2]!]).result();
    assert.equal(r.ignoredCount, 1);
    assert.equal(r.count, 2);
    assertClose(r.mean, (-Math.log(0.7) - Math.log(0.6)) / 2, 1e-15);
    // apart from the ignored count and the rows of the worst list, nothing differs
    assertClose({ ...r, ignoredCount: 0, worst: [] }, { ...plain, worst: [] }, 0);
    assert.deepEqual(r.worst.map((w) => w.row), [2, 0]);
  });

  it('NaN and -Infinity losses are counted as invalid and make the mean NaN instead of vanishing', () => {
    const evals = [bceEval(0.8, 1), bceEval(0.3, 0, { loss: Number.NaN }), bceEval(0.6, 1, { loss: -Infinity })];
    const r = feed(createAccumulator({ kind: 'bce', base: 'e' }), evals).result();
    assert.equal(r.invalidCount, 2);
    assert.ok(Number.isNaN(r.mean) && Number.isNaN(r.sum));
    assert.equal(r.worst.length, 1);
    assert.equal(r.histogram.counts.reduce((a, b) => a + b, 0), 1);
    assert.equal(r.histogram.zero, 0);
    assertClose(r.minLoss, -Math.log(0.8), 1e-15);
    // the class sums stay those of the valid losses
    assertClose(r.classes[1]?.sum, -Math.log(0.8), 1e-15);
    assert.equal(r.classes[0]?.sum, 0);
  });

  it('a true class outside 0..K-1 stays in the totals but out of the per-class table', () => {
    const evals = [ceEval([0.7, 0.3], 0), { ...ceEval([0.6, 0.4], 0), trueClass: 5, loss: 2 }];
    const r = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: 'e' }), evals).result();
    assert.equal(r.unclassifiedCount, 1);
    assert.equal(r.count, 2);
    assertClose(r.mean, (-Math.log(0.7) + 2) / 2, 1e-15);
    assert.equal(r.accuracy, 0.5);
    assert.deepEqual(r.confusion, [
      [1, 0],
      [0, 0],
    ]);
    assertClose(r.classes[0]?.share, -Math.log(0.7) / (-Math.log(0.7) + 2), 1e-15);
    assert.ok(Number.isNaN(r.worst[0]?.trueProb), 'no probability for a class that does not exist');
  });

  it('an empty stream has NaN means and empty tables, not errors', () => {
    const r = createAccumulator({ kind: 'ce', numClasses: 3, base: 'e' }).result();
    assert.equal(r.count, 0);
    assert.ok(Number.isNaN(r.mean) && Number.isNaN(r.accuracy) && Number.isNaN(r.calibration.ece));
    assert.deepEqual(r.worst, []);
    assert.deepEqual(r.classes.map((c) => c.share), [0, 0, 0]);
  });
});

describe('breakdown: perplexity and bits', () => {
  it('perplexity = e^(mean nats) = 2^(mean bits)', () => {
    const probs = [
      [0.25, 0.75],
      [0.6, 0.4],
      [0.9, 0.1],
    ];
    const t = [1, 0, 0];
    const nats = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: 'e' }), probs.map((p, i) => ceEval(p, t[i] as number))).result();
    // the same samples with losses in bits, as the evaluator reports them for base 2
    const bitEvals = probs.map((p, i) => ceEval(p, t[i] as number, { loss: -Math.log2(p[t[i] as number] as number) }));
    const bits = feed(createAccumulator({ kind: 'ce', numClasses: 2, base: '2' }), bitEvals).result();
    // geometric mean of 1/p_true: (1/0.75 * 1/0.6 * 1/0.9)^(1/3)
    const expected = Math.cbrt(1 / (0.75 * 0.6 * 0.9));
    assertClose(nats.perplexity, expected, 1e-14);
    assertClose(bits.perplexity, expected, 1e-14);
    assertClose(bits.meanEntropy * Math.LN2, nats.meanEntropy, 1e-14);
  });
});
