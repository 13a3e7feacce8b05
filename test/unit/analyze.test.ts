import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { analyze, analyzePart, inferFileLayout, mergeParts, AnalysisError, OptionsError, type AnalysisRequest } from '../../src/core/analyze';
import { bytesSource, splitRanges } from '../../src/core/parse';
import { reportJson, stringifyReport } from '../../src/core/report-json';

const request = (over: Partial<AnalysisRequest['loss']> = {}, rest: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e', ...over },
  overrides: {},
  skipInvalid: false,
  topK: 5,
  calibrationBins: 15,
  ...rest,
});

const source = (path: string) => bytesSource(path, new Uint8Array(readFileSync(path)));

describe('analyze: file to report', () => {
  it('reproduces numpy and scikit-learn on the digits sample', async () => {
    const a = await analyze(source('samples/digits.csv'), request());
    assert.equal(a.layout.kind, 'ce');
    assert.equal(a.breakdown.count, 899);
    assert.deepEqual(a.layout.classNames.slice(0, 3), ['zero', 'one', 'two']);
    // pandas + numpy: mean(-log(clip(P[i, y_i], 1e-15, 1 - 1e-15))) = 0.27559455519630577.
    assert.ok(Math.abs(a.value - 0.27559455519630577) <= 1e-12 * a.value, String(a.value));
    // scikit-learn 1.2 log_loss(y, P, eps=1e-15) = 0.27559457064381554: it renormalises rows, which
    // the file's 6 significant digits leave summing to 1 only within 1.25e-6.
    assert.ok(Math.abs(a.value - 0.27559457064381554) <= 1e-7, String(a.value));
  });

  it('merging the parts of byte ranges equals one pass, rows and lines included', async () => {
    const src = source('samples/binary.csv');
    const req = request({}, { topK: 8 });
    const whole = await analyze(src, req);
    const layout = await inferFileLayout(src, req);
    const size = readFileSync('samples/binary.csv').length;
    for (const parts of [2, 3, 7]) {
      const ps = [];
      for (const range of splitRanges(size, parts)) ps.push(await analyzePart(src, req, { layout, range }));
      const merged = mergeParts(src.name, layout, req, ps);
      assert.equal(merged.breakdown.count, whole.breakdown.count);
      assert.ok(Math.abs(merged.value - whole.value) <= 1e-12 * whole.value);
      assert.deepEqual(merged.breakdown.worst, whole.breakdown.worst, `${parts} parts`);
      assert.deepEqual(merged.breakdown.confusion, whole.breakdown.confusion);
      assert.equal(merged.rows, whole.rows);
    }
  });

  it('worst samples carry the row index and the file line', async () => {
    const a = await analyze(source('samples/binary.csv'), request());
    const lines = readFileSync('samples/binary.csv', 'utf8').split('\n');
    const worst = a.breakdown.worst[0]!;
    assert.equal(worst.line, worst.row + 2); // header on line 1, no blank lines
    const fields = lines[worst.line - 1]!.split(',');
    assert.ok(fields.length >= 2);
  });

  it('fails with located problems, or skips them with skipInvalid', async () => {
    await assert.rejects(analyze(source('samples/problems.csv'), request()), (err: unknown) => {
      assert.ok(err instanceof AnalysisError);
      assert.deepEqual(err.problems.map((p) => [p.line, p.column]), [[4, 10], [6, 13], [8, 14], [10, 6]]);
      assert.equal(err.errorCount, 4);
      return true;
    });
    const a = await analyze(source('samples/problems.csv'), request({}, { skipInvalid: true }));
    assert.equal(a.skipped, 4);
    assert.equal(a.warningCount, 4);
    assert.equal(a.breakdown.count, a.rows - 4);
  });

  it('turns options that do not fit the file into an OptionsError', async () => {
    await assert.rejects(analyze(source('samples/digits.csv'), request({ classWeights: [1, 2] })), (err: unknown) =>
      err instanceof OptionsError && /10 values.*the file has 10 classes/.test(err.message));
  });

  it('writes the JSON schema with infinite losses as "Infinity"', async () => {
    const csv = 'y_true,y_prob\n1,0\n0,0.2\n';
    const a = await analyze(bytesSource('zero.csv', new TextEncoder().encode(csv)), request({ preset: 'none' }));
    const json = JSON.parse(stringifyReport(reportJson(a)));
    assert.equal(json.mean, 'Infinity');
    assert.equal(json.worst[0].loss, 'Infinity');
    assert.equal(json.worst[0].line, 2);
    assert.equal(json.preset, 'none');
    assert.equal(json.layout.kind, 'bce');
    assert.ok(Math.abs(json.worst[1].loss - -Math.log(0.8)) < 1e-15);
    const pytorch = await analyze(bytesSource('zero.csv', new TextEncoder().encode(csv)), request({ preset: 'pytorch' }));
    assert.ok(Math.abs(pytorch.value - (100 - Math.log(0.8)) / 2) < 1e-12);
  });
});

describe('evaluator and accumulator together', () => {
  it('multi-label with sample weights: per-label means average to the mean (weights applied once)', async () => {
    const csv = 'labels,p_car,p_cat,p_dog,sample_weight\n"car",0.9,0.2,0.1,2\n"cat,dog",0.3,0.7,0.6,1\n"",0.1,0.4,0.2,0.5\n';
    const a = await analyze(bytesSource('w.csv', new TextEncoder().encode(csv)), request({}, { overrides: { weightColumn: 'sample_weight' } }));
    assert.equal(a.layout.kind, 'multilabel');
    const bce = (p: number, y: number) => -(y ? Math.log(p) : Math.log(1 - p));
    const rows: [number[], number[], number][] = [[[0.9, 0.2, 0.1], [1, 0, 0], 2], [[0.3, 0.7, 0.6], [0, 1, 1], 1], [[0.1, 0.4, 0.2], [0, 0, 0], 0.5]];
    const perLabel = [0, 1, 2].map((l) => rows.reduce((s, [p, y, w]) => s + w * bce(p[l]!, y[l]!), 0) / 3.5);
    const mean = rows.reduce((s, [p, y, w]) => s + (w * (bce(p[0]!, y[0]!) + bce(p[1]!, y[1]!) + bce(p[2]!, y[2]!))) / 3, 0) / 3.5;
    assert.ok(Math.abs(a.value - mean) < 1e-15, `${a.value} vs ${mean}`);
    a.breakdown.classes.forEach((c, l) => assert.ok(Math.abs(c.meanLoss - perLabel[l]!) < 1e-15, `${c.name}: ${c.meanLoss} vs ${perLabel[l]}`));
  });
});
