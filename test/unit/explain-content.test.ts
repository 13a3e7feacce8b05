import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { derive } from '../../src/core/derivation';
import { indexDocument, sampleAtLine } from '../../src/core/explain';
import { lossUnderPresets } from '../../src/core/losses';
import { codeLensTitle } from '../../src/extension/explain/codelens-content';
import { classifyProblem, diagnosticSpecs, MAX_DIAGNOSTICS, problemSpan } from '../../src/extension/explain/diagnostic-content';
import { buildIndex, sortDescending } from '../../src/extension/explain/document-index';
import { commandUri, headerFieldAt, headerHoverMarkdown, rowHoverMarkdown } from '../../src/extension/explain/hover-content';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const request = CLASSIC_REQUEST;
const problemsText = readFileSync('samples/problems.csv', 'utf8');
const problemLines = problemsText.split('\n');
const lineOf = (text: string) => (n: number): string | undefined => text.split('\n')[n - 1];

/** problems.csv's valid rows, read independently of the core's reader: [line, label, probs]. */
function validRows(): { line: number; label: number; p: number[] }[] {
  const out: { line: number; label: number; p: number[] }[] = [];
  problemLines.slice(1).forEach((l, i) => {
    const f = l.split(',');
    if (f.length !== 5) return;
    const p = f.slice(2).map(Number);
    if (p.some((x) => !Number.isFinite(x) || x < 0 || x > 1)) return;
    out.push({ line: i + 2, label: Number(f[1]), p });
  });
  return out;
}

describe('explain: hover, diagnostic and CodeLens content', () => {
  it('a row hover: loss, derivation with the values, rank, presets line and dashboard link, exactly', async () => {
    const index = await indexDocument(problemsText, 'problems.csv', request);
    const layout = index.layout!;
    const hit = await sampleAtLine(`${problemLines[0]}\n${problemLines[4]}\n`, 'problems.csv', layout, 2);
    assert.equal(hit.kind, 'sample');
    if (hit.kind !== 'sample') return;
    const d = derive(hit.sample, index.analysis!.options, layout.numClasses, layout.classNames);
    // Line 5 is r4: label 2, p_2 = 0.7209.
    assert.ok(Math.abs(d.value - -Math.log(0.7209)) < 1e-12);
    const rows = validRows();
    const losses = rows.map((r) => -Math.log(r.p[r.label]!)).sort((a, b) => b - a);
    const rank = losses.findIndex((l) => l <= d.value + 1e-15) + 1;
    const md = rowHoverMarkdown({
      derivation: d,
      presetValues: lossUnderPresets(hit.sample, index.analysis!.options, layout.numClasses),
      line: 5,
      row: 3,
      rank,
      total: losses.length,
      openCommandUri: commandUri('lossLens.openDashboardAtSample', ['file:///w/problems.csv', 3, 5]),
    });
    assert.equal(md, [
      `**Loss 0.3273 nats · categorical cross-entropy · preset Classic log loss · ln (nats)** · row 3, line 5 · rank ${rank} of ${losses.length}`,
      '',
      '- **Model** t is one draw from a categorical distribution over K = 3 classes, so P(t \\| x) = product over k of p\\_k^t\\_k.',
      '- **Formula** loss = -ln P(t \\| x) = -sum over k of t\\_k ln p\\_k; Preset: Classic log loss. ln is the natural log (nats).',
      '- **Values** true class 2; predicted class 2; p\\_0 = 0.202, p\\_1 = 0.0771, p\\_2 = 0.7209',
      '- **Log (ln)** ln p\\_2 = ln 0.7209 = -0.3273',
      '- **Negative log-likelihood** loss = -ln p\\_2 = 0.3273',
      '',
      '[Open in the Loss Lens dashboard](command:lossLens.openDashboardAtSample?%5B%22file%3A%2F%2F%2Fw%2Fproblems.csv%22%2C3%2C5%5D)',
    ].join('\n'));
  });

  it('a row hover lists each preset when they disagree (p = 4e-9 in binary.csv)', async () => {
    const text = readFileSync('samples/binary.csv', 'utf8');
    const index = await indexDocument(text, 'binary.csv', request);
    const hit = await sampleAtLine(text, 'binary.csv', index.layout!, 2);
    if (hit.kind !== 'sample') assert.fail(hit.kind);
    const d = derive(hit.sample, index.analysis!.options, 1);
    const md = rowHoverMarkdown({ derivation: d, presetValues: lossUnderPresets(hit.sample, index.analysis!.options, 1), line: 2, row: 0 });
    // y = 0, p = 4.11224977e-09: -ln(1 - p) ~ p, except Keras, which first clips p up to 1e-7.
    assert.match(md, /\n\nUnder each preset: Classic log loss 4\.112e-9 · PyTorch 4\.112e-9 · Keras 1e-7 · scikit-learn 4\.112e-9 · No clipping 4\.112e-9$/);
    const y1 = { prediction: Float64Array.of(4.11224977e-9), target: 1 };
    const opts = index.analysis!.options;
    const all = lossUnderPresets(y1, opts, 1);
    const md1 = rowHoverMarkdown({ derivation: derive(y1, opts, 1), presetValues: all, line: 2, row: 0 });
    // -ln(1e-7) (Keras eps) = 16.12; -ln(4.11224977e-9) = 19.31; PyTorch's log floor does not bite.
    assert.match(md1, /\n\nUnder each preset: Classic log loss 19\.31 · PyTorch 19\.31 · Keras 16\.12 · scikit-learn 19\.31 · No clipping 19\.31$/);
    assert.ok(Math.abs(-Math.log(1e-7) - 16.118) < 1e-3);
  });

  it('a header hover gives each class support, mean loss and share, against a direct computation', async () => {
    const index = await indexDocument(problemsText, 'problems.csv', request);
    const rows = validRows();
    const total = rows.reduce((s, r) => s + -Math.log(r.p[r.label]!), 0);
    const of2 = rows.filter((r) => r.label === 2);
    const sum2 = of2.reduce((s, r) => s + -Math.log(r.p[2]!), 0);
    const md = headerHoverMarkdown(index.analysis!, 'p_2')!;
    const fmt = (x: number) => Number(x.toPrecision(4)).toString();
    assert.equal(md, [
      `**Column p\\_2** · mean CE ${fmt(total / rows.length)} nats over ${rows.length} samples · preset classic · nats (natural log, base e)`,
      '',
      '| class | support | mean loss (nats) | share of the total loss |',
      '|:--|--:|--:|--:|',
      `| 2 | ${of2.length} | ${fmt(sum2 / of2.length)} | ${((sum2 / total) * 100).toFixed(1)}% |`,
    ].join('\n'));
    assert.equal(headerHoverMarkdown(index.analysis!, 'id'), null);
    assert.equal(headerHoverMarkdown(index.analysis!, 'label')!.split('\n').length, 4 + 3);
  });

  it('finds the header field under the cursor, with quotes and delimiters inside them', () => {
    const line = 'id,"a,b",p_0';
    assert.deepEqual(headerFieldAt(line, ',', 0), { index: 0, name: 'id', start: 0, end: 2 });
    assert.deepEqual(headerFieldAt(line, ',', 5), { index: 1, name: 'a,b', start: 3, end: 8 });
    assert.deepEqual(headerFieldAt(line, ',', 12), { index: 2, name: 'p_0', start: 9, end: 12 });
    assert.equal(headerFieldAt(line, ',', 13), undefined);
  });

  it('diagnostics of problems.csv: exact ranges, codes and quick fixes', async () => {
    const index = await indexDocument(problemsText, 'problems.csv', request);
    const specs = diagnosticSpecs(index, 'csv', ',', lineOf(problemsText));
    assert.deepEqual(specs.map((s) => [s.line, s.start, s.end, s.code, s.fixes.join('+')]), [
      [3, 9, 12, 'not-a-number', 'choose-columns'], // r3,1,0.2,abc,0.3 -> "abc"
      [5, 0, 12, 'ragged-row', 'choose-columns'], // the whole short row "r5,0,0.7,0.3"
      [7, 13, 16, 'probability-range', 'read-as-logits+choose-columns'], // "1.3"
      [9, 5, 8, 'non-finite', ''], // "NaN"
    ]);
    assert.equal(problemLines[3]!.slice(9, 12), 'abc');
    assert.equal(problemLines[7]!.slice(13, 16), '1.3');
    assert.equal(problemLines[9]!.slice(5, 8), 'NaN');
    assert.equal(specs[0]!.message, 'expected a number, found "abc"');
  });

  it('diagnostics of JSONL: the malformed line and an out-of-range label at the field', async () => {
    const text = '{"label_ids":2,"predictions":[1,2,3]}\n{"label_ids":2,"predictions":[1,2,\n{"label_ids":7,"predictions":[1,2,3]}\n';
    const index = await indexDocument(text, 'x.jsonl', request);
    const specs = diagnosticSpecs(index, 'jsonl', undefined, lineOf(text));
    assert.deepEqual(specs.map((s) => [s.line, s.start, s.end, s.code]), [[1, 0, 34, 'malformed-json'], [2, 13, 14, 'label']]);
    // A bracket inside a string does not close the vector.
    const line = '{"a":1,"predictions":[1,"]",3],"b":2}';
    assert.deepEqual(problemSpan({ line: 1, column: 22, message: '', severity: 'error' }, line, 'jsonl'), { start: 21, end: 21 + '[1,"]",3]'.length });
  });

  it('bounds the diagnostics and summarises the rest in one entry', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 2},x${i}`);
    const text = ['y,p', '1,0.5', ...rows].join('\n');
    const index = await indexDocument(text, 'many.csv', request);
    assert.equal(index.problemCount, 30);
    const specs = diagnosticSpecs(index, 'csv', ',', lineOf(text));
    assert.equal(specs.length, MAX_DIAGNOSTICS + 1);
    assert.deepEqual(specs.at(-1), { line: 0, start: 0, end: 3, message: '10 more problems in this file not listed (the first 20 are)', code: 'more', severity: 'warning', fixes: [] });
  });

  it('classifies the reader\'s messages', () => {
    assert.equal(classifyProblem('found NaN (column p_0): values must be finite numbers'), 'non-finite');
    assert.equal(classifyProblem('label 7 is not a class index (0 to 2)'), 'label');
    assert.equal(classifyProblem('probability 1.3 is outside [0, 1] (column p_2); if these are logits, read with --input logits'), 'probability-range');
  });

  it('CodeLens title: the mean over the valid rows, their count, the preset and the unit', async () => {
    const index = await indexDocument(problemsText, 'problems.csv', request);
    const rows = validRows();
    const mean = rows.reduce((s, r) => s + -Math.log(r.p[r.label]!), 0) / rows.length;
    assert.equal(codeLensTitle(index), `Loss Lens: mean CE ${Number(mean.toPrecision(4))} nats over ${rows.length} samples (preset classic) · 4 rows skipped`);
    const logits = await indexDocument(problemsText, 'problems.csv', { ...request, overrides: { input: 'logits' } });
    const asLogits = problemLines.slice(1).filter((l) => l.split(',').length === 5).map((l) => l.split(',')).filter((f) => f.slice(2).every((x) => Number.isFinite(Number(x))));
    const meanLogits = asLogits.reduce((s, f) => {
      const z = f.slice(2).map(Number);
      return s + Math.log(z.reduce((t, v) => t + Math.exp(v), 0)) - z[Number(f[1])]!;
    }, 0) / asLogits.length;
    assert.equal(codeLensTitle(logits), `Loss Lens: mean CE from logits ${Number(meanLogits.toPrecision(4))} nats over ${asLogits.length} samples (preset classic) · 3 rows skipped`);
    const big = ['y,p', ...Array.from({ length: 10000 }, (_, i) => `${i % 2},${i % 2 ? 0.9 : 0.1}`)].join('\n');
    const bits = await indexDocument(big, 'big.csv', { ...request, loss: { ...request.loss, base: '2' } });
    assert.equal(codeLensTitle(bits), `Loss Lens: mean BCE ${Number((-Math.log2(0.9)).toPrecision(4))} bits over 10,000 samples (preset classic)`);
  });

  it('the yielding index equals the core index, yields between chunks and stops on abort', async () => {
    const text = ['id,label,p_0,p_1,p_2', ...Array.from({ length: 40000 }, (_, i) => `r${i},${i % 3},0.2,0.3,0.5`)].join('\n');
    const core = await indexDocument(text, 'big.csv', request);
    // Other work queued on the event loop (typing, hovers) runs between chunks: count its turns.
    let turns = 0;
    let running = true;
    const other = (): void => {
      turns++;
      if (running) setImmediate(other);
    };
    setImmediate(other);
    const { index, timing } = await buildIndex(text, 'big.csv', request);
    running = false;
    assert.deepEqual(Array.from(index.losses), Array.from(core.losses));
    assert.deepEqual(Array.from(index.lines), Array.from(core.lines));
    assert.deepEqual(Array.from(index.sortedLosses), Array.from(core.sortedLosses));
    assert.equal(index.analysis!.value, core.analysis!.value);
    assert.ok(timing.slices >= Math.floor(text.length / 16384) - 1, `only ${timing.slices} slices`);
    assert.ok(turns >= timing.slices / 2, `the event loop turned ${turns} times in ${timing.slices} slices`);
    const abort = new AbortController();
    const pass = buildIndex(text, 'big.csv', request, { signal: abort.signal });
    setImmediate(() => abort.abort(new Error('edited')));
    await assert.rejects(pass, /edited/);
  });

  it('the sliced sort orders like Float64Array sort then reverse (NaN first), across run boundaries', async () => {
    for (const n of [0, 1, 8191, 8192, 8193, 50000]) {
      const values = Array.from({ length: n }, (_, i) => (i % 997 === 3 ? Number.NaN : i % 13 === 0 ? Infinity : Math.random()));
      const clock = { longestBlockMs: 0, totalMs: 0, slices: 0, sliceStart: performance.now() };
      const got = await sortDescending(values, clock);
      assert.deepEqual(Array.from(got), Array.from(Float64Array.from(values).sort().reverse()), `n = ${n}`);
    }
  });
});
