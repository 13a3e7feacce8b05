/**
 * Compare With...'s statistics in the dashboard: the interval, McNemar's p-value, the fixed and
 * broken samples (a click opens the line and its derivation) and each class's interval, as
 * src/core/compare computes them for test/fixtures/compare/a.csv and b.csv; and a refusal.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { compareOrRefuse, formatP, sampleCollector, type CompareOutcome } from '../../src/core/compare';
import { compareSide } from '../../src/core/compare/side';
import { analyze } from '../../src/core/analyze';
import { reportJson } from '../../src/core/report-json';
import { bytesSource } from '../../src/core/parse';
import { CLASSIC_REQUEST } from './breakdown-helpers';
import { closeWindows, dataOf, harness, q, texts } from './webview-helpers';

async function read(path: string) {
  const c = sampleCollector();
  const analysis = await analyze(bytesSource(path, new Uint8Array(readFileSync(path))), CLASSIC_REQUEST, { onEval: c.onEval, onLayout: c.onLayout });
  return { analysis, side: compareSide(path.split('/').pop()!, analysis, c.result()) };
}

async function comparison(other: string): Promise<{ outcome: CompareOutcome; base: ReturnType<typeof dataOf>; otherData: ReturnType<typeof dataOf> }> {
  const a = await read('test/fixtures/compare/a.csv');
  const b = await read(`test/fixtures/compare/${other}`);
  return {
    outcome: compareOrRefuse(a.side, b.side).outcome,
    base: dataOf(reportJson(a.analysis), { label: 'a.csv' }),
    otherData: dataOf(reportJson(b.analysis), { label: other }),
  };
}

describe('webview: Compare With... statistics', () => {
  after(closeWindows);

  it('shows the interval, the p-value, fixed and broken samples and each class interval; a click opens the line', async () => {
    const { outcome, base, otherData } = await comparison('b.csv');
    assert.ok('stats' in outcome);
    const s = outcome.stats;
    const h = harness();
    h.dashboard.handle({ type: 'comparison', comparison: { base, other: otherData, changed: [], outcome } });
    const iv = q(h.root, '[data-testid="compare-interval"]');
    assert.equal(Number(iv.getAttribute('data-low')), s.mean.interval[0]);
    assert.equal(Number(iv.getAttribute('data-high')), s.mean.interval[1]);
    assert.match(iv.textContent ?? '', /^-0\.1\d{3} to -0\.0\d{3}$/);
    assert.equal(q(h.root, '[data-testid="compare-p"]').textContent, formatP(s.correctness!.p, s.correctness!.log10p));
    assert.equal(q(h.root, '[data-testid="compare-fixed-count"]').textContent, '67');
    assert.equal(q(h.root, '[data-testid="compare-broken-count"]').textContent, '23');
    assert.equal(q(h.root, '[data-testid="compare-mean-verdict"]').textContent, s.mean.text);
    assert.match(q(h.root, '[data-testid="compare-mcnemar-verdict"]').textContent ?? '', /fixes 67 samples and breaks 23/);
    assert.match(q(h.root, '[data-testid="compare-matching"]').textContent ?? '', /^Rows were matched by the id column "id" \(both files have it\): 600 samples in both\.$/);
    assert.equal(h.root.querySelectorAll('[data-testid="compare-fixed-table-row"]').length, 67);
    // dog's interval holds 0: said in words.
    assert.deepEqual(texts(h.root, '[data-testid="compare-class-row"] [data-col="interval"]').map((t) => t.endsWith('within noise')), [false, true, false]);
    h.posted.length = 0;
    (q(h.root, '[data-testid="compare-match-by"]') as HTMLElement).click();
    assert.deepEqual(h.posted, [{ type: 'matchBy' }]);
    h.posted.length = 0;
    const first = s.fixed[0]!;
    (h.root.querySelector('[data-testid="compare-fixed-table-row"]') as HTMLElement).click();
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: first.lineA }, { type: 'selectSample', row: first.row, line: first.lineA }]);
  });

  it('says why files that do not pair are not compared sample by sample, and lists no samples', async () => {
    const { outcome, base, otherData } = await comparison('b_relabelled.csv');
    assert.ok('refused' in outcome);
    const h = harness();
    h.dashboard.handle({ type: 'comparison', comparison: { base, other: otherData, changed: [], outcome } });
    assert.match(q(h.root, '[data-testid="compare-refused"]').textContent ?? '', /^The labels disagree at row 7: line 8 of a\.csv/);
    assert.equal(h.root.querySelector('[data-testid="compare-interval"]'), null);
    assert.equal(h.root.querySelector('#compare-changed'), null);
    // The refusal offers the editor's way out: Match samples by... asks the extension for a quick pick.
    h.posted.length = 0;
    (q(h.root, '[data-testid="compare-match-by"]') as HTMLElement).click();
    assert.deepEqual(h.posted, [{ type: 'matchBy' }]);
  });
});
