import { strict as assert } from 'node:assert';
import { derive } from '../../src/core/derivation';
import { logVersusSquared } from '../../src/core/log-vs-squared';
import type { LossOptions } from '../../src/core/types';
import { logVersusSquaredText } from '../../src/shared/render';

const CE_PROBS: LossOptions = { kind: 'ce', input: 'probs', preset: 'classic', reduction: 'mean', base: 'e', labelSmoothing: 0 };
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// Expected values: numpy (np.log, ((p - y)**2).sum()) on the same vectors, written out here.
describe('why log loss and not squared error: a sample\'s own numbers', () => {
  it('a confident mistake (p(true) = 0.012) against the same prediction made unsure (0.5)', () => {
    const c = logVersusSquared(derive({ prediction: [0.012, 0.9, 0.088], target: 0 }, CE_PROBS, 3));
    assert.ok(c);
    assert.equal(c.squaredMax, 2);
    near(c.sample.trueProb, 0.012);
    near(c.sample.logLoss, 4.422848629194137);
    near(c.sample.squared, 1.793888);
    near(c.other.trueProb, 0.5);
    near(c.other.logLoss, Math.LN2);
    near(c.other.squared, 0.4594322149191103);
    const text = logVersusSquaredText(c, false);
    assert.equal(text[0], 'Here the true class has probability 0.012: log loss 4.423 nats, squared error 1.794 (it is at most 2).');
    assert.equal(text[2], 'From 0.5 down to 0.012 the log loss grows 6.4 times, the squared error 3.9 times; as the probability goes to 0 the log loss grows without bound, while the squared error stops at 2.');
  });

  it('logits through the softmax, against the same prediction made a confident mistake (0.01)', () => {
    const c = logVersusSquared(derive({ prediction: [2, 0, -1], target: 1 }, { ...CE_PROBS, input: 'logits', preset: 'pytorch' }, 3));
    assert.ok(c);
    near(c.sample.trueProb, 0.11419519938459446);
    near(c.sample.logLoss, 2.1698460195562856);
    near(c.sample.squared, 1.4984045443883212);
    near(c.other.logLoss, 4.605170185988091);
    near(c.other.squared, 1.871644711595466);
  });

  it('binary, in bits: the probability of what happened and (p - y)^2, at most 1', () => {
    const c = logVersusSquared(derive({ prediction: [0.02], target: 1 }, { ...CE_PROBS, kind: 'bce', base: '2' }, 1));
    assert.ok(c);
    assert.equal(c.squaredMax, 1);
    near(c.sample.logLoss, 5.643856189774724);
    near(c.sample.squared, 0.9604);
    near(c.other.squared, 0.25);
    assert.match(logVersusSquaredText(c, true)[0]!, /^Here the outcome that happened has probability 0\.02: log loss 5\.644 bits, squared error 0\.9604 \(it is at most 1\)\.$/);
  });

  it('has nothing to say for soft targets, multi-label samples and ignored ones', () => {
    assert.equal(logVersusSquared(derive({ prediction: [0.3, 0.7], target: [0.2, 0.8] }, CE_PROBS, 2)), undefined);
    assert.equal(logVersusSquared(derive({ prediction: [0.3, 0.7], target: [1, 0] }, { ...CE_PROBS, kind: 'multilabel' }, 2)), undefined);
    assert.equal(logVersusSquared(derive({ prediction: [0.3, 0.7], target: -100 }, { ...CE_PROBS, ignoreIndex: -100 }, 2)), undefined);
  });
});
