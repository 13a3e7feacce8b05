import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { indexDocument, indexOfLine, rankOfLoss, sampleAtLine } from '../../src/core/explain';
import { createEvaluator } from '../../src/core/losses';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const request = CLASSIC_REQUEST;

describe('explain: document index and the row under the cursor', () => {
  it('indexes every row of a document with its line and loss, and ranks losses', async () => {
    const text = 'y_true,y_prob\n1,0.8\n0,0.3\n\n1,0.05\n';
    const index = await indexDocument(text, 'doc.csv', request);
    assert.deepEqual(Array.from(index.lines), [2, 3, 5]);
    assert.deepEqual(Array.from(index.rows), [0, 1, 2]);
    // loss-math.md section 3: BCE y=1 p=0.8, y=0 p=0.3, y=1 p=0.05.
    const expected = [0.2231436, 0.3566749, 2.9957323];
    index.losses.forEach((l, i) => assert.ok(Math.abs(l - expected[i]!) < 5e-8));
    assert.equal(rankOfLoss(index, index.losses[2]!), 1);
    assert.equal(rankOfLoss(index, index.losses[0]!), 3);
    assert.equal(indexOfLine(index, 5), 2);
    assert.equal(indexOfLine(index, 4), -1);
    assert.equal(indexOfLine(index, 1), -1);
  });

  it('reports every bad row as an error at its line and column, and still computes the rest', async () => {
    const text = readFileSync('samples/problems.csv', 'utf8');
    const index = await indexDocument(text, 'samples/problems.csv', request);
    assert.deepEqual(index.problems.map((p) => [p.line, p.column, p.severity]), [[4, 10, 'error'], [6, 13, 'error'], [8, 14, 'error'], [10, 6, 'error']]);
    assert.equal(index.problems[0]!.message, 'expected a number, found "abc"');
    assert.equal(index.problemCount, 4);
    assert.ok(index.analysis);
    assert.equal(index.analysis.breakdown.count, index.lines.length);
  });

  it('reads the one row at a line with the document layout (CSV and JSONL), matching the index', async () => {
    for (const file of ['samples/digits.csv', 'samples/hf_logits.jsonl']) {
      const text = readFileSync(file, 'utf8');
      const index = await indexDocument(text, file, request);
      const layout = index.layout!;
      const evaluator = createEvaluator({ ...request.loss, kind: layout.kind, input: layout.input }, layout.numClasses);
      const out = evaluator.newEval();
      for (const i of [0, 7, index.lines.length - 1]) {
        const line = index.lines[i]!;
        const row = await sampleAtLine(text, file, layout, line);
        assert.equal(row.kind, 'sample', `${file}:${line}`);
        if (row.kind !== 'sample') continue;
        assert.equal(evaluator.evaluate(row.sample, out).loss, index.losses[i]);
      }
    }
  });

  it("reads a row under Excel's sep= line (the header on line 2) as the index does", async () => {
    const text = 'sep=;\np0;p1;p2;label\n0.25;0.25;0.5;2\n0.7;0.2;abc;0\n0.1;0.8;0.1;1\n';
    const index = await indexDocument(text, 'sep.csv', request);
    const layout = index.layout!;
    assert.equal(layout.sepLine, true);
    assert.deepEqual(Array.from(index.lines), [3, 5]);
    assert.deepEqual(await sampleAtLine(text, 'sep.csv', layout, 1), { kind: 'none' });
    assert.deepEqual(await sampleAtLine(text, 'sep.csv', layout, 2), { kind: 'header' });
    const evaluator = createEvaluator({ ...request.loss, kind: layout.kind, input: layout.input }, layout.numClasses);
    const out = evaluator.newEval();
    for (const [i, line] of [[0, 3], [1, 5]] as const) {
      const row = await sampleAtLine(text, 'sep.csv', layout, line);
      assert.equal(row.kind, 'sample', `line ${line}`);
      if (row.kind === 'sample') assert.equal(evaluator.evaluate(row.sample, out).loss, index.losses[i]);
    }
    // -ln 0.5 and -ln 0.8 (loss-math.md section 4, categorical CE from probabilities).
    assert.ok(Math.abs(index.losses[0]! - Math.log(2)) < 1e-12);
    const bad = await sampleAtLine(text, 'sep.csv', layout, 4);
    assert.equal(bad.kind, 'problem');
    if (bad.kind === 'problem') assert.deepEqual([bad.problems[0]!.line, bad.problems[0]!.column], [4, 9]);
  });

  it('says header, problem or none for other lines', async () => {
    const text = readFileSync('samples/problems.csv', 'utf8');
    const index = await indexDocument(text, 'p.csv', request);
    assert.deepEqual(await sampleAtLine(text, 'p.csv', index.layout!, 1), { kind: 'header' });
    const bad = await sampleAtLine(text, 'p.csv', index.layout!, 4);
    assert.equal(bad.kind, 'problem');
    if (bad.kind === 'problem') assert.deepEqual([bad.problems[0]!.line, bad.problems[0]!.column], [4, 10]);
    assert.deepEqual(await sampleAtLine(text, 'p.csv', index.layout!, 999), { kind: 'none' });
  });
});
