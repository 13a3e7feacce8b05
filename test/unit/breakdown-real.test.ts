/*
 * The breakdown of the real out-of-fold predictions in shared/data against numpy / scikit-learn
 * 1.2.1, computed with /usr/bin/python3 as:
 *
 *   d = pd.read_csv('digits_logreg.csv'); y = d['label'].values; P = d.iloc[:, 1:].values
 *   pred = P.argmax(1); conf = P.max(1); hit = pred == y
 *   nll = -np.log(np.clip(P[np.arange(len(y)), y], 1e-15, 1 - 1e-15))     # classic preset, no renormalising
 *   ids = np.searchsorted(np.linspace(0, 1, 16)[1:-1], conf)
 *   ece = sum((ids == b).sum() / len(y) * abs(hit[ids == b].mean() - conf[ids == b].mean()) for non-empty b)
 *   H = -np.where(P > 0, P * np.log(P), 0).sum(1).mean()
 *   f1_score(y, pred, average=None / 'macro'); confusion_matrix(y, pred); np.argsort(-nll, kind='stable')[:5]
 *
 *   b = pd.read_csv('breast_cancer_logreg.csv'); yb, pb = b.y_true, b.y_prob
 *   pt, pp = calibration_curve(yb, pb, n_bins=15); n = np.bincount(np.searchsorted(np.linspace(0,1,16)[1:-1], pb))
 *   ece = sum(n[n > 0] / len(pb) * abs(pt - pp)); confusion_matrix(yb, pb >= 0.5); accuracy_score(yb, pb >= 0.5)
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccumulator, type Breakdown } from '../../src/core/breakdown';
import { assertClose, bceEval, ceEval } from './breakdown-helpers';

function rows(name: string): number[][] {
  const text = readFileSync(join('test', 'fixtures', 'data', name), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
}

describe('breakdown of shared/data predictions against numpy and scikit-learn', () => {
  let digits: Breakdown;
  let cancer: Breakdown;
  before(() => {
    const acc = createAccumulator({ kind: 'ce', numClasses: 10, base: 'e' });
    rows('digits_logreg.csv').forEach(([label, ...p], i) => {
      const pt = Math.min(Math.max(p[label as number] as number, 1e-15), 1 - 1e-15);
      acc.add(ceEval(p, label as number, { loss: -Math.log(pt) }), i, i + 2);
    });
    digits = acc.result();
    const bin = createAccumulator({ kind: 'bce', base: 'e' });
    rows('breast_cancer_logreg.csv').forEach(([y, p], i) => bin.add(bceEval(p as number, y as number), i, i + 2));
    cancer = bin.result();
  });

  it('digits: mean, accuracy, F1s, entropy and top-label ECE', () => {
    assert.equal(digits.count, 1797);
    assertClose(digits.mean, 0.295896528543256, 1e-13);
    assertClose(digits.accuracy, 0.9232053422370617, 1e-15);
    assertClose(digits.averages.macro.f1, 0.9235347409299157, 1e-14);
    assertClose(
      digits.classes.map((c) => c.f1),
      [
        0.9859154929577465, 0.8602150537634409, 0.9431818181818182, 0.9186046511627907, 0.9608938547486033, 0.9510869565217391,
        0.9584487534626039, 0.9408450704225352, 0.8338028169014085, 0.8823529411764705,
      ],
      1e-14,
    );
    assertClose(digits.meanEntropy, 0.5431120142942052, 1e-13);
    assertClose(digits.calibration.ece, 0.0838954637668336, 1e-13);
  });

  it('digits: the confusion matrix shows the 3-as-8 and 8-as-1 confusions', () => {
    assert.deepEqual(digits.confusion, [
      [175, 0, 0, 0, 1, 1, 1, 0, 0, 0],
      [0, 160, 4, 1, 1, 0, 2, 0, 6, 8],
      [0, 7, 166, 0, 0, 0, 0, 1, 3, 0],
      [0, 0, 3, 158, 0, 3, 0, 3, 13, 3],
      [1, 1, 0, 0, 172, 0, 1, 2, 3, 1],
      [0, 1, 0, 0, 0, 175, 1, 0, 0, 5],
      [1, 4, 0, 0, 1, 0, 173, 0, 2, 0],
      [0, 0, 0, 1, 1, 0, 0, 167, 1, 9],
      [0, 15, 2, 0, 0, 4, 2, 0, 148, 3],
      [0, 2, 0, 1, 1, 3, 0, 3, 5, 165],
    ]);
  });

  it('digits: the worst samples are the rows numpy ranks first, at line row + 2', () => {
    const worst = digits.worst.slice(0, 5);
    assert.deepEqual(worst.map((w) => w.row), [1660, 1495, 1611, 1264, 77]);
    assert.deepEqual(worst.map((w) => w.line), [1662, 1497, 1613, 1266, 79]);
  });

  it('breast cancer: positive-probability ECE (calibration_curve), bin counts and confusion', () => {
    assert.deepEqual(cancer.calibration.bins.map((b) => b.count), [182, 7, 3, 2, 1, 9, 2, 4, 3, 4, 4, 2, 14, 20, 312]);
    assertClose(cancer.calibration.ece, 0.02211097449820713, 1e-13);
    assertClose(cancer.accuracy, 0.9806678383128296, 1e-15);
    // reference.json: scikit-learn log_loss (no probability here is clipped at 1e-15)
    assertClose(cancer.mean, 0.08120094860858776, 1e-12);
    assert.deepEqual(cancer.confusion, [
      [204, 8],
      [3, 354],
    ]);
  });
});
