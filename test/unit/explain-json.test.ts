/**
 * Hovers on JSON files: the record (or the entries of parallel arrays) under the cursor, read
 * from its own text, with the span the hover highlights and the line the reader gives the row.
 */
import { strict as assert } from 'node:assert';
import { derive } from '../../src/core/derivation';
import { indexDocument, rankOfLoss, sampleAtOffset, type DocumentIndex, type SampleAtOffset } from '../../src/core/explain';
import { scanJsonArrays, type JsonElement } from '../../src/core/json-elements';
import { lossOptionsFor, type AnalysisRequest } from '../../src/core/analyze';
import { rowHoverMarkdown } from '../../src/extension/explain/hover-content';
import { lossUnderPresets } from '../../src/core/losses';

const request: AnalysisRequest = {
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
  overrides: {},
  skipInvalid: false,
  topK: 10,
  calibrationBins: 15,
};

// Records under a key, class names beside them; one record on one line, one over four lines,
// and one that shares its line with the end of the previous one.
const RECORDS = [
  '{"classes": ["cat", "dog", "bird"],',
  ' "data": [',
  '  {"label": "dog", "probs": [0.2, 0.7, 0.1]},',
  '  {',
  '    "label": "bird",',
  '    "probs": [0.5, 0.3, 0.2]',
  '  }, {"label": "cat", "probs": [0.6, 0.3, 0.1]}',
  ' ]',
  '}',
  '',
].join('\n');

// Parallel arrays of logits, one prediction per line.
const COLUMNS = '{"labels": [1, 0, 2],\n "logits": [[0.1, 2.0, -1],\n   [1, 0, 0],\n   [0, 0, 3]]}\n';

/** 0-based offset of the `nth` occurrence of `needle`. */
function at(text: string, needle: string, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${needle} #${nth} not found`);
  }
  return i;
}

function sample(r: SampleAtOffset): Extract<SampleAtOffset, { kind: 'sample' }> {
  assert.equal(r.kind, 'sample', JSON.stringify(r));
  return r as Extract<SampleAtOffset, { kind: 'sample' }>;
}

const lse = (z: number[]): number => Math.log(z.reduce((s, v) => s + Math.exp(v), 0));

describe('explain: JSON samples under the cursor', function () {
  let records: DocumentIndex;
  let columns: DocumentIndex;
  before(async () => {
    records = await indexDocument(RECORDS, 'preds.json', request);
    columns = await indexDocument(COLUMNS, 'cols.json', request);
  });

  it('scans array elements with exact spans, strings with brackets and escapes included', () => {
    const text = '{"a": [1, "x]\\"", {"b": [2]}, [3, 4]], "c": [5]}';
    const seen: JsonElement[] = [];
    scanJsonArrays(text, [['a'], ['c'], ['a', 'b']], (e) => {
      seen.push(e);
    });
    assert.deepEqual(seen.map((e) => [e.array, e.index, text.slice(e.start, e.end)]), [
      [0, 0, '1'], [0, 1, '"x]\\""'], [0, 2, '{"b": [2]}'], [0, 3, '[3, 4]'], [1, 0, '5'],
    ]);
  });

  it('records: the index gives each record the line it starts on', () => {
    assert.equal(records.layout?.jsonShape, 'records');
    assert.deepEqual(records.layout?.jsonPath, ['data']);
    assert.deepEqual([...records.lines], [3, 4, 7]);
    assert.deepEqual([...records.rows], [0, 1, 2]);
  });

  it('records: the record around the cursor on its one line, with its span', async () => {
    const r = sample(await sampleAtOffset(RECORDS, 'preds.json', records.layout!, at(RECORDS, '0.7')));
    assert.deepEqual({ prediction: Array.from(r.sample.prediction), target: r.sample.target }, { prediction: [0.2, 0.7, 0.1], target: 1 });
    assert.equal(r.row, 0);
    assert.equal(r.line, 3);
    assert.deepEqual({ ...r.span }, { array: 0, index: 0, start: at(RECORDS, '{"label": "dog"'), end: at(RECORDS, '},') + 1, line: 3, column: 2, endLine: 3, endColumn: 44 });
  });

  it('records: a record over four lines, from any of them; the next one on its closing line', async () => {
    for (const needle of ['{\n    "label"', '"bird"', '0.5, 0.3', '  }, {']) {
      const r = sample(await sampleAtOffset(RECORDS, 'preds.json', records.layout!, at(RECORDS, needle, needle === '"bird"' ? 1 : 0) + 2));
      assert.equal(r.row, 1, needle);
      assert.equal(r.line, 4);
      assert.deepEqual([r.span.line, r.span.column, r.span.endLine, r.span.endColumn], [4, 2, 7, 3]);
      assert.deepEqual(Array.from(r.sample.prediction), [0.5, 0.3, 0.2]);
      assert.equal(r.sample.target, 2);
    }
    const third = sample(await sampleAtOffset(RECORDS, 'preds.json', records.layout!, at(RECORDS, '"cat", "probs"')));
    assert.deepEqual([third.row, third.line, third.span.column, third.span.endColumn], [2, 7, 5, 47]);
    assert.equal(third.sample.target, 0);
  });

  it('records: nothing outside the records (class names, brackets, the space between records)', async () => {
    for (const offset of [at(RECORDS, '"cat"'), at(RECORDS, ' "data"'), at(RECORDS, ' ]\n}'), at(RECORDS, '}, {') + 2]) {
      assert.equal((await sampleAtOffset(RECORDS, 'preds.json', records.layout!, offset)).kind, 'none', String(offset));
    }
  });

  it('records: a broken record is a located problem, not another record', async () => {
    const broken = RECORDS.replace('"probs": [0.5, 0.3, 0.2]', '"probs": [0.5, "x", 0.2]');
    const r = await sampleAtOffset(broken, 'preds.json', records.layout!, at(broken, '"x"'));
    assert.equal(r.kind, 'problem');
    assert.equal(r.kind === 'problem' && r.problems[0]?.line, 4);
  });

  it('records: from the nearest start the index knows, the same answer at every offset', async () => {
    const lineStarts = [0];
    for (let i = 0; i < RECORDS.length; i++) if (RECORDS[i] === '\n') lineStarts.push(i + 1);
    const lineOf = (offset: number): number => lineStarts.filter((s) => s <= offset).length;
    for (let offset = 0; offset < RECORDS.length; offset++) {
      const starts = { line: lineOf(offset), index: records, offsetOfLine: (l: number) => lineStarts[l - 1]! };
      const fast = await sampleAtOffset(RECORDS, 'preds.json', records.layout!, offset, starts);
      const slow = await sampleAtOffset(RECORDS, 'preds.json', records.layout!, offset);
      assert.deepEqual(fast, slow, `offset ${offset}`);
    }
  });

  it('records: the scan starts at the record\'s line, not at the top (what comes before is not read)', async () => {
    const lines = ['{"data": ['];
    for (let r = 0; r < 5; r++) lines.push(`  {"label": ${r % 2}, "p": ${0.1 + 0.2 * r}}${r < 4 ? ',' : ''}`);
    lines.push(']}', '');
    const text = lines.join('\n');
    const index = await indexDocument(text, 'b.json', request);
    assert.deepEqual([...index.lines], [2, 3, 4, 5, 6]);
    // The same length, but a top the scanner would trip over: only a scan from line 5 finds record 3.
    const spoiled = `]]]]${text.slice(4)}`;
    const offset = text.indexOf('0.7000000000000001');
    const starts = { line: 5, index, offsetOfLine: (l: number) => text.split('\n').slice(0, l - 1).join('\n').length + 1 };
    const r = sample(await sampleAtOffset(spoiled, 'b.json', index.layout!, offset, starts));
    assert.deepEqual([r.row, r.line, r.sample.target, Array.from(r.sample.prediction)], [3, 5, 1, [0.7000000000000001]]);
    assert.equal((await sampleAtOffset(spoiled, 'b.json', index.layout!, offset)).kind, 'none');
  });

  it('columns: the entries at the same position of every array, from the prediction or the label', async () => {
    assert.equal(columns.layout?.jsonShape, 'columns');
    assert.equal(columns.layout?.input, 'logits');
    assert.deepEqual([...columns.lines], [2, 3, 4]);
    const fromPrediction = sample(await sampleAtOffset(COLUMNS, 'cols.json', columns.layout!, at(COLUMNS, '[1, 0, 0]') + 1));
    const fromLabel = sample(await sampleAtOffset(COLUMNS, 'cols.json', columns.layout!, at(COLUMNS, '0, 2]')));
    for (const r of [fromPrediction, fromLabel]) {
      assert.deepEqual({ prediction: Array.from(r.sample.prediction), target: r.sample.target, row: r.row, line: r.line }, { prediction: [1, 0, 0], target: 0, row: 1, line: 3 });
    }
    assert.deepEqual([fromPrediction.span.line, fromPrediction.span.column, fromPrediction.span.endColumn], [3, 3, 12]);
    assert.deepEqual([fromLabel.span.line, fromLabel.span.column, fromLabel.span.endColumn], [1, 15, 16]);
    // The derived loss is the index's loss for that row: lse(z) - z_0.
    const d = derive(fromPrediction.sample, lossOptionsFor(columns.layout!, request), 3);
    assert.ok(Math.abs(d.value - (lse([1, 0, 0]) - 1)) < 1e-15);
    assert.equal(d.value, columns.losses[1]);
  });

  it('the hover of a JSON record: its loss, row and line, rank, and the link with both', async () => {
    const r = sample(await sampleAtOffset(RECORDS, 'preds.json', records.layout!, at(RECORDS, '"bird"', 1)));
    const layout = records.layout!;
    const options = lossOptionsFor(layout, request);
    const derivation = derive(r.sample, options, layout.numClasses, layout.classNames);
    assert.equal(derivation.value, -Math.log(0.2));
    const md = rowHoverMarkdown({
      derivation,
      presetValues: lossUnderPresets(r.sample, options, layout.numClasses),
      line: r.line,
      row: r.row,
      rank: rankOfLoss(records, derivation.value),
      total: records.sortedLosses.length,
      openCommandUri: 'command:lossLens.openDashboardAtSample?x',
    });
    assert.equal(md.split('\n')[0], '**Loss 1.609 nats · categorical cross-entropy · preset Classic log loss · ln (nats)** · row 1, line 4 · rank 1 of 3');
    assert.match(md, /ln p\\_bird = ln 0\.2 = -1\.609/);
    assert.match(md, /\[Open in the Loss Lens dashboard\]\(command:lossLens\.openDashboardAtSample\?x\)$/);
  });
});
