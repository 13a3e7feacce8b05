/**
 * expNonPositive (src/core/loss/exp.ts), the softmax's e^x: its tables checked exactly in integer
 * arithmetic, its results against e^x correctly rounded (scripts/fixtures/gen_exp.py: Python's
 * decimal to 40 digits, no libm) and against Math.exp over a sweep; and the fused batch kernel
 * against the per-sample path bit for bit.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvalBatch, RowBatch } from '../../src/core/batch';
import { createEvaluator } from '../../src/core/losses';
import { EXP2_HI, EXP2_TAIL, expNonPositive } from '../../src/core/loss/exp';

const view = new DataView(new ArrayBuffer(8));
const bitsOf = (x: number): bigint => {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
};
/** A finite double as an integer times a power of two: [m, e] with x = m 2^e. */
function exact(x: number): [bigint, number] {
  const b = bitsOf(x);
  const sign = b >> 63n === 1n ? -1n : 1n;
  const biased = Number((b >> 52n) & 0x7ffn);
  const frac = b & ((1n << 52n) - 1n);
  return biased === 0 ? [sign * frac, -1074] : [sign * (frac | (1n << 52n)), biased - 1075];
}
/** Doubles between a and b (0 when equal; both finite and of one sign). */
const ulpsApart = (a: number, b: number): number => Math.abs(Number(bitsOf(a) - bitsOf(b)));

describe('expNonPositive: e^x for the softmax', () => {
  it('EXP2_HI[j] is 2^(j/128) correctly rounded (exactly: (2M - 1)^128 < 2^(j + 128 * 53) < (2M + 1)^128 for HI = M 2^-52)', () => {
    for (let j = 0; j < 128; j++) {
      const [m, e] = exact(EXP2_HI[j]!);
      assert.equal(e, -52, `HI[${j}] lies in [1, 2)`);
      const target = 1n << BigInt(j + 128 * 53);
      assert.ok((2n * m - 1n) ** 128n < target && target < (2n * m + 1n) ** 128n, `HI[${j}]`);
    }
  });

  it('HI[j] (1 + TAIL[j]) is 2^(j/128) to 2^-100 relative (its 128th power against 2^j exactly)', () => {
    for (let j = 0; j < 128; j++) {
      const [m] = exact(EXP2_HI[j]!);
      const tail = EXP2_TAIL[j]!;
      // HI (1 + TAIL) = M 2^-52 (2^-et + t) 2^et = a 2^(et - 52), with TAIL = t 2^et.
      const [t, et] = tail === 0 ? [0n, 0] : exact(tail);
      const a = m * ((1n << BigInt(-et)) + t);
      const power = a ** 128n;
      const target = 1n << BigInt(j + 128 * (52 - et));
      const gap = power > target ? power - target : target - power;
      // A relative error d in HI (1 + TAIL) is 128 d in its power: d < 2^-100 when gap 2^93 < target.
      assert.ok(gap * (1n << 93n) < target, `TAIL[${j}]`);
    }
  });

  it('is e^x correctly rounded or one ulp off at 2,808 points (references from decimal arithmetic), correctly rounded at 99% or more', () => {
    const ref = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'exp', 'reference.json'), 'utf8')) as { points: [string, string][] };
    let rounded = 0;
    for (const [xs, ys] of ref.points) {
      const x = Number(xs);
      const y = Number(ys);
      const got = expNonPositive(x);
      assert.ok(ulpsApart(got, y) <= 1, `e^${xs}: ${got}, correctly rounded ${ys}`);
      if (got === y) rounded++;
    }
    assert.ok(rounded >= 0.99 * ref.points.length, `${rounded} of ${ref.points.length} correctly rounded`);
  });

  it('is within one ulp of Math.exp over a sweep of [-708, 0] and [-40, 0]', () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      for (const x of [(-708 * i) / 200_000, (-40 * i) / 200_000 - 1e-9 * (i % 7)]) worst = Math.max(worst, ulpsApart(expNonPositive(x), Math.exp(x)));
    }
    assert.ok(worst <= 1, `${worst} ulps`);
  });

  it('gives 1 at 0, and Math.exp\'s answer below -708, above 0 and for NaN and infinities', () => {
    assert.equal(expNonPositive(0), 1);
    assert.equal(expNonPositive(-0), 1);
    for (const x of [-708.0001, -745, -746, -Infinity, 1e-300, 0.5, 709, Infinity]) assert.equal(expNonPositive(x), Math.exp(x), String(x));
    assert.ok(Number.isNaN(expNonPositive(Number.NaN)));
  });

  it('the fused logits batch gives what the per-sample path gives, bit for bit (with non-finite logits, ties, class weights, focal loss, bits)', () => {
    const K = 5;
    const options = [
      { kind: 'ce', input: 'logits', preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
      { kind: 'ce', input: 'logits', preset: 'keras', labelSmoothing: 0, reduction: 'mean', base: '2' },
      { kind: 'ce', input: 'logits', preset: 'pytorch', labelSmoothing: 0, reduction: 'mean', base: 'e', classWeights: [1, 0, 2, 0.5, 1] },
      { kind: 'ce', input: 'logits', preset: 'pytorch', labelSmoothing: 0, reduction: 'mean', base: 'e', focalGamma: 2, focalAlpha: 0.25 },
    ] as const;
    const rows = new RowBatch(K);
    const special = [[0, 0, 0, 0, 0], [3, 3, 1, 3, 0], [-800, 0, 700, 700, -Infinity], [Infinity, 0, 1, 2, 3], [Number.NaN, 1, 2, 3, 4], [1, Number.NaN, 5, 3, 4], [-1e-17, 0, -2e-17, 1e-17, 0]];
    let seed = 7;
    const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 40;
    rows.size = 200;
    for (let i = 0; i < rows.size; i++) {
      const row = special[i] ?? Array.from({ length: K }, next);
      rows.preds.set(row, i * K);
      rows.labels[i] = i % K;
      rows.rows[i] = i;
      rows.lines[i] = i + 1;
    }
    for (const o of options) {
      const evaluator = createEvaluator(o, K);
      const out = new EvalBatch(rows.capacity);
      evaluator.evaluateBatch(rows, out);
      const one = evaluator.newEval();
      for (let i = 0; i < rows.size; i++) {
        evaluator.evaluate({ prediction: rows.preds.slice(i * K, (i + 1) * K), target: rows.labels[i]! }, one);
        const at = `${o.preset} row ${i}`;
        assert.ok(Object.is(out.loss[i], one.loss), `${at}: loss ${out.loss[i]} vs ${one.loss}`);
        assert.ok(Object.is(out.weight[i], one.weight), `${at}: weight`);
        assert.equal(out.predictedClass[i], one.predictedClass, `${at}: predicted class`);
        assert.ok(Object.is(out.confidence[i], one.confidence), `${at}: confidence`);
        assert.ok(Object.is(out.entropy[i], Number.isNaN(one.entropy) ? out.entropy[i] : one.entropy), `${at}: entropy ${out.entropy[i]} vs ${one.entropy}`);
        for (let k = 0; k < K; k++) assert.ok(Object.is(out.probs[i * K + k], one.probs[k]), `${at}: p${k}`);
      }
    }
  });
});
