import { strict as assert } from 'node:assert';
import type { ReportJson } from '../../src/core/report-json';
import type { ComparisonData } from '../../src/shared/protocol';
import { computedText } from '../../src/webview/sections/summary';
import { closeWindows, dataOf, harness, q, reportOf } from './webview-helpers';

const SAMPLE = { sampledRows: 48_213, sampledBytes: 4_194_304, totalBytes: 1_073_741_824, ranges: 16 };

describe('webview dashboard: where the numbers come from (estimate, cache) and the comparison state', () => {
  afterEach(closeWindows);
  let digits: ReportJson;
  let binary: ReportJson;
  before(async () => {
    digits = await reportOf('samples/digits.csv');
    binary = await reportOf('samples/binary.csv');
  });

  it('labels a sampled estimate as one, with its rows and what was read, and lists no worst-sample lines', () => {
    const h = harness();
    h.send({ type: 'data', data: dataOf(digits, { estimate: SAMPLE, elapsedMs: 240 }) });
    const note = q(h.root, '[data-testid="estimate"]');
    assert.equal(note.getAttribute('role'), 'status');
    assert.equal(Number(note.getAttribute('data-value')), SAMPLE.sampledRows);
    assert.match(note.textContent ?? '', /^Estimate from 48,213 sampled rows \(16 evenly spaced parts of the file, 4\.2 MB of 1\.07 GB\)/);
    // The note comes before the figures it qualifies.
    const figures = q(h.root, '.figures');
    assert.ok(note.compareDocumentPosition(figures) & 4 /* FOLLOWING */);
    assert.equal(q(h.root, '[data-testid="count"]').closest('.figure')?.querySelector('dt')?.textContent, 'Sampled rows');
    assert.equal(h.root.querySelectorAll('[data-testid="worst-row"]').length, 0);
    assert.match(q(h.root, '[data-testid="worst-pending"]').textContent ?? '', /line numbers are not known/);
    assert.equal(q(h.root, '[data-testid="computed"]').textContent, 'Estimated in 240 ms; the full pass is running.');
    assert.match(q(h.root, '.summary .subtitle').textContent ?? '', new RegExp(`, ${digits.rows} sampled rows, CSV\\.`));
  });

  it('replaces the estimate with the full result when it arrives', () => {
    const h = harness();
    h.send({ type: 'data', data: dataOf(digits, { estimate: SAMPLE }) });
    h.send({ type: 'data', data: dataOf(digits, { elapsedMs: 8_765 }) });
    assert.equal(h.root.querySelector('[data-testid="estimate"]'), null);
    assert.equal(h.root.querySelector('[data-testid="worst-pending"]'), null);
    assert.equal(h.root.querySelectorAll('[data-testid="worst-row"]').length, digits.worst.length);
    assert.equal(q(h.root, '[data-testid="count"]').closest('.figure')?.querySelector('dt')?.textContent, 'Samples');
    assert.equal(q(h.root, '[data-testid="computed"]').textContent, 'Computed in 8,765 ms.');
  });

  it('on a cache hit gives the time the analysis took and says it came from the cache', () => {
    const computedAt = Date.UTC(2026, 10, 23, 9, 30, 0);
    const text = computedText(dataOf(digits, { elapsedMs: 1234.4, fromCache: true, computedAt }));
    assert.equal(text, `Computed in 1,234 ms at ${new Date(computedAt).toLocaleTimeString()}; shown from the cache, as the file has not changed since.`);
    assert.equal(computedText(dataOf(digits, { elapsedMs: 56, fromCache: false, computedAt })), 'Computed in 56 ms.');
  });

  it('keeps the compared file with setState (restored after a reload), forgets it when back to one file, and offers the way back', () => {
    const h = harness();
    const comparison: ComparisonData = {
      base: dataOf(binary, { uri: 'file:///w/epoch_1.csv', label: 'epoch_1.csv' }),
      other: dataOf(binary, { uri: 'file:///w/epoch_2.csv', label: 'epoch_2.csv' }),
      changed: [],
      outcome: { refused: 'not the point of this test' },
    };
    h.send({ type: 'comparison', comparison });
    assert.deepEqual(h.state(), { uri: 'file:///w/epoch_1.csv', compareWith: 'file:///w/epoch_2.csv' });
    const back = q(h.root, '[data-testid="close-comparison"]') as HTMLButtonElement;
    assert.equal(back.textContent, 'Show epoch_1.csv alone');
    back.click();
    assert.deepEqual(h.posted.at(-1), { type: 'closeComparison' });
    h.send({ type: 'data', data: dataOf(binary, { uri: 'file:///w/epoch_1.csv' }) });
    assert.equal((h.state() as { compareWith?: string }).compareWith, undefined);
    assert.equal((h.state() as { uri: string }).uri, 'file:///w/epoch_1.csv');
  });
});
