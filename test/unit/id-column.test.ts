/**
 * Which column names the samples (layout.idColumn), which compare and run match files by: the
 * names pandas, Hugging Face datasets and torchvision scripts write, said in the evidence; never
 * the label, predicted classes or a score; row numbers alone are no evidence; --id-column.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inferLayout, LayoutError } from '../../src/core/parse';
import { analyze } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse/memory-source';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const N = 40;
/** A table of N rows: `cols` names, `row(i)` the cells of row i (line i + 2). */
function layout(cols: string[], row: (i: number) => unknown[], overrides = {}) {
  const rows = Array.from({ length: N }, (_, i) => row(i));
  return inferLayout({ format: 'csv', columns: cols, rows, lines: rows.map((_, i) => i + 2) }, overrides);
}
const idEvidence = (l: { evidence: string[] }) => l.evidence.filter((e) => /\bid\b|an id's/.test(e));
/** A permutation of 0..N-1 (a shuffled frame's index). */
const shuffled = (i: number) => (i * 7 + 3) % N;

describe('the id column', () => {
  it('samples/epoch_1.csv: email_id (a *_id name), said in the evidence', async () => {
    const text = readFileSync('samples/epoch_1.csv');
    const a = await analyze(bytesSource('epoch_1.csv', new Uint8Array(text)), CLASSIC_REQUEST);
    assert.equal(a.layout.idColumn, 'email_id');
    assert.equal(a.layout.labelColumn, 'label');
    assert.deepEqual(a.layout.predictionColumns, ['p_spam']);
    assert.ok(a.layout.evidence.includes('id column "email_id" (its name is built like an id\'s; its 256 values in the first rows are distinct): files are matched by it (compare, run)'), a.layout.evidence.join('\n'));
  });

  it('the names evaluation scripts write: id, idx (GLUE), guid, example_id, image_id, file_name (imagefolder), path, filename, imageId, img_path, doc_uid', () => {
    for (const name of ['id', 'idx', 'guid', 'example_id', 'image_id', 'file_name', 'path', 'filename', 'imageId', 'img_path', 'doc_uid', 'index', 'key', 'sample', 'uuid']) {
      const l = layout([name, 'label', 'p_0', 'p_1'], (i) => [name.includes('path') || name.includes('file') ? `imgs/${i}.png` : `s${shuffled(i)}`, i % 2, 0.3, 0.7]);
      assert.equal(l.idColumn, name, name);
      assert.equal(idEvidence(l).length, 1, name);
    }
    // Whole numbers under an id's name are ids too, in row order or not; row numbers are said to be no more than that.
    const rows = layout(['sample_id', 'label', 'p_1'], (i) => [i, i % 2, 0.4]);
    assert.equal(rows.idColumn, 'sample_id');
    assert.ok(rows.evidence.includes('id column "sample_id" (a usual name for ids; its 40 values in the first rows are distinct; they are the row numbers, which say nothing of the samples: matching by "sample_id" is matching by order unless another file\'s rows are in another order): files are matched by it (compare, run)'), rows.evidence.join('\n'));
    assert.equal(layout(['label', 'p_1', 'question_id'], (i) => [i % 2, 0.4, 1000 + shuffled(i)]).idColumn, 'question_id');
  });

  it('pandas\' unnamed index: an id when it is not the row number (a shuffled or filtered frame), nothing when it is', () => {
    assert.equal(layout(['', 'label', 'p_1'], (i) => [i, i % 2, 0.4]).idColumn, undefined);
    assert.equal(layout(['Unnamed: 0', 'label', 'p_1'], (i) => [i + 1, i % 2, 0.4]).idColumn, undefined);
    const l = layout(['', 'label', 'p_1'], (i) => [shuffled(i), i % 2, 0.4]);
    assert.equal(l.idColumn, '');
    assert.ok(l.evidence.includes('id column "" (unnamed): pandas\' index, not the row numbers (a shuffled or filtered frame\'s row labels): files are matched by it (compare, run)'));
  });

  it('never the label, predicted classes, a score, a vector or a group', () => {
    const labelId = layout(['label_id', 'pred_id', 'p_0', 'p_1'], (i) => [i % 2, (i + 1) % 2, 0.3, 0.7]);
    assert.equal(labelId.labelColumn, 'label_id');
    assert.equal(labelId.hardPredictionColumn, 'pred_id');
    assert.equal(labelId.idColumn, undefined);
    // Fractions are scores whatever the name.
    assert.equal(layout(['label', 'p_1', 'run_id'], (i) => [i % 2, 0.4, i / 7]).idColumn, undefined);
    // A tokenizer's input_ids is a vector per row, and not an id's name.
    assert.equal(layout(['label', 'probs', 'input_ids'], (i) => [i % 2, [0.3, 0.7], [101, i, 102]]).idColumn, undefined);
    // user_id repeats: a group of samples, said.
    const group = layout(['user_id', 'label', 'p_1'], (i) => [`u${i % 5}`, i % 2, 0.4]);
    assert.equal(group.idColumn, undefined);
    assert.ok(group.evidence.includes('column "user_id" has an id\'s name but repeats a value in the first rows (rows 1 and 6): a group, not one sample each; not used as the id'));
    // A plain id name keeps its repeat, for matching to refuse with both lines.
    assert.equal(layout(['id', 'label', 'p_1'], (i) => [`s${i % 5}`, i % 2, 0.4]).idColumn, 'id');
    // Few rows of whole numbers under a built name may be the classes: the label, not an id.
    const few = inferLayout({ format: 'csv', columns: ['intent_id', 'p_0', 'p_1', 'p_2'], rows: [[0, 0.2, 0.3, 0.5], [1, 0.2, 0.3, 0.5], [2, 0.2, 0.3, 0.5]], lines: [2, 3, 4] });
    assert.equal(few.labelColumn, 'intent_id');
    assert.equal(few.idColumn, undefined);
    // Row numbers under no id's name are no id.
    assert.equal(layout(['sample_nr', 'label', 'p_1'], (i) => [i, i % 2, 0.4]).idColumn, undefined);
  });

  it('--id-column NAME: taken as said; refused naming the columns when missing, or when it is the label', () => {
    const l = layout(['name', 'label', 'p_1'], (i) => [`n${i % 3}`, i % 2, 0.4], { idColumn: 'name' });
    assert.equal(l.idColumn, 'name');
    assert.ok(l.evidence.includes('id column "name" (set by the user)'));
    assert.throws(() => layout(['id', 'label', 'p_1'], (i) => [i, i % 2, 0.4], { idColumn: 'file' }), (e: unknown) => {
      assert.ok(e instanceof LayoutError);
      assert.equal(e.message, 'id column "file" not found; the columns are: id, label, p_1');
      return true;
    });
    assert.throws(() => layout(['id', 'label', 'p_1'], (i) => [i, i % 2, 0.4], { idColumn: 'label' }), /id column "label" is the label column: name another with --id-column NAME; the columns are: id, label, p_1/);
  });
});
