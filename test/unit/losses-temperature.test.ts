/** The temperature loss option (the what-if "apply temperature T"): logits / T, p^(1/T) renormalised. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/core/analyze';
import { derive } from '../../src/core/derivation';
import { computeLosses } from '../../src/core/losses';
import { bytesSource } from '../../src/core/parse';
import { DEFAULT_OPTIONS, type LossOptions } from '../../src/core/types';
import { defaultWhatIf, requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const reference = JSON.parse(readFileSync('test/fixtures/temperature/reference.json', 'utf8')) as { cases: { file: string; temperature: number; after: number }[] };

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('losses: the temperature option', () => {
  it('logits divided by T*: the file\'s mean is the loss SciPy finds at T*', async () => {
    for (const file of ['overconfident_ce.csv', 'underconfident_ce.csv', 'overconfident_bce.csv']) {
      const ref = reference.cases.find((c) => c.file === file)!;
      const text = readFileSync(`test/fixtures/temperature/${file}`, 'utf8');
      const a = await analyze(bytesSource(file, text), { ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, temperature: ref.temperature } });
      close(a.value, ref.after, 1e-12, file);
    }
  });

  it('ce probabilities are raised to 1/T and renormalised; bce p becomes p^(1/T) / (p^(1/T) + (1 - p)^(1/T))', () => {
    const ce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'ce', input: 'probs', temperature: 2 };
    const p = [0.7, 0.2, 0.1];
    const q = p.map((v) => Math.sqrt(v));
    const s = q.reduce((x, y) => x + y, 0);
    close(computeLosses([{ prediction: p, target: 1 }], ce, 3).mean, -Math.log(q[1]! / s), 1e-15, 'ce');
    const bce: LossOptions = { ...DEFAULT_OPTIONS, kind: 'bce', input: 'probs', temperature: 0.5 };
    const pt = 0.8 ** 2 / (0.8 ** 2 + 0.2 ** 2);
    close(computeLosses([{ prediction: [0.8], target: 1 }], bce, 1).mean, -Math.log(pt), 1e-15, 'bce');
    const multi: LossOptions = { ...DEFAULT_OPTIONS, kind: 'multilabel', input: 'probs', temperature: 0.5 };
    const p2 = 0.3 ** 2 / (0.3 ** 2 + 0.7 ** 2);
    close(computeLosses([{ prediction: [0.8, 0.3], target: [1, 0] }], multi, 2).mean, (-Math.log(pt) - Math.log1p(-p2)) / 2, 1e-15, 'multilabel');
    // A probability of 0 stays 0 (and a classic clip still applies after).
    const zero = computeLosses([{ prediction: [1, 0, 0], target: 1 }], { ...ce, temperature: 3 }, 3).mean;
    close(zero, -Math.log(1e-15), 1e-9, 'zero');
  });

  it('T = 1 (or unset) gives the same bits as no temperature; a T that is not a positive number is refused', async () => {
    const text = readFileSync('test/fixtures/temperature/overconfident_ce.csv', 'utf8');
    const plain = await analyze(bytesSource('o.csv', text), CLASSIC_REQUEST);
    const one = await analyze(bytesSource('o.csv', text), { ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, temperature: 1 } });
    assert.equal(one.value, plain.value);
    for (const t of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => computeLosses([{ prediction: [0.5, 0.5], target: 0 }], { ...DEFAULT_OPTIONS, temperature: t }, 2), /temperature must be a finite number > 0/);
    }
  });

  it('the derivation shows the step, and its value is the evaluator\'s', () => {
    const options: LossOptions = { ...DEFAULT_OPTIONS, kind: 'ce', input: 'logits', temperature: 2 };
    const d = derive({ prediction: [4, 0, -2], target: 0 }, options, 3);
    const step = d.steps.find((s) => s.kind === 'temperature');
    assert.deepEqual(step, { kind: 'temperature', temperature: 2, input: 'logits', before: [4, 0, -2], after: [2, 0, -1] });
    close(d.value, computeLosses([{ prediction: [4, 0, -2], target: 0 }], options, 3).mean, 0, 'value');
    close(d.value, -(2 - Math.log(Math.exp(2) + 1 + Math.exp(-1))), 1e-15, 'log-softmax');
  });

  it('the dashboard\'s what-if temperature becomes the request\'s loss option; unset or null leaves it out', () => {
    const w = defaultWhatIf(DEFAULT_CONFIG, {});
    assert.equal(requestFor(DEFAULT_CONFIG, {}, { ...w, temperature: 2.5 }).loss.temperature, 2.5);
    assert.equal('temperature' in requestFor(DEFAULT_CONFIG, {}, { ...w, temperature: null }).loss, false);
    assert.equal('temperature' in requestFor(DEFAULT_CONFIG, {}, w).loss, false);
  });
});
