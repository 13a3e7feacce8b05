import type { AnalysisRequest } from '../../src/core/analyze';
/**
 * Hand-made SampleEvals for the breakdown tests, built the way the evaluator defines them
 * (src/core/types.ts), and a tolerant deep comparison for merged-versus-one-pass results.
 */
import { strict as assert } from 'node:assert';
import type { BreakdownAccumulator } from '../../src/core/breakdown';
import type { SampleEval } from '../../src/core/types';

const NONE = new Float64Array(0);

function argmax(a: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < a.length; k++) if ((a[k] as number) > (a[best] as number)) best = k;
  return best;
}

/** Hard-label CE: loss = classWeight x -ln p_t (unless given), weight = classWeight x sampleWeight. */
export function ceEval(
  probs: readonly number[],
  trueClass: number,
  o: { weight?: number; loss?: number; ignored?: boolean } = {},
): SampleEval {
  const predicted = argmax(probs);
  const targets = new Float64Array(probs.length);
  if (trueClass >= 0 && trueClass < probs.length) targets[trueClass] = 1;
  const weight = o.weight ?? 1;
  return {
    loss: o.loss ?? weight * -Math.log(probs[trueClass] as number),
    weight: o.ignored ? 0 : weight,
    ignored: o.ignored ?? false,
    trueClass,
    predictedClass: predicted,
    confidence: probs[predicted] as number,
    probs: Float64Array.from(probs),
    targets,
    labelLosses: NONE,
  };
}

export function bceEval(p: number, y: number, o: { weight?: number; loss?: number; ignored?: boolean } = {}): SampleEval {
  const weight = o.weight ?? 1;
  const nll = -(y > 0 ? y * Math.log(p) : 0) - (y < 1 ? (1 - y) * Math.log(1 - p) : 0);
  return {
    loss: o.loss ?? weight * nll,
    weight: o.ignored ? 0 : weight,
    ignored: o.ignored ?? false,
    trueClass: y >= 0.5 ? 1 : 0,
    predictedClass: p >= 0.5 ? 1 : 0,
    confidence: Math.max(p, 1 - p),
    probs: Float64Array.of(p),
    targets: Float64Array.of(y),
    labelLosses: NONE,
  };
}

/** Multi-label as the evaluator fills it: labelLosses carry the sample weight, loss = their mean. */
export function multilabelEval(p: readonly number[], y: readonly number[], weight = 1): SampleEval {
  const labelLosses = Float64Array.from(p, (q, l) => {
    const t = y[l] as number;
    return weight * (-(t > 0 ? t * Math.log(q) : 0) - (t < 1 ? (1 - t) * Math.log(1 - q) : 0));
  });
  let confidence = 0;
  for (const q of p) confidence += Math.max(q, 1 - q) / p.length;
  return {
    loss: labelLosses.reduce((a, b) => a + b, 0) / p.length,
    weight,
    ignored: false,
    trueClass: -1,
    predictedClass: -1,
    confidence,
    probs: Float64Array.from(p),
    targets: Float64Array.from(y),
    labelLosses,
  };
}

/** Adds evals as rows first.., at lines row + 2 (a header line, then one sample per line). */
export function feed(acc: BreakdownAccumulator, evals: readonly SampleEval[], first = 0): BreakdownAccumulator {
  evals.forEach((e, i) => acc.add(e, first + i, first + i + 2));
  return acc;
}

/**
 * Deep equality where numbers may differ by `rel` relative (plus `rel` absolute, for the
 * differences of near-equal sums such as ECE); NaN equals NaN; everything else exactly.
 */
export function assertClose(actual: unknown, expected: unknown, rel = 1e-12, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected) && Number.isNaN(actual)) return;
    if (actual === expected) return;
    const tol = rel * Math.max(Math.abs(actual), Math.abs(expected)) + rel;
    assert.ok(Math.abs(actual - expected) <= tol, `${path}: ${actual} != ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((v, i) => assertClose((actual as unknown[])[i], v, rel, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, rel, `${path}.${k}`);
    return;
  }
  assert.equal(actual, expected, path);
}

/** The classic preset, mean reduction, in nats: the request most tests read files with. */
export const CLASSIC_REQUEST: AnalysisRequest = {
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
  overrides: {},
  skipInvalid: false,
  topK: 5,
  calibrationBins: 15,
};
