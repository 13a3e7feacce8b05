/**
 * Likely label errors against the numpy reimplementation of confident learning in
 * scripts/fixtures/gen_label_issues.py, on real data with known flips (test/fixtures/label-issues/).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Analysis, type AnalysisRequest } from '../../src/core/analyze';
import { dataRowReader, runDiagnostics } from '../../src/core/diagnostics';
import { LowestScores } from '../../src/core/diagnostics/issue-heap';
import { findLabelIssues, type LabelIssue, type LabelIssuesReport } from '../../src/core/diagnostics/label-issues';
import { pruneCounts, type IssueFilter } from '../../src/core/diagnostics/confident-learning';
import { RowBatch } from '../../src/core/batch';
import { bytesSource } from '../../src/core/parse';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = join(__dirname, '..', 'fixtures', 'label-issues');

/** One filter's flagged rows in the reference. */
interface Flagged {
  issueCount: number;
  issuesPerClass: number[];
  suggested: Record<string, number>;
  bySelfConfidence: number[];
  byNormalizedMargin: number[];
  selfConfidence: Record<string, number>;
  normalizedMargin: Record<string, number>;
  truePositives: number;
  precision: number;
  recall: number;
}

/** The default filter's (prune by noise rate) flagged rows at the top level, confident learning's beside. */
interface Reference extends Flagged {
  file: string;
  rows: number;
  noise: number;
  flipped: number[];
  thresholds: (number | null)[];
  labelCounts: number[];
  confidentJoint: number[][];
  unconfident: number;
  calibrated: number[][];
  pruneCounts: number[][];
  noiseRate: number[];
  overallNoiseRate: number;
  confidentLearning: Flagged;
}

const STEMS = ['digits_noise10', 'digits_noise20', 'satellite_noise10', 'satellite_noise20', 'breast_cancer_noise10', 'breast_cancer_noise20'];

async function run(text: string, name: string, request: AnalysisRequest = CLASSIC_REQUEST, listed?: number, filter?: IssueFilter): Promise<{ analysis: Analysis; report: LabelIssuesReport }> {
  const analysis = await analyze(bytesSource(name, text), request);
  const reader = dataRowReader(analysis, request, [analysis.layout], (_, read) => read(bytesSource(name, text), undefined));
  return { analysis, report: await findLabelIssues(analysis, reader, undefined, listed, filter) };
}

/** The report's joint (its cells not 0) as a dense K x K matrix, as a script would rebuild it. */
function dense(report: LabelIssuesReport, column: 'count' | 'calibrated'): number[][] {
  const K = report.joint.classes;
  const at = report.joint.columns.indexOf(column);
  const m = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (const cell of report.joint.cells) m[cell[0]]![cell[1]] = cell[at]!;
  return m;
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

function checkAgainst(report: LabelIssuesReport, ref: Reference): void {
  assert.equal(report.rows, ref.rows);
  assert.deepEqual(report.labelCounts, ref.labelCounts);
  report.thresholds.forEach((t, j) => close(t, ref.thresholds[j]!, 1e-12, `t_${j}`));
  assert.deepEqual(dense(report, 'count'), ref.confidentJoint);
  assert.equal(report.unconfident, ref.unconfident);
  dense(report, 'calibrated').forEach((row, i) => row.forEach((c, j) => close(c, ref.calibrated[i]![j]!, 1e-9, `calibrated[${i}][${j}]`)));
  report.noiseRate.forEach((r, i) => close(r, ref.noiseRate[i]!, 1e-12, `noise rate ${i}`));
  close(report.overallNoiseRate, ref.overallNoiseRate, 1e-12, 'overall noise rate');
}

function checkFlagged(report: LabelIssuesReport, ref: Reference, want: Flagged): void {
  assert.equal(report.issueCount, want.issueCount);
  assert.deepEqual(report.issuesPerClass, want.issuesPerClass);
  assert.deepEqual(report.bySelfConfidence.map((i) => i.row), want.bySelfConfidence);
  assert.deepEqual(report.byNormalizedMargin.map((i) => i.row), want.byNormalizedMargin);
  for (const issue of report.bySelfConfidence) {
    assert.equal(issue.line, issue.row + 2);
    assert.equal(issue.suggested, want.suggested[String(issue.row)]);
    close(issue.selfConfidence, want.selfConfidence[String(issue.row)]!, 0, `self-confidence of row ${issue.row}`);
    close(issue.normalizedMargin, want.normalizedMargin[String(issue.row)]!, 1e-15, `margin of row ${issue.row}`);
  }
  // The flagged rows against the true flips: the figures the README reports.
  const flipped = new Set(ref.flipped);
  const tp = report.bySelfConfidence.filter((i) => flipped.has(i.row)).length;
  assert.equal(tp, want.truePositives);
  close(tp / report.issueCount, want.precision, 1e-12, 'precision');
  close(tp / flipped.size, want.recall, 1e-12, 'recall');
}

describe('likely label errors (confident learning) on real data with known flips', () => {
  for (const stem of STEMS) {
    it(`${stem}: thresholds, the joint, its calibration, noise rates, and both filters' flagged rows in both rankings equal numpy's`, async () => {
      const ref = JSON.parse(readFileSync(join(DIR, `${stem}.json`), 'utf8')) as Reference;
      const text = readFileSync(join(DIR, ref.file), 'utf8');
      // A list longer than every issue count, so both orders are pinned whole.
      const { report } = await run(text, ref.file, CLASSIC_REQUEST, 5000);
      assert.equal(report.filter, 'prune-by-noise-rate');
      checkAgainst(report, ref);
      assert.deepEqual(Array.from(pruneCounts(dense(report, 'calibrated'))), ref.pruneCounts.flat());
      checkFlagged(report, ref, ref);
      const cl = (await run(text, ref.file, CLASSIC_REQUEST, 5000, 'confident-learning')).report;
      assert.equal(cl.filter, 'confident-learning');
      checkAgainst(cl, ref);
      checkFlagged(cl, ref, ref.confidentLearning);
    });
  }

  it('at 10% noise: at least 0.8 precision and recall with the default filter on digits and breast cancer, not on Landsat', () => {
    const read = (stem: string) => JSON.parse(readFileSync(join(DIR, `${stem}.json`), 'utf8')) as Reference;
    for (const stem of ['digits_noise10', 'breast_cancer_noise10']) {
      const ref = read(stem);
      assert.ok(ref.precision >= 0.8 && ref.recall >= 0.8, `${stem}: precision ${ref.precision}, recall ${ref.recall}`);
    }
    // The README's miss: 808 Landsat rows flagged for 644 flips (precision 0.710); its model is right on 91% of the rows.
    const satellite = read('satellite_noise10');
    assert.ok(satellite.precision < 0.8 && satellite.recall >= 0.8, `precision ${satellite.precision}, recall ${satellite.recall}`);
  });

  it('reads logits through a softmax: the same joint and issues from log-probabilities', async () => {
    const ref = JSON.parse(readFileSync(join(DIR, 'digits_noise10.json'), 'utf8')) as Reference;
    const lines = readFileSync(join(DIR, ref.file), 'utf8').trim().split('\n');
    // Rows of the fixture sum to 1 within its 7 digits, so the softmax of their logs is them within
    // ~1e-7; the forest's probabilities of 0 become logits of -700 (e^-700 is 1e-304: 0 beside the rest).
    const logits = [lines[0]!.replace(/p_/g, 'logit_'), ...lines.slice(1).map((l) => {
      const [label, ...p] = l.split(',');
      return [label, ...p.map((v) => String(Number(v) === 0 ? -700 : Math.log(Number(v))))].join(',');
    })].join('\n');
    // The confident-learning filter: prune by noise rate cuts each cell at a margin where the
    // forest's probabilities tie, and the softmax moves ties by ~1e-7 (one row more at a cutoff).
    const { analysis, report } = await run(logits, 'logits.csv', CLASSIC_REQUEST, 5000, 'confident-learning');
    assert.equal(analysis.layout.input, 'logits');
    assert.deepEqual(dense(report, 'count'), ref.confidentJoint);
    // The same rows flagged; their order may differ among tied probabilities.
    const sorted = (rows: number[]) => rows.slice().sort((x, y) => x - y);
    assert.deepEqual(sorted(report.bySelfConfidence.map((i) => i.row)), sorted(ref.confidentLearning.bySelfConfidence));
  });

  it('keeps the lowest-scoring issues in a bounded list while counting all of them', async () => {
    const ref = JSON.parse(readFileSync(join(DIR, 'satellite_noise20.json'), 'utf8')) as Reference;
    const { report } = await run(readFileSync(join(DIR, ref.file), 'utf8'), ref.file, CLASSIC_REQUEST, 25);
    assert.equal(report.issueCount, ref.issueCount);
    assert.deepEqual(report.bySelfConfidence.map((i: LabelIssue) => i.row), ref.bySelfConfidence.slice(0, 25));
    assert.deepEqual(report.byNormalizedMargin.map((i: LabelIssue) => i.row), ref.byNormalizedMargin.slice(0, 25));
  });

  it('the heap keeps the n lowest scores, ties to the earlier row, whatever the order of arrival', () => {
    const scores = [0.5, 0.1, 0.9, 0.1, 0.3, 0.5, 0.05, 0.3, 0.7, 0.1];
    const heap = new LowestScores(4);
    const at: number[] = [];
    scores.forEach((s, ordinal) => {
      if (heap.admits(s)) at[heap.insert(s, ordinal)] = ordinal;
    });
    assert.deepEqual(heap.sortedSlots().map((slot) => at[slot]), [6, 1, 3, 9]);
  });

  it('leaves out rows of the ignore index and counts them', async () => {
    // The readers refuse an ignore index in a label column today; the RowReader contract allows it, so it is fed directly.
    const rows: [number, number, number][] = [[0, 0.9, 0.1], [1, 0.2, 0.8], [-100, 0.5, 0.5], [0, 0.1, 0.9], [1, 0.7, 0.3]];
    const { analysis } = await run('label,p0,p1\n0,0.9,0.1\n1,0.2,0.8\n', 'two.csv');
    const batch = new RowBatch(2);
    rows.forEach(([label, p0, p1], i) => {
      batch.labels[i] = label;
      batch.preds.set([p0, p1], 2 * i);
      batch.rows[i] = i;
      batch.lines[i] = i + 2;
    });
    batch.size = rows.length;
    const reader = { pass: (onRows: (rows: RowBatch, file: number) => void) => Promise.resolve(onRows(batch, 0)) };
    const report = await findLabelIssues({ ...analysis, options: { ...analysis.options, ignoreIndex: -100 } }, reader);
    assert.equal(report.rows, 4);
    assert.equal(report.leftOut, 1);
    // t = [(0.9 + 0.1) / 2, (0.8 + 0.3) / 2]: rows 3 and 4 (lines 5 and 6) sit confidently in the other class.
    assert.deepEqual(report.thresholds, [0.5, 0.55]);
    assert.deepEqual(dense(report, 'count'), [[1, 1], [1, 1]]);
    assert.deepEqual(report.bySelfConfidence.map((i) => [i.line, i.given, i.suggested]), [[5, 0, 1], [6, 1, 0]]);
  });

  it('is unavailable for multi-label files, saying why', async () => {
    const text = 'y_0,y_1,p_0,p_1\n1,0,0.9,0.2\n0,1,0.3,0.8\n1,1,0.6,0.7\n';
    const analysis = await analyze(bytesSource('ml.csv', text), { ...CLASSIC_REQUEST, overrides: { kind: 'multilabel' } });
    assert.equal(analysis.layout.kind, 'multilabel');
    const never = { pass: () => Promise.reject(new Error('not read')) };
    const out = await runDiagnostics(analysis, CLASSIC_REQUEST, never, ['labelIssues']);
    assert.equal(out.results.labelIssues, undefined);
    assert.match(out.unavailable.labelIssues ?? '', /one given class per row: multi-label/);
  });
});
