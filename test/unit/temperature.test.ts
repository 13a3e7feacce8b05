/**
 * The temperature fit and the calibration / refinement split against SciPy
 * (scripts/fixtures/gen_temperature.py: minimize_scalar on T, numpy's ECE), on the shared real
 * data and on generated over-, under- and exactly calibrated logits (test/fixtures/temperature/).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Analysis, type AnalysisRequest } from '../../src/core/analyze';
import { dataRowReader, runDiagnostics } from '../../src/core/diagnostics';
import { fitTemperature, type TemperatureReport } from '../../src/core/diagnostics/temperature';
import { RowBatch } from '../../src/core/batch';
import { bytesSource } from '../../src/core/parse';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = join(__dirname, '..', 'fixtures', 'temperature');
// The shared real data's copies committed with the fixtures (a clean clone has no ../shared).
const SHARED = join(__dirname, '..', 'fixtures', 'data');

interface Case {
  file: string;
  rows: number;
  binary: boolean;
  temperature: number;
  before: number;
  after: number;
  calibration: number;
  eceBefore: number;
  eceAfter: number;
  classes: { support: number; before: number; after: number }[];
}

const reference = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { cases: Case[] };

const PROBABILITIES = new Set(['digits_logreg.csv', 'breast_cancer_logreg.csv', 'rounded_probs.csv']);

function textOf(file: string): string {
  return readFileSync(join(file.endsWith('_logreg.csv') ? SHARED : DIR, file), 'utf8');
}

async function fit(text: string, name: string, request: AnalysisRequest = CLASSIC_REQUEST, sampleValues?: number): Promise<{ analysis: Analysis; report: TemperatureReport; passes: number }> {
  const analysis = await analyze(bytesSource(name, text), request);
  let passes = 0;
  const inner = dataRowReader(analysis, request, [analysis.layout], (_, read) => read(bytesSource(name, text), undefined));
  const reader = { pass: (onRows: Parameters<typeof inner.pass>[0]) => (passes++, inner.pass(onRows)) };
  const report = await fitTemperature(analysis, reader, undefined, sampleValues);
  return { analysis, report, passes };
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (off by ${Math.abs(actual - expected)})`);
}

describe('temperature: T* and the calibration / refinement split against SciPy', () => {
  for (const ref of reference.cases) {
    it(`${ref.file}: T* ${ref.temperature.toFixed(4)}, the log loss before and after, per class and the ECE`, async () => {
      const { report, passes } = await fit(textOf(ref.file), ref.file);
      assert.equal(report.notFitted, undefined);
      assert.equal(report.limit, undefined);
      assert.equal(report.rows, ref.rows);
      assert.equal(report.scores, PROBABILITIES.has(ref.file) ? 'log-probabilities' : 'logits');
      // SciPy's Brent locates T* to about sqrt(machine epsilon) relative: 1e-6 is the bar.
      close(report.temperature, ref.temperature, 1e-6 * ref.temperature, 'T*');
      close(report.before.loss, ref.before, 1e-12, 'loss at T = 1');
      close(report.after.loss, ref.after, 1e-12, 'loss at T*');
      close(report.calibration, ref.calibration, 1e-12, 'calibration part');
      assert.ok(report.calibration >= 0, `calibration part ${report.calibration}`);
      assert.equal(report.refinement, report.after.loss);
      close(report.before.ece, ref.eceBefore, 1e-12, 'ECE before');
      // ECE at T* moves with T*, which SciPy has to about 1e-8.
      close(report.after.ece, ref.eceAfter, 1e-7, 'ECE after');
      ref.classes.forEach((c, k) => {
        assert.equal(report.classes[k]!.support, c.support);
        close(report.classes[k]!.before, c.before, 1e-12, `class ${k} before`);
        close(report.classes[k]!.after, c.after, 1e-8, `class ${k} after`);
      });
      assert.equal(report.before.bins.length, 15);
      assert.equal(report.after.bins.reduce((n, b) => n + b.count, 0), ref.rows);
      // Small files are fitted in memory after the one pass at T = 1.
      assert.equal(report.fit.method, 'in-memory');
      assert.equal(passes, 1);
      assert.ok(report.fit.converged && report.fit.lastStep <= 1e-10, `last step ${report.fit.lastStep}`);
    });
  }

  it('is exactly calibrated by construction: T* = 1 and the calibration part 0 (to 1e-9)', async () => {
    const { report } = await fit(textOf('exact_ce.csv'), 'exact_ce.csv');
    close(report.temperature, 1, 1e-9, 'T*');
    assert.ok(report.calibration >= 0 && report.calibration <= 1e-9, `calibration part ${report.calibration}`);
    close(report.refinement, report.before.loss, 1e-9, 'refinement');
  });

  it('labels drawn from softmax(z): T* near 1 and a small calibration part (statistical, not exact)', async () => {
    const { report } = await fit(textOf('drawn_ce.csv'), 'drawn_ce.csv');
    assert.ok(Math.abs(report.temperature - 1) < 0.1, `T* ${report.temperature}`);
    assert.ok(report.calibration >= 0 && report.calibration < 1e-3, `calibration part ${report.calibration}`);
  });

  it('over-confident scores get T* > 1, under-confident T* < 1, each with a lower ECE after', async () => {
    const over = (await fit(textOf('overconfident_ce.csv'), 'o.csv')).report;
    const under = (await fit(textOf('underconfident_ce.csv'), 'u.csv')).report;
    assert.ok(over.temperature > 2 && under.temperature < 0.5);
    assert.ok(over.after.ece < over.before.ece / 2 && under.after.ece < under.before.ece / 2);
  });

  it('on a sample then exact passes when the file does not fit the sample: the same T* and figures', async () => {
    const text = textOf('overconfident_ce.csv');
    const whole = (await fit(text, 'o.csv')).report;
    const { report, passes } = await fit(text, 'o.csv', CLASSIC_REQUEST, 5 * 200);
    assert.equal(report.fit.method, 'sample-then-exact');
    assert.equal(report.fit.sampleRows, 200);
    assert.equal(passes, report.fit.passes);
    assert.ok(report.fit.converged && report.fit.exactIterations <= 4, `${report.fit.exactIterations} exact iterations`);
    close(report.temperature, whole.temperature, 1e-9 * whole.temperature, 'T*');
    close(report.after.loss, whole.after.loss, 1e-14, 'loss at T*');
    close(report.after.ece, whole.after.ece, 1e-9, 'ECE at T*');
    report.classes.forEach((c, k) => close(c.after, whole.classes[k]!.after, 1e-9, `class ${k}`));
  });

  it('starts the exact passes at T = 1 when the sample fit runs off to a limit, and converges all the same', async () => {
    // Two rows in the sample, both right with a margin: on them alone the loss falls as T -> 0.
    const text = 'label,a,b\n0,2,0\n1,0,2\n0,0,1\n1,1,0\n0,3,0\n1,0,3\n';
    const { report } = await fit(text, 'tiny.csv', CLASSIC_REQUEST, 4);
    assert.equal(report.fit.method, 'sample-then-exact');
    assert.equal(report.limit, undefined);
    assert.ok(report.fit.converged);
    assert.ok(Math.abs(report.fit.gradient) < 1e-9, `gradient ${report.fit.gradient}`);
  });

  it('reports the limit T -> 0 when every row is ranked right (the loss falls as the scores sharpen)', async () => {
    const { report } = await fit('label,a,b\n0,2,0\n1,0,2\n0,1,0\n', 'sep.csv');
    assert.equal(report.limit, 'sharpen');
    assert.ok(report.temperature <= 1e-8);
    assert.ok(report.calibration > 0 && report.after.loss === 0);
  });

  it('reports the limit T -> infinity when the scores are no better than uniform', async () => {
    const { report } = await fit('label,a,b\n0,0,2\n1,2,0\n0,1,0\n', 'worse.csv');
    assert.equal(report.limit, 'flatten');
    assert.ok(report.temperature >= 1e8);
    close(report.after.loss, Math.LN2, 1e-7, 'uniform over two classes');
  });

  it('gives the split in bits when the loss is in bits', async () => {
    const text = textOf('overconfident_ce.csv');
    const nats = (await fit(text, 'o.csv')).report;
    const bits = (await fit(text, 'o.csv', { ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, base: '2' } })).report;
    assert.equal(bits.base, '2');
    close(bits.before.loss, nats.before.loss / Math.LN2, 1e-12, 'bits');
    close(bits.calibration, nats.calibration / Math.LN2, 1e-12, 'bits');
    assert.equal(bits.temperature, nats.temperature);
  });

  it('leaves out rows with the ignore index and counts them', async () => {
    // The readers refuse an ignore index in a label column today; the RowReader contract allows it, so it is fed directly.
    const rows: [number, number, number][] = [[0, 2, 0], [-100, 0, 2], [1, 0, 1], [0, 1, 0], [1, 1, 0.5]];
    const analysis = await analyze(bytesSource('two.csv', 'label,a,b\n0,2,0\n1,0,1\n'), { ...CLASSIC_REQUEST, overrides: { input: 'logits' } });
    const batch = new RowBatch(2);
    rows.forEach(([label, a, b], i) => {
      batch.labels[i] = label;
      batch.preds.set([a, b], 2 * i);
      batch.rows[i] = i;
      batch.lines[i] = i + 2;
    });
    batch.size = rows.length;
    const reader = { pass: (onRows: (rows: RowBatch, file: number) => void) => Promise.resolve(onRows(batch, 0)) };
    const report = await fitTemperature({ ...analysis, rows: 5, options: { ...analysis.options, ignoreIndex: -100 } }, reader);
    assert.equal(report.rows, 4);
    assert.equal(report.leftOut, 1);
    assert.deepEqual(report.classes.map((c) => c.support), [2, 2]);
    // The four rows alone, by the fit's own definition: mean ln(1 + e^(-b margin)) over margins 2, 1, 1, -0.5.
    const f = (b: number) => [2, 1, 1, -0.5].reduce((s, m) => s + Math.log1p(Math.exp(-b * m)), 0) / 4;
    close(report.before.loss, f(1), 1e-15, 'loss at T = 1');
    close(report.after.loss, f(1 / report.temperature), 1e-15, 'loss at T*');
  });

  it('reads a probability of 0 as the preset\'s clip (ln p floored at ln 1e-15 for classic) and counts those', async () => {
    const text = textOf('rounded_probs.csv');
    const { report } = await fit(text, 'rounded_probs.csv');
    assert.equal(report.logFloor, Math.log(1e-15));
    const zeros = text.split('\n').slice(1).join(',').split(',').filter((v) => v === '0.0000').length;
    assert.ok(zeros > 100);
    assert.equal(report.floored, zeros);
    const logits = (await fit(textOf('overconfident_ce.csv'), 'o.csv')).report;
    assert.equal(logits.logFloor, null);
    assert.equal(logits.floored, 0);
  });

  it('does not fit when a row gives its own class probability 0 under a preset that does not clip, and says which', async () => {
    const text = 'label,a,b\n0,0.9,0.1\n1,1,0\n0,0.6,0.4\n';
    const { report } = await fit(text, 'zero.csv', { ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, preset: 'none' } });
    assert.match(report.notFitted ?? '', /^1 rows give their own class a probability of 0 \(first: zero\.csv, line 3\): their loss is infinite at every temperature$/);
    assert.equal(report.temperature, 1);
    assert.equal(report.before.loss, Number.POSITIVE_INFINITY);
  });

  it('is unavailable for multi-label and soft targets, and runs through runDiagnostics', async () => {
    const multi = await analyze(bytesSource('m.csv', 'y0,y1,p0,p1\n1,0,0.8,0.3\n0,1,0.2,0.9\n'), { ...CLASSIC_REQUEST, overrides: { kind: 'multilabel' } });
    const reader = dataRowReader(multi, CLASSIC_REQUEST, [multi.layout], (_, read) => read(bytesSource('m.csv', ''), undefined));
    const d = await runDiagnostics(multi, CLASSIC_REQUEST, reader, ['temperature']);
    assert.match(d.unavailable.temperature ?? '', /^the temperature fit needs one given class per row: multi-label/);

    const text = textOf('breast_cancer_logreg.csv');
    const analysis = await analyze(bytesSource('b.csv', text), CLASSIC_REQUEST);
    const ok = await runDiagnostics(analysis, CLASSIC_REQUEST, dataRowReader(analysis, CLASSIC_REQUEST, [analysis.layout], (_, read) => read(bytesSource('b.csv', text), undefined)), ['temperature']);
    close(ok.results.temperature!.temperature, reference.cases.find((c) => c.file === 'breast_cancer_logreg.csv')!.temperature, 1e-6, 'T*');
  });
});
