/** The dashboard's likely label errors section, in happy-dom, on a fixture with known flips. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/core/analyze';
import { dataRowReader } from '../../src/core/diagnostics';
import { findLabelIssues } from '../../src/core/diagnostics/label-issues';
import { bytesSource } from '../../src/core/parse';
import { reportJson, type ReportJson } from '../../src/core/report-json';
import { closeWindows, dataOf, harness, q, reportOf, request, texts } from './webview-helpers';

const FILE = 'test/fixtures/label-issues/digits_noise10.csv';
const ref = JSON.parse(readFileSync(FILE.replace('.csv', '.json'), 'utf8')) as { issueCount: number; bySelfConfidence: number[]; byNormalizedMargin: number[]; noiseRate: number[] };

async function diagnosed(): Promise<ReportJson> {
  const text = readFileSync(FILE, 'utf8');
  const analysis = await analyze(bytesSource(FILE, text), request());
  const reader = dataRowReader(analysis, request(), [analysis.layout], (_, read) => read(bytesSource(FILE, text), undefined));
  analysis.diagnostics = { results: { labelIssues: await findLabelIssues(analysis, reader) }, unavailable: {} };
  return reportJson(analysis);
}

describe('dashboard: likely label errors', () => {
  let report: ReportJson;
  before(async () => {
    report = await diagnosed();
  });
  after(closeWindows);

  it('lists the noise rate per class and the first 100 issues by self-confidence', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(report) });
    assert.equal(q(h.root, '[data-testid="label-issues-summary"]').getAttribute('data-count'), String(ref.issueCount));
    const rates = [...h.root.querySelectorAll('[data-testid="label-noise-row"] [data-col="noiseRate"]')].map((c) => Number(c.getAttribute('data-value')));
    assert.deepEqual(rates, ref.noiseRate);
    const rows = [...h.root.querySelectorAll('[data-testid="label-issue-row"]')].map((r) => Number(r.getAttribute('data-row')));
    assert.deepEqual(rows, ref.bySelfConfidence.slice(0, 100));
  });

  it('opens an issue\'s line and its derivation on click, re-ranks by normalized margin, and exports that ranking', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(report) });
    const first = q(h.root, '[data-testid="label-issue-row"]') as HTMLElement;
    h.posted.length = 0;
    first.click();
    const row = ref.bySelfConfidence[0]!;
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: row + 2 }, { type: 'selectSample', row, line: row + 2 }]);
    const select = q(h.root, '[data-testid="label-issues-ranking"]') as HTMLSelectElement;
    select.value = 'normalized-margin';
    select.dispatchEvent(new h.win.Event('change') as unknown as Event);
    const rows = [...h.root.querySelectorAll('[data-testid="label-issue-row"]')].map((r) => Number(r.getAttribute('data-row')));
    assert.deepEqual(rows, ref.byNormalizedMargin.slice(0, 100));
    h.posted.length = 0;
    (q(h.root, '[data-testid="export-label-issues"]') as HTMLElement).click();
    assert.deepEqual(h.posted, [{ type: 'command', command: 'exportReport', format: 'issues-margin' }]);
  });

  it('says which filter flagged the rows and switches it (lossLens.labelIssues.filter, through the host)', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(report) });
    const select = q(h.root, '[data-testid="label-issues-filter"]') as HTMLSelectElement;
    assert.equal(select.value, 'prune-by-noise-rate');
    assert.match(texts(h.root, '#label-issues p').join(' '), /prune by noise rate/);
    h.posted.length = 0;
    select.value = 'confident-learning';
    select.dispatchEvent(new h.win.Event('change') as unknown as Event);
    assert.deepEqual(h.posted, [{ type: 'labelIssuesFilter', filter: 'confident-learning' }]);
  });

  it('says the passes are running, or why there are none', async () => {
    const plain = await reportOf('samples/digits.csv');
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(plain, { diagnosing: ['labelIssues'] }) });
    assert.match(texts(h.root, '[data-testid="label-issues-pending"]')[0] ?? '', /four or more passes/);
    h.dashboard.handle({ type: 'data', data: dataOf({ ...plain, diagnostics: { results: {}, unavailable: { labelIssues: 'likely label errors need one given class per row' } } }) });
    assert.match(texts(h.root, '[data-testid="label-issues-unavailable"]')[0] ?? '', /one given class per row/);
    h.dashboard.handle({ type: 'data', data: dataOf(plain) });
    assert.equal(h.root.querySelector('#label-issues'), null);
  });
});
