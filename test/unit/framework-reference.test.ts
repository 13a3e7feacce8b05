/**
 * Every loss option against the real frameworks (scripts/fixtures/gen_framework_reference.py,
 * fixtures in test/fixtures/framework-reference/): Keras 3.15.1 on TensorFlow 2.21 (floatx
 * float64 and its default float32) and on JAX 0.10.2, PyTorch 1.13 (float64 tensors) with
 * torchvision's sigmoid_focal_loss, scikit-learn 1.2.1 and 1.9.1. Each case's options go through
 * the core API (computeLosses: every sample, the mean and the sum), through the CLI's own flags on
 * the case's CSV (--json mean and sum), and through the derivation (its result is the sample's loss).
 *
 * Agreement asked for:
 * - float64 runs (Keras with floatx float64 on TensorFlow, PyTorch, scikit-learn):
 *   |ours - theirs| <= 1e-12 |theirs| + 1e-15. Loss Lens is float64 throughout and takes
 *   ln(1 - p) as log1p(-p); the frameworks' log(1 - p) rounds 1 - p first, an absolute 1e-16.
 * - Keras in float32 (its default) and Keras on JAX (whose loss classes return float32 values
 *   even with floatx float64: 1.2039728164672852 for -ln 0.3): 1e-5 |theirs| + 1e-6, the inputs'
 *   float32 rounding through the log; samples with a probability within 1.2e-7 of 0 or 1 (or a
 *   logit beyond +-15.9) are left out there: float32 rounds the clip's 1 - 1e-7 to 1 - 1.19e-7
 *   (y = 0, p = 1: 15.942385 in float32, 16.118096 in float64 and here), and they are checked
 *   against float64 instead.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/analyze';
import { derive } from '../../src/core/derivation';
import { bytesSource } from '../../src/core/parse';
import { clippingLines } from '../../src/shared/render';
import { CLASSIC_REQUEST } from './breakdown-helpers';
import { computeLosses } from '../../src/core/losses';
import type { LossOptions, Sample } from '../../src/core/types';

type Num = number | 'Infinity';
interface Dataset {
  kind: 'bce' | 'ce' | 'multilabel';
  input: 'probs' | 'logits';
  file: string | null;
  preds: number[][];
  labels?: number[];
  targets?: number[][];
  weights?: number[];
}
interface Case {
  name: string;
  dataset: string;
  options: Partial<LossOptions>;
  refs: { keras?: object; torch?: object; sklearn?: { versions?: string[] } };
  note: string;
}
interface Result {
  none: Num[];
  mean: Num;
  sum: Num;
}
type Framework = { version: string } & Record<string, Record<string, Result> | string>;
interface Reference {
  datasets: Record<string, Dataset>;
  cases: Case[];
  frameworks: Record<'keras' | 'keras-jax' | 'torch' | 'sklearn-1.2' | 'sklearn-1.9', Framework>;
}

const DIR = join('test', 'fixtures', 'framework-reference');
const CLI = 'dist/cli.js';
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as Reference;
const value = (x: Num): number => (x === 'Infinity' ? Infinity : x);

type Precision = 'float64' | 'float32';
function close(actual: number, expected: number, precision: Precision, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected), `${what}: ${actual} vs ${expected}`);
    return;
  }
  const tol = precision === 'float64' ? 1e-12 * Math.abs(expected) + 1e-15 : 1e-5 * Math.abs(expected) + 1e-6;
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (off by ${Math.abs(actual - expected)}, ${precision})`);
}

function samplesOf(ds: Dataset): Sample[] {
  return ds.preds.map((prediction, i) => ({
    prediction,
    target: ds.labels !== undefined ? (ds.labels[i] as number) : (ds.targets![i] as number[]),
    ...(ds.weights !== undefined ? { weight: ds.weights[i] as number } : {}),
  }));
}

function optionsOf(c: Case, ds: Dataset): LossOptions {
  return { kind: ds.kind, input: ds.input, preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e', ...c.options };
}

/** The CLI's flags for the case's options: what a user types. */
function flagsOf(o: LossOptions): string[] {
  const f = ['--loss', o.kind, '--input', o.input, '--preset', o.preset];
  if (o.labelSmoothing !== 0) f.push('--label-smoothing', String(o.labelSmoothing));
  if (o.classWeights !== undefined) f.push('--class-weights', o.classWeights.join(','));
  if (o.posWeight !== undefined) f.push('--pos-weight', String(o.posWeight));
  if (o.ignoreIndex !== undefined) f.push('--ignore-index', String(o.ignoreIndex));
  if (o.focalGamma !== undefined) f.push('--focal-gamma', String(o.focalGamma));
  if (o.focalAlpha !== undefined) f.push('--focal-alpha', String(o.focalAlpha));
  if (o.renormalise === true) f.push('--renormalise');
  return f;
}

/** A probability within float32's clip rounding of 0 or 1, or a logit that makes one. */
function edge(ds: Dataset, i: number): boolean {
  const row = ds.preds[i] as number[];
  return row.some((x) => (ds.input === 'logits' ? Math.abs(x) > 15.9 : x < 1.2e-7 || x > 1 - 1.2e-7)) ||
    // a softmax probability below 1.2e-7
    (ds.input === 'logits' && ds.kind === 'ce' && row.some((z) => Math.max(...row) - z > 15.9));
}

interface Run {
  framework: keyof Reference['frameworks'];
  dtype: Precision;
  precision: Precision;
  result: Result;
}

/** The framework results this case is checked against. */
function runsOf(c: Case): Run[] {
  const runs: Run[] = [];
  const add = (framework: Run['framework'], dtype: Precision, precision: Precision) => {
    const result = (ref.frameworks[framework][dtype] as Record<string, Result> | undefined)?.[c.name];
    assert.ok(result !== undefined, `${framework} ${dtype} has no result for '${c.name}'`);
    runs.push({ framework, dtype, precision, result });
  };
  if (c.refs.keras !== undefined) {
    add('keras', 'float64', 'float64');
    add('keras', 'float32', 'float32');
    add('keras-jax', 'float64', 'float32');
    add('keras-jax', 'float32', 'float32');
  }
  if (c.refs.torch !== undefined) add('torch', 'float64', 'float64');
  if (c.refs.sklearn !== undefined) for (const v of c.refs.sklearn.versions ?? ['1.2', '1.9']) add(`sklearn-${v}` as Run['framework'], 'float64', 'float64');
  return runs;
}

function cli(ds: Dataset, options: LossOptions, ...more: string[]): { value: number; mean: number; sum: number; preset: string } {
  const r = spawnSync(process.execPath, [CLI, ds.file as string, '--json', '--no-progress', ...flagsOf(options), ...more], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { value: number; mean: number; sum: number; preset: string };
}

describe('framework reference: every loss option against Keras, PyTorch and scikit-learn', () => {
  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs`));

  it('records the frameworks it was made with', () => {
    assert.match(ref.frameworks.keras.version, /^keras 3\.15\.1, backend tensorflow$/);
    assert.match(ref.frameworks['keras-jax'].version, /^keras 3\.15\.1, backend jax$/);
    assert.match(ref.frameworks.torch.version, /^torch 1\.13/);
    assert.equal(ref.frameworks['sklearn-1.2'].version, 'scikit-learn 1.2.1');
    assert.equal(ref.frameworks['sklearn-1.9'].version, 'scikit-learn 1.9.1');
    assert.ok(ref.cases.length >= 60);
  });

  for (const c of ref.cases) {
    const ds = ref.datasets[c.dataset] as Dataset;
    describe(c.name, () => {
      const options = optionsOf(c, ds);
      const K = (ds.preds[0] as number[]).length;
      const samples = samplesOf(ds);
      const ours = computeLosses(samples, options, K);
      const edges = samples.map((_, i) => edge(ds, i));

      for (const run of runsOf(c)) {
        it(`core API = ${run.framework} (${run.dtype}): every sample, the mean and the sum`, () => {
          const exact = run.precision === 'float64' || !edges.some(Boolean);
          run.result.none.forEach((x, i) => {
            if (run.precision === 'float32' && edges[i]) return;
            close(ours.perSample[i] as number, value(x), run.precision, `sample ${i}`);
          });
          if (exact) {
            close(ours.mean, value(run.result.mean), run.precision, 'mean');
            close(ours.sum, value(run.result.sum), run.precision, 'sum');
          } else {
            // Without the edge samples: the sum of the others.
            let a = 0;
            let b = 0;
            run.result.none.forEach((x, i) => {
              if (edges[i]) return;
              a += ours.perSample[i] as number;
              b += value(x);
            });
            close(a, b, run.precision, 'sum of the samples away from the clip');
          }
        });
      }

      // Soft targets have no CSV spelling, and --pos-weight takes one number: those go through the core API only.
      if (ds.file !== null && !Array.isArray(options.posWeight)) {
        it('the CLI with the same flags gives the float64 framework\'s mean and sum', () => {
          const j = cli(ds, options);
          assert.equal(j.preset, options.preset);
          for (const run of runsOf(c).filter((r) => r.precision === 'float64')) {
            close(j.mean, value(run.result.mean), 'float64', `${run.framework} mean`);
            close(j.sum, value(run.result.sum), 'float64', `${run.framework} sum`);
          }
        });
      }

      it('each sample\'s derivation ends on the framework\'s loss', () => {
        const run = runsOf(c).find((r) => r.precision === 'float64');
        assert.ok(run !== undefined);
        samples.forEach((s, i) => {
          const d = derive(s, options, K);
          const result = d.steps[d.steps.length - 1];
          assert.ok(result?.kind === 'result');
          close(result.value, value(run.result.none[i] as Num), 'float64', `sample ${i}'s derivation`);
        });
      });
    });
  }

  describe('where the frameworks themselves differ (said in the README)', () => {
    const result = (framework: keyof Reference['frameworks'], dtype: Precision, name: string) =>
      (ref.frameworks[framework][dtype] as Record<string, Result>)[name] as Result;

    it('sample weights: Keras divides by N (sum_over_batch_size), scikit-learn by the weights\' sum; --reduction sum is both\'s sum', () => {
      const ds = ref.datasets.bin_weighted as Dataset;
      const keras = result('keras', 'float64', 'keras BCE sample weights');
      const sklearn = result('sklearn-1.9', 'float64', 'sklearn log_loss binary sample_weight');
      close(value(keras.mean), value(keras.sum) / ds.preds.length, 'float64', 'Keras: sum / N');
      close(value(sklearn.mean), value(sklearn.sum) / ds.weights!.reduce((a, b) => a + b, 0), 'float64', 'scikit-learn: sum / sum(w)');
      const k = cli(ds, { ...optionsOf(ref.cases.find((c) => c.name === 'keras BCE sample weights')!, ds) }, '--reduction', 'sum');
      close(k.value, value(keras.sum), 'float64', 'keras preset, --reduction sum');
      const s = cli(ds, { ...optionsOf(ref.cases.find((c) => c.name === 'sklearn log_loss binary sample_weight')!, ds) });
      close(s.value, value(sklearn.mean), 'float64', 'sklearn preset, mean');
      close(k.sum, s.sum, 'float64', 'the same sum under both');
    });

    it('with sample weights, clipping\'s presets line gives no mean for a preset that divides by something else', async () => {
      const csv = 'label,p,weight\n1,0,2\n0,0.3,1\n1,0.8,0.5\n0,0.1,3\n';
      const lines = async (preset: 'sklearn' | 'keras') => {
        const a = await analyze(bytesSource('w.csv', new TextEncoder().encode(csv)), { ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, preset } });
        return clippingLines(a.breakdown.clipping, 'bce')?.means ?? '';
      };
      const sk = await lines('sklearn');
      assert.ok(sk.includes('Keras not given (divides the weighted sum by N)'), sk);
      assert.ok(sk.includes('PyTorch 30.89 · '), sk);
      const k = await lines('keras');
      assert.ok(k.includes('scikit-learn not given (divides the weighted sum by the sum of the weights)'), k);
    });

    it('Keras float32 rounds the clip 1 - 1e-7 to 1 - 1.19e-7: y = 0, p = 1 costs 15.942 there, 16.118 in float64 and here', () => {
      const ds = ref.datasets.bin_probs as Dataset;
      const i = ds.preds.findIndex((p, k) => p[0] === 1 && ds.labels![k] === 0);
      const ours = computeLosses(samplesOf(ds), optionsOf(ref.cases.find((c) => c.name === 'keras BCE bin_probs')!, ds), 1);
      close(ours.perSample[i] as number, -Math.log(1 - (1 - 1e-7)), 'float64', 'ours');
      close(value(result('keras', 'float64', 'keras BCE bin_probs').none[i] as Num), 16.118095650958, 'float32', 'float64 Keras');
      close(value(result('keras', 'float32', 'keras BCE bin_probs').none[i] as Num), 15.942385, 'float32', 'float32 Keras');
    });

    it('binary focal loss from logits: Keras on TensorFlow keeps the logits (as the keras preset), on JAX it clips the sigmoid', () => {
      const name = 'keras binary focal from logits (|z| up to 40)';
      const ds = ref.datasets.bin_logits as Dataset;
      const i = ds.preds.findIndex((z, k) => z[0] === 40 && ds.labels![k] === 0);
      const ours = computeLosses(samplesOf(ds), optionsOf(ref.cases.find((c) => c.name === name)!, ds), 1);
      close(ours.perSample[i] as number, 40, 'float64', 'ours: softplus(40)');
      close(value(result('keras', 'float64', name).none[i] as Num), 40, 'float64', 'TensorFlow');
      close(value(result('keras-jax', 'float64', name).none[i] as Num), -Math.log(1e-7), 'float32', 'JAX: -ln(1e-7)');
    });

    it('scikit-learn 1.2 renormalises rows after clipping, 1.5+ does not (the sklearn preset); --renormalise gives 1.2\'s', () => {
      const name = 'sklearn log_loss rows not summing to 1';
      const old = value(result('sklearn-1.2', 'float64', name).mean);
      const now = value(result('sklearn-1.9', 'float64', name).mean);
      assert.ok(Math.abs(old - now) > 0.09, `${old} vs ${now}`);
      const renormalised = 'sklearn log_loss rows not summing to 1, --renormalise';
      const a = value(result('sklearn-1.2', 'float64', renormalised).mean);
      assert.ok(Math.abs(a - value(result('sklearn-1.9', 'float64', renormalised).mean)) > 0.1);
    });
  });
});
