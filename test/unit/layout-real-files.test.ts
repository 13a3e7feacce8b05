/**
 * Layout inference on the shapes real ML code writes (issue 12): each test is a file as pandas,
 * numpy, scikit-learn or Keras write it, and the reading a user meant, targets as read included.
 */
import { strict as assert } from 'node:assert';
import { bytesSource } from '../../src/core/parse/memory-source';
import { analyze } from '../../src/core/analyze';
import { readText } from './parse-helpers';
import { CLASSIC_REQUEST } from './breakdown-helpers';

/** Rows of `k` probabilities whose largest is on `hot`, with `digits` decimals. */
function probs(k: number, hot: number, digits = 6): string[] {
  const rest = (1 - 0.7) / (k - 1);
  return Array.from({ length: k }, (_, i) => (i === hot ? 0.7 : rest).toFixed(digits));
}

const request = CLASSIC_REQUEST;

describe('layout inference on files as real code writes them', () => {
  it("takes pandas' unnamed index column for an index, not an eleventh class", async () => {
    const lines = [',0,1,2,true'];
    for (let i = 0; i < 30; i++) lines.push(`${i},${probs(3, i % 3).join(',')},${i % 3}`);
    const { result, rows } = await readText('p.csv', lines.join('\n') + '\n');
    assert.equal(result.ok, true);
    assert.deepEqual(result.layout.predictionColumns, ['0', '1', '2']);
    assert.equal(result.layout.labelColumn, 'true');
    assert.equal(result.layout.input, 'probs');
    assert.deepEqual(result.layout.classNames, ['0', '1', '2']);
    assert.equal(result.layout.labelEncoding, 'index');
    assert.deepEqual(rows.slice(0, 3).map((r) => r.target), [0, 1, 2]);
    assert.ok(result.layout.evidence.includes('column "" (unnamed) holds distinct whole numbers: a row index (as pandas\' to_csv writes it), not a prediction'));
  });

  it("reads R's write.table, whose header is one name short of its rows (row names), also with the layout given", async () => {
    const text = '"label","cat","dog"\n"1","cat",0.7,0.3\n"2","dog",0.2,0.8\n';
    const { result, rows } = await readText('r.csv', text);
    assert.equal(result.ok, true, result.problems.map((p) => p.message).join('\n'));
    assert.deepEqual(result.layout.columns, ['', 'label', 'cat', 'dog']);
    assert.deepEqual(result.layout.predictionColumns, ['cat', 'dog']);
    assert.deepEqual(rows.map((r) => [r.target, ...r.prediction]), [[0, 0.7, 0.3], [1, 0.2, 0.8]]);
    // As the workers read it: the layout decided, the header read again from the first line.
    const again = await readText('r.csv', text, { layout: result.layout });
    assert.deepEqual(again.rows, rows);
    assert.deepEqual(again.messages, []);
  });

  it('takes the `Unnamed: 0` of a round trip for an index too', async () => {
    const lines = ['Unnamed: 0,0,1,true'];
    for (let i = 0; i < 10; i++) lines.push(`${i},${probs(2, i % 2).join(',')},${i % 2}`);
    const { result } = await readText('r.csv', lines.join('\n') + '\n', { overrides: { kind: 'ce' } });
    assert.deepEqual(result.layout.predictionColumns, ['0', '1']);
  });

  it('never takes an id, an index or row numbers under another name for a class', async () => {
    for (const head of ['id', 'index', 'sample_nr']) {
      const lines = [`${head},cat,dog,label`];
      for (let i = 0; i < 30; i++) lines.push(`${100 + 3 * i},${i % 2 ? '0.7,0.3,cat' : '0.2,0.8,dog'}`);
      const { result } = await readText('i.csv', lines.join('\n') + '\n');
      assert.deepEqual(result.layout.predictionColumns, ['cat', 'dog'], head);
      assert.deepEqual(result.layout.classNames, ['cat', 'dog'], head);
    }
  });

  it('takes no summary column for a class (a row sum, the top probability)', async () => {
    for (const text of ['label,cat,dog,sum\ncat,0.7,0.3,1.0\ndog,0.2,0.8,1.0\n', 'label,prob_cat,prob_dog,prob_max\ncat,0.7,0.3,0.7\ndog,0.2,0.8,0.8\n']) {
      const { result } = await readText('s.csv', text);
      assert.deepEqual(result.layout.classNames, ['cat', 'dog'], text);
    }
  });

  it('takes the class set from the header when the rows are sorted by class', async () => {
    const names = ['airplane', 'automobile', 'bird', 'cat', 'deer'];
    const lines = [`label,${names.join(',')}`];
    for (let i = 0; i < 300; i++) lines.push(`airplane,${probs(5, 0).join(',')}`);
    lines.push(`deer,${probs(5, 4).join(',')}`);
    const { result, rows } = await readText('s.csv', lines.join('\n') + '\n');
    assert.equal(result.ok, true, result.problems.map((p) => p.message).join('\n'));
    assert.deepEqual(result.layout.classNames, names);
    assert.equal(rows[300]!.target, 4);
    assert.ok(
      result.layout.evidence.some((e) => e.includes('labels use 1 of the 5 class-named columns in the first 256 rows; the class set is taken from the header')),
      result.layout.evidence.join('\n'),
    );
  });

  it('matches integer labels 1..K to columns named 1..K', async () => {
    const lines = ['1,2,3,y'];
    for (let i = 0; i < 9; i++) lines.push(`${probs(3, i % 3).join(',')},${(i % 3) + 1}`);
    const { result, rows } = await readText('o.csv', lines.join('\n') + '\n');
    assert.deepEqual(result.layout.classNames, ['1', '2', '3']);
    assert.equal(result.layout.labelEncoding, 'name');
    assert.deepEqual(rows.slice(0, 3).map((r) => r.target), [0, 1, 2]);
  });

  it('matches labels 1..3 to columns class_1..class_3 by their numbers', async () => {
    const { result, rows } = await readText('c.csv', 'label,class_1,class_2,class_3\n1,0.7,0.2,0.1\n3,0.2,0.2,0.6\n2,0.1,0.8,0.1\n');
    assert.deepEqual(result.layout.classNames, ['1', '2', '3']);
    assert.deepEqual(rows.map((r) => r.target), [0, 2, 1]);
  });

  it('refuses percentages (rows summing to 100, or a score column in [0, 100]) rather than read them as logits', async () => {
    const { result, messages } = await readText('pct.csv', 'label,cat,dog,bird\ncat,70,20,10\ndog,10,80,10\nbird,25,25,50\n');
    assert.equal(result.ok, false);
    assert.match(messages[0]!, /^pct\.csv:2: rows of values in \[0, 100\] that sum to 100 in 3 of the first 3 rows \(line 2: up to 70\): percentages, not probabilities or logits .*--input logits$/);
    const lines = ['label,prob_pos'];
    for (let i = 0; i < 20; i++) lines.push(`${i % 2},${i % 2 ? 91.5 : 12.25}`);
    const binary = await readText('pctb.csv', lines.join('\n') + '\n');
    assert.match(binary.messages[0]!, /values in \[0, 100\], none below 0, above 1 in 20 of the first 20 rows .*percentages/);
    // The user's word wins: read as logits when told so.
    const told = await readText('pct.csv', 'label,cat,dog,bird\ncat,70,20,10\ndog,10,80,10\n', { overrides: { input: 'logits' } });
    assert.equal(told.result.ok, true);
  });

  it('reads log-probabilities of classes as logits (exact), and refuses one column of them (no sigmoid takes them)', async () => {
    const { result, rows } = await readText('lp.csv', 'label,logp_0,logp_1\n0,-0.105360516,-2.302585093\n1,-1.203972804,-0.356674944\n');
    assert.equal(result.layout.input, 'logits');
    assert.deepEqual(rows[0]!.prediction, [-0.105360516, -2.302585093]);
    const one = await readText('lp1.csv', 'label,log_prob\n1,-0.1\n0,-2.3\n');
    assert.equal(one.result.ok, false);
    assert.match(one.messages[0]!, /the column log_prob holds log-probabilities, as its name says: .* Write exp\(log p\) .*--input logits$/);
  });

  it("refuses a confidence of the predicted class (a Hugging Face pipeline's score) as a probability of one class", async () => {
    const lines = [];
    for (let i = 0; i < 12; i++) lines.push(JSON.stringify({ label: i % 3 ? 'POSITIVE' : 'NEGATIVE', score: 0.5 + (i % 5) / 10 }));
    const { result, messages } = await readText('pipe.jsonl', lines.join('\n') + '\n');
    assert.equal(result.ok, false);
    assert.match(messages[0]!, /^pipe\.jsonl:1:29: column score is at least 0\.5 on all 12 of the first rows while the labels name both classes: the confidence of the predicted class .*--input probs$/);
    const told = await readText('pipe.jsonl', lines.join('\n') + '\n', { overrides: { input: 'probs' } });
    assert.equal(told.result.ok, true);
  });

  it('refuses 1-based labels against columns counted from 0, naming --class-names', async () => {
    const lines = ['0,1,2,y'];
    for (let i = 0; i < 9; i++) lines.push(`${probs(3, i % 3).join(',')},${(i % 3) + 1}`);
    const { result, messages } = await readText('z.csv', lines.join('\n') + '\n');
    assert.equal(result.ok, false);
    assert.match(messages[0]!, /labels run from 1 to 3 in the first 9 rows, but the 3 prediction columns are named 0\.\.2: label 3 has no column\. If the labels count from 1, say so with --class-names 1,2,3$/);
  });

  it('reads -1/+1 labels beside an SVM decision function as a binary file of logits', async () => {
    const lines = ['y,decision_function'];
    for (let i = 0; i < 20; i++) lines.push(`${i % 2 ? '+1' : '-1'},${i % 2 ? 1.5 : -2.25}`);
    const { result, rows } = await readText('svm.csv', lines.join('\n') + '\n');
    assert.equal(result.layout.kind, 'bce');
    assert.equal(result.layout.input, 'logits');
    assert.deepEqual(result.layout.classNames, ['-1', '1']);
    assert.deepEqual(rows.slice(0, 2).map((r) => r.target), [0, 1]);
  });

  it('takes a score column named after a class as that class\'s probability (prob_benign: P(benign))', async () => {
    const lines = ['diagnosis,prob_benign', 'malignant,0.1', 'benign,0.8', 'benign,0.9'];
    const { result, rows } = await readText('b.csv', lines.join('\n') + '\n');
    assert.equal(result.layout.labelColumn, 'diagnosis');
    assert.deepEqual(result.layout.classNames, ['malignant', 'benign']);
    assert.deepEqual(rows.map((r) => r.target), [0, 1, 1]);
    assert.equal(result.layout.assumptions, undefined);
  });

  it('reads yes/no labels with columns no, yes by name', async () => {
    const lines = ['label,no,yes', 'yes,0.2,0.8', 'no,0.6,0.4', 'yes,0.1,0.9'];
    const { result, rows } = await readText('y.csv', lines.join('\n') + '\n');
    assert.deepEqual(result.layout.classNames, ['no', 'yes']);
    assert.deepEqual(rows.map((r) => r.target), [1, 0, 1]);
  });

  it('says which class an unnamed score column was taken for, and offers the other', async () => {
    const lines = ['label,score'];
    for (let i = 0; i < 20; i++) lines.push(i % 2 ? 'cat,0.9' : 'dog,0.2');
    const { result } = await readText('w.csv', lines.join('\n') + '\n');
    // Read as P(dog) (sorted order) the scores would be right on none of the rows: P(cat).
    assert.deepEqual(result.layout.classNames, ['dog', 'cat']);
    assert.equal(result.layout.assumptions?.length, 1);
    assert.deepEqual(result.layout.assumptions[0]!.other, { classNames: ['cat', 'dog'] });
    assert.equal(result.layout.assumptions[0]!.short, 'P(cat)');
  });

  it('accepts rows rounded to 2 decimals as probabilities (10 classes may sum to 1 +- 0.05)', async () => {
    const lines = ['label,' + Array.from({ length: 10 }, (_, i) => `p_${i}`).join(',')];
    for (let i = 0; i < 50; i++) lines.push(`${i % 10},0.73,0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03`);
    const { result } = await readText('r2.csv', lines.join('\n') + '\n');
    assert.equal(result.layout.input, 'probs');
    assert.equal(result.layout.assumptions, undefined);
    assert.ok(Math.abs(result.layout.rowSumTolerance! - 0.05) < 1e-9, String(result.layout.rowSumTolerance));
  });

  it('sets a y_pred column of predicted classes aside and reports how often the argmax agrees', async () => {
    const lines = ['label,p_0,p_1,p_2,y_pred'];
    for (let i = 0; i < 30; i++) lines.push(`${i % 3},${probs(3, i % 3).join(',')},${i === 7 ? 0 : i % 3}`);
    const a = await analyze(bytesSource('h.csv', lines.join('\n') + '\n'), request);
    assert.deepEqual(a.layout.predictionColumns, ['p_0', 'p_1', 'p_2']);
    assert.equal(a.layout.hardPredictionColumn, 'y_pred');
    assert.deepEqual(a.hardAgreement, { compared: 30, agree: 29, firstDisagreement: 9 });
  });

  it('warns when the argmax disagrees with the file\'s own predictions: the class order may be wrong', async () => {
    const lines = ['label,p_0,p_1,p_2,y_pred'];
    for (let i = 0; i < 30; i++) lines.push(`${i % 3},${probs(3, i % 3).join(',')},${(i + 1) % 3}`);
    const a = await analyze(bytesSource('h.csv', lines.join('\n') + '\n'), request);
    assert.equal(a.hardAgreement?.agree, 0);
    assert.match(a.warnings[0]!.message, /^the highest score names the class in column y_pred on only 0\.0% of 30 rows .*--class-names NAME1,NAME2,\.\.\.$/);
    assert.equal(a.warnings[0]!.line, 2);
  });

  it('pairs multi-label targets with their scores by name (action + action_prob)', async () => {
    const lines = ['id,action,comedy,drama,action_prob,comedy_prob,drama_prob', 'a,1,0,1,0.9,0.2,0.7', 'b,0,1,1,0.1,0.8,0.6', 'c,1,1,0,0.7,0.6,0.1'];
    const { result, rows } = await readText('m.csv', lines.join('\n') + '\n');
    assert.equal(result.layout.kind, 'multilabel');
    assert.deepEqual(result.layout.predictionColumns, ['action_prob', 'comedy_prob', 'drama_prob']);
    assert.deepEqual(result.layout.targetColumns, ['action', 'comedy', 'drama']);
    assert.deepEqual(result.layout.classNames, ['action', 'comedy', 'drama']);
    assert.deepEqual(rows[1]!.target, [0, 1, 1]);
  });

  it('pairs true_x with pred_x in the prediction columns\' order', async () => {
    const lines = ['pred_b,pred_a,true_a,true_b', '0.9,0.2,0,1', '0.1,0.8,1,1'];
    const { result, rows } = await readText('t.csv', lines.join('\n') + '\n');
    assert.equal(result.layout.kind, 'multilabel');
    assert.deepEqual(result.layout.targetColumns, ['true_b', 'true_a']);
    assert.deepEqual(rows[0]!.target, [1, 0]);
  });

  it('keeps the columns of a file it cannot make a layout of, for Choose Columns... to offer', async () => {
    const { result, messages } = await readText('n.csv', 'foo,bar,baz\n7,0.5,0.25\n');
    assert.equal(result.ok, false);
    assert.match(messages[0]!, /^n\.csv:1: no label column found/);
    assert.deepEqual(result.layout.columns, ['foo', 'bar', 'baz']);
    const json = await readText('n.json', '[{"foo": 7, "bar": 0.5, "baz": 0.25}]');
    assert.equal(json.result.ok, false);
    assert.deepEqual(json.result.layout.columns, ['foo', 'bar', 'baz']);
  });

  it('reports a later row of probabilities that does not sum to 1, with its line', async () => {
    const lines = ['label,p_0,p_1,p_2'];
    for (let i = 0; i < 300; i++) lines.push(`${i % 3},${probs(3, i % 3, 4).join(',')}`);
    lines.push('1,0.1,0.2,0.3');
    const a = await analyze(bytesSource('s.csv', lines.join('\n') + '\n'), request);
    assert.equal(a.warningCount, 1);
    assert.equal(a.warnings[0]!.line, 302);
    assert.match(a.warnings[0]!.message, /^probabilities sum to 0\.6, not 1 \(the layout was inferred from rows that sum to 1\): this row's loss is taken as written/);
  });
});
