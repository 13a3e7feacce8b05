/**
 * Probability rows that do not sum to 1: a warning on each row (bounded), the quick fixes it
 * offers, and the per-file "renormalise rows on read" choice reaching the loss and the CodeLens.
 * Reference means from scikit-learn 1.2.1 (/usr/bin/python3), whose log_loss renormalises rows:
 *
 *   P = [[.25,.45,.2],[.5,.4,.3],[.1,.1,.8],[.35,.25,.3],[.7,.2,.1],[.25,.5,.25],[.05,.15,.8]]
 *   y = [1,0,2,2,0,1,2]
 *   log_loss(y, P, labels=[0,1,2])                 -> 0.5947624905298644 (renormalised)
 *   np.mean(-np.log(P[np.arange(7), y]))           -> 0.5988195583186785 (as they are)
 *
 * Rows sum to 0.9 and 1.2 with two decimals: beyond what rounding to the digits written explains.
 */
import { strict as assert } from 'node:assert';
import type { AnalysisRequest } from '../../src/core/analyze';
import { indexDocument, MAX_ROW_SUM_WARNINGS, renormalises } from '../../src/core/explain';
import { codeLensTitle } from '../../src/extension/explain/codelens-content';
import { classifyProblem, diagnosticSpecs } from '../../src/extension/explain/diagnostic-content';
import { buildIndex } from '../../src/extension/explain/document-index';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

const CSV = [
  'label,p_0,p_1,p_2',
  '1,0.25,0.45,0.2',
  '0,0.5,0.4,0.3',
  '2,0.1,0.1,0.8',
  '2,0.35,0.25,0.3',
  '0,0.7,0.2,0.1',
  '1,0.25,0.5,0.25',
  '2,0.05,0.15,0.8',
  '',
].join('\n');
const RENORMALISED_MEAN = 0.5947624905298644;
const AS_IS_MEAN = 0.5988195583186785;

const request = (over: Partial<AnalysisRequest['loss']> = {}): AnalysisRequest => {
  const r = requestFor(DEFAULT_CONFIG, {});
  return { ...r, loss: { ...r.loss, ...over } };
};
const lines = (text: string) => (n: number): string | undefined => text.split('\n')[n - 1];
const close = (a: number | undefined, b: number): void => assert.ok(a !== undefined && Math.abs(a - b) <= 1e-15, `${a} vs ${b}`);

describe('explain: rows that do not sum to 1, and renormalising them on read', function () {
  it('warns on each row whose probabilities do not sum to 1, at the row, as the editor index does too', async () => {
    const index = await indexDocument(CSV, 'rows.csv', request());
    assert.equal(index.layout?.input, 'probs');
    close(index.analysis?.value, AS_IS_MEAN);
    assert.deepEqual(index.rowSumProblems, [
      { line: 2, message: 'the probabilities on this row sum to 0.9, not 1 (the loss takes them as they are)', severity: 'warning' },
      { line: 3, message: 'the probabilities on this row sum to 1.2, not 1 (the loss takes them as they are)', severity: 'warning' },
      { line: 5, message: 'the probabilities on this row sum to 0.9, not 1 (the loss takes them as they are)', severity: 'warning' },
    ]);
    assert.equal(index.rowSumCount, 3);
    // Warnings, not skipped rows: every row still counts.
    assert.equal(index.problems.length, 0);
    assert.equal(codeLensTitle(index), 'Loss Lens: mean CE 0.5988 nats over 7 samples (preset classic)');
    const { index: built } = await buildIndex(CSV, 'rows.csv', request());
    assert.deepEqual(built.rowSumProblems, index.rowSumProblems);
  });

  it('a warning underlines the row, and offers "renormalise rows on read" first, then "read as logits"', async () => {
    const index = await indexDocument(CSV, 'rows.csv', request());
    const specs = diagnosticSpecs(index, 'csv', ',', lines(CSV));
    assert.deepEqual(specs.map((s) => [s.line, s.start, s.end, s.code, s.severity, s.fixes.join(' ')]), [
      [1, 0, 15, 'row-sum', 'warning', 'renormalise read-as-logits'],
      [2, 0, 13, 'row-sum', 'warning', 'renormalise read-as-logits'],
      [4, 0, 15, 'row-sum', 'warning', 'renormalise read-as-logits'],
    ]);
    assert.equal(classifyProblem(index.rowSumProblems[0]!.message), 'row-sum');
  });

  it('merges with the reader\'s problems in line order, bounded, with a summary for the rest', async () => {
    // 30 rows summing to 0.9 after 40 that sum to 1 (so the file still reads as probabilities), and a bad value.
    const rows = ['label,p_0,p_1'];
    for (let i = 0; i < 40; i++) rows.push('0,0.75,0.25');
    rows.push('0,abc,0.5');
    for (let i = 0; i < 30; i++) rows.push('1,0.45,0.45');
    const text = rows.join('\n') + '\n';
    const index = await indexDocument(text, 'many.csv', request());
    assert.equal(index.rowSumProblems.length, MAX_ROW_SUM_WARNINGS);
    assert.equal(index.rowSumCount, 30);
    const specs = diagnosticSpecs(index, 'csv', ',', lines(text));
    assert.deepEqual(specs.slice(0, 2).map((s) => [s.line, s.code]), [[41, 'not-a-number'], [42, 'row-sum']]);
    assert.equal(specs.length, 21);
    assert.deepEqual([specs[20]?.code, specs[20]?.message], ['more', '11 more problems in this file not listed (the first 20 are)']);
  });

  it('no warning when the loss renormalises (the file\'s choice, or Keras), nor for logits', async () => {
    for (const over of [{ renormalise: true }, { preset: 'keras' as const }]) {
      const index = await indexDocument(CSV, 'rows.csv', request(over));
      assert.deepEqual([index.rowSumProblems, index.rowSumCount], [[], 0], JSON.stringify(over));
    }
    const logits = await indexDocument(CSV, 'rows.csv', { ...request(), overrides: { input: 'logits' } });
    assert.equal(logits.rowSumCount, 0);
    assert.equal(renormalises({ preset: 'keras', renormalise: false }), false);
    assert.equal(renormalises({ preset: 'classic' }), false);
  });

  it('the per-file choice reaches the request, the mean (scikit-learn\'s) and the CodeLens', async () => {
    const r = requestFor(DEFAULT_CONFIG, { renormalise: true });
    assert.equal(r.loss.renormalise, true);
    assert.equal('renormalise' in requestFor(DEFAULT_CONFIG, {}).loss, false);
    const index = await indexDocument(CSV, 'rows.csv', r);
    close(index.analysis?.value, RENORMALISED_MEAN);
    assert.equal(codeLensTitle(index), 'Loss Lens: mean CE 0.5948 nats over 7 samples (preset classic) · rows renormalised');
    // Keras renormalises anyway: nothing to say.
    const keras = await indexDocument(CSV, 'rows.csv', requestFor(DEFAULT_CONFIG, { renormalise: true, preset: 'keras' }));
    assert.equal(codeLensTitle(keras), 'Loss Lens: mean CE 0.5948 nats over 7 samples (preset keras)');
  });
});
