/**
 * On a file above lossLens.extraPasses.autoMaxMillionScores the temperature and the label-error
 * search are offered, not run: each section says the file's size and what it would cost, and its
 * button asks for that one diagnostic.
 */
import assert from 'node:assert/strict';
import { closeWindows, dataOf, harness, q, reportOf } from './webview-helpers';

describe('dashboard: diagnostics offered on a large file', () => {
  after(closeWindows);

  it('offers each section its button, which posts its key once', async () => {
    const report = await reportOf('samples/digits.csv');
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(report, { diagnosing: [], offered: ['temperature', 'labelIssues'] }) });
    const scores = (report.rows * report.layout.numClasses).toLocaleString('en-US');
    assert.equal(q(h.root, '[data-testid="temperature-offered"] p').textContent, `Not worked out by itself on a file of ${scores} scores: fitting it takes up to four more passes over the rows.`);
    assert.equal(q(h.root, '[data-testid="labelIssues-offered"] p').textContent, `Not worked out by itself on a file of ${scores} scores: it takes four or more passes over the rows.`);
    h.posted.length = 0;
    const fit = q(h.root, '[data-testid="temperature-run"]') as HTMLButtonElement;
    assert.equal(fit.textContent, 'Fit the temperature');
    fit.click();
    fit.click();
    assert.deepEqual(h.posted, [{ type: 'diagnose', key: 'temperature' }]);
  });

  it('a section being worked out shows its progress, the other still its button', async () => {
    const report = await reportOf('samples/digits.csv');
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(report, { diagnosing: ['temperature'], offered: ['labelIssues'] }) });
    assert.ok(h.root.querySelector('[data-testid="temperature-pending"]'));
    assert.equal(h.root.querySelector('[data-testid="temperature-offered"]'), null);
    assert.ok(h.root.querySelector('[data-testid="labelIssues-run"]'));
  });
});
