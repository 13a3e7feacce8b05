import { strict as assert } from 'node:assert';
import type { ReportJson } from '../../src/core/report-json';
import { closeWindows, dataOf, harness, q, reportOf, texts } from './webview-helpers';
import { compareSamples, sampleCollector } from '../../src/core/compare';

const fixed = (n: number, d = 4) => n.toFixed(d);

describe('webview dashboard: rendering real reports', () => {
  afterEach(closeWindows);
  let digits: ReportJson;
  let binary: ReportJson;
  let multilabel: ReportJson;
  before(async () => {
    digits = await reportOf('samples/digits.csv');
    binary = await reportOf('samples/binary.csv');
    multilabel = await reportOf('samples/multilabel.csv');
  });

  it('posts ready once listening, renders a data message sent by postMessage, and marks itself ready', () => {
    const h = harness();
    assert.deepEqual(h.posted, [{ type: 'ready' }]);
    assert.equal(h.root.querySelector('[data-testid="dashboard-ready"]'), null);
    h.send({ type: 'data', data: dataOf(digits) });
    assert.equal(q(h.root, '[data-testid="dashboard-ready"]').getAttribute('data-view'), 'data');
    assert.equal(q(h.root, '[data-testid="title"]').textContent, 'samples/digits.csv');
  });

  it('shows the headline figures of the report, with full precision in data-value', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const mean = q(h.root, '[data-testid="mean-loss"]');
    assert.equal(Number(mean.getAttribute('data-value')), digits.value);
    assert.equal(mean.textContent, fixed(digits.value, 6));
    assert.equal(q(h.root, '[data-testid="count"]').textContent, '899');
    assert.equal(Number(q(h.root, '[data-testid="count"]').getAttribute('data-value')), digits.count);
    assert.equal(q(h.root, '[data-testid="accuracy"]').textContent, fixed(digits.accuracy));
    assert.equal(Number(q(h.root, '[data-testid="ece"]').getAttribute('data-value')), digits.ece);
    assert.equal(q(h.root, '[data-testid="unit"]').textContent, 'nats');
    // The preset is named next to the mean loss, in the same figure.
    const meanFigure = mean.closest('.figure') as Element;
    assert.equal(q(meanFigure, '[data-testid="preset"]').getAttribute('data-value'), 'classic');
  });

  it('fills the per-class table with the report numbers, share as a percentage', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const rows = [...h.root.querySelectorAll('[data-testid="class-row"]')];
    assert.equal(rows.length, 10);
    rows.forEach((row, i) => {
      const c = digits.perClass[i] as ReportJson['perClass'][number];
      assert.equal(row.getAttribute('data-index'), String(c.index));
      assert.equal(q(row, '[data-col="name"]').textContent, c.name);
      // The mean loss, then its 95% interval as a half-width (muted); recall with its Wilson bounds.
      const [lo, hi] = c.meanLossCi;
      assert.equal(q(row, '[data-col="meanLoss"]').textContent, `${fixed(c.meanLoss)} ± ${((hi - lo) / 2).toFixed(2)}`);
      assert.deepEqual([Number(q(row, '[data-col="meanLoss"] [data-testid="ci"]').getAttribute('data-low')), Number(q(row, '[data-col="meanLoss"] [data-testid="ci"]').getAttribute('data-high'))], c.meanLossCi);
      assert.equal(q(row, '[data-col="recall"]').textContent, `${fixed(c.recall)} ${c.recallCi[0].toFixed(2)}–${c.recallCi[1].toFixed(2)}`);
      assert.equal(Number(q(row, '[data-col="meanLoss"]').getAttribute('data-value')), c.meanLoss);
      assert.equal(q(row, '.share-text').textContent, `${(c.share * 100).toFixed(1)}%`);
      assert.equal(q(row, '[data-col="f1"]').textContent, fixed(c.f1));
    });
  });

  it('sorts the per-class table from its header buttons, sets aria-sort and keeps the sort with setState', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const button = q(h.root, 'button.sort[data-column="meanLoss"]') as HTMLButtonElement;
    // A real <button>: Enter and Space activate it natively, and it is in the tab order.
    assert.equal(button.tagName, 'BUTTON');
    button.focus();
    button.click();
    const byLoss = [...digits.perClass].sort((a, b) => b.meanLoss - a.meanLoss).map((c) => String(c.index));
    assert.deepEqual([...h.root.querySelectorAll('[data-testid="class-row"]')].map((r) => r.getAttribute('data-index')), byLoss);
    assert.equal((button.closest('th') as Element).getAttribute('aria-sort'), 'descending');
    assert.deepEqual((h.state() as { sort: unknown }).sort, { column: 'meanLoss', descending: true });
    button.click();
    assert.deepEqual([...h.root.querySelectorAll('[data-testid="class-row"]')].map((r) => r.getAttribute('data-index')), [...byLoss].reverse());
    assert.equal((button.closest('th') as Element).getAttribute('aria-sort'), 'ascending');
    const other = q(h.root, 'button.sort[data-column="support"]').closest('th') as Element;
    assert.equal(other.getAttribute('aria-sort'), 'none');
    for (const row of h.root.querySelectorAll('[data-testid="class-row"]')) assert.equal(row.getAttribute('tabindex'), '0');
  });

  it('restores the sort from getState on load', () => {
    const h = harness({ uri: 'file:///w/samples/digits.csv', sort: { column: 'name', descending: false } });
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const names = texts(h.root, '[data-testid="class-row"] [data-col="name"]');
    assert.deepEqual(names, [...digits.perClass.map((c) => c.name)].sort());
    assert.equal((q(h.root, 'button.sort[data-column="name"]').closest('th') as Element).getAttribute('aria-sort'), 'ascending');
  });

  it('opens a worst sample on Enter and on click: revealLine then selectSample', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const rows = [...h.root.querySelectorAll('[data-testid="worst-row"]')];
    assert.equal(rows.length, digits.worst.length);
    const w0 = digits.worst[0] as ReportJson['worst'][number];
    const first = rows[0] as HTMLElement;
    assert.equal(first.getAttribute('data-line'), String(w0.line));
    assert.equal(q(first, '[data-col="loss"]').textContent, fixed(w0.loss));
    h.posted.length = 0;
    first.dispatchEvent(new h.win.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }) as unknown as Event);
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: w0.line }, { type: 'selectSample', row: w0.row, line: w0.line }]);
    const w1 = digits.worst[1] as ReportJson['worst'][number];
    (rows[1] as HTMLElement).click();
    assert.deepEqual(h.posted.slice(2), [{ type: 'revealLine', line: w1.line }, { type: 'selectSample', row: w1.row, line: w1.line }]);
  });

  it('names each worst sample\'s file for a data set of several files, and opens the line of that file', () => {
    const h = harness();
    // A folder of shards: the report lists the files, each worst sample names its own.
    const files = [{ name: 'preds/rank0.csv', format: 'csv', rows: 450, skipped: 0 }, { name: 'preds/rank1.csv', format: 'csv', rows: 450, skipped: 0 }];
    const worst = digits.worst.map((w, i) => ({ ...w, file: files[i % 2]!.name }));
    h.dashboard.handle({ type: 'data', data: dataOf({ ...digits, files, worst } as ReportJson) });
    const rows = [...h.root.querySelectorAll('[data-testid="worst-row"]')] as HTMLElement[];
    assert.deepEqual(rows.slice(0, 2).map((r) => q(r, '[data-col="file"]').textContent), ['preds/rank0.csv', 'preds/rank1.csv']);
    assert.equal(rows[1]!.getAttribute('data-file'), 'preds/rank1.csv');
    // Choose Columns... reads one file: not offered for the set, whose files are listed instead.
    assert.equal(h.root.querySelector('[data-testid="choose-columns"]'), null);
    assert.equal(q(h.root, '[data-testid="shard-files"]').textContent, `${digits.rows} rows read from 2 files: preds/rank0.csv (450), preds/rank1.csv (450).`);
    assert.match(q(h.root, '.subtitle').textContent ?? '', / rows in 2 files, CSV\. /);
    h.posted.length = 0;
    rows[1]!.click();
    const w1 = worst[1]!;
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: w1.line, file: 'preds/rank1.csv' }, { type: 'selectSample', row: w1.row, line: w1.line, file: 'preds/rank1.csv' }]);
  });

  it('renders a class name full of markup as text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const r = await reportOf('evil.csv', `label,prob_${evil},prob_b\n0,0.9,0.1\n1,0.2,0.8\n1,0.6,0.4\n`);
    assert.equal(r.layout.classNames[0], evil);
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(r) });
    assert.equal(h.root.querySelectorAll('img').length, 0);
    assert.ok(texts(h.root, '[data-testid="class-row"] [data-col="name"]').includes(evil));
    assert.ok((h.root.textContent ?? '').includes(evil));
  });

  it('shows infinite losses as ∞ and keeps Infinity in data-value', async () => {
    const r = await reportOf('inf.csv', 'y_true,y_prob\n1,0\n0,0.2\n1,0.9\n', { preset: 'none' });
    assert.equal(r.mean, Infinity);
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(r) });
    const mean = q(h.root, '[data-testid="mean-loss"]');
    assert.equal(mean.textContent, '∞');
    assert.equal(mean.getAttribute('data-value'), 'Infinity');
    assert.equal(q(h.root, '[data-testid="worst-row"] [data-col="loss"]').textContent, '∞');
    assert.match(q(h.root, '[data-testid="histogram-extras"]').textContent ?? '', /1 infinite \(∞\)/);
  });

  it('draws the histogram bars and the -log p density from the report bins', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const hist = digits.histogram;
    const inBins = hist.counts.reduce((a, b) => a + b, 0);
    const bars = [...h.root.querySelectorAll('[data-testid="loss-histogram"] rect.bar')];
    assert.equal(bars.reduce((s, b) => s + Number(b.getAttribute('data-count')), 0), inBins);
    assert.equal(inBins + hist.zero + hist.underflow + hist.overflow + hist.infinite, digits.count);
    const segs = [...h.root.querySelectorAll('[data-testid="loss-curve"] path.density-seg')];
    assert.equal(segs.length, bars.length);
    assert.equal(segs.reduce((s, b) => s + Number(b.getAttribute('data-count')), 0), inBins);
    for (const id of ['loss-histogram', 'loss-curve', 'reliability-diagram']) {
      const chart = q(h.root, `[data-testid="${id}"] [role="img"]`);
      assert.ok((chart.getAttribute('aria-label') ?? '').length > 40, id);
      assert.ok(q(h.root, `[data-testid="${id}"] figcaption table`), `${id} has a text alternative`);
    }
  });

  it('leaves the -log p curve out for multi-label losses, and renders binary and multi-label reports', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(multilabel) });
    assert.equal(h.root.querySelector('[data-testid="loss-curve"]'), null);
    assert.equal(h.root.querySelector('[data-testid="confusion"]'), null);
    assert.equal(h.root.querySelectorAll('[data-testid="class-row"]').length, multilabel.perClass.length);
    h.dashboard.handle({ type: 'data', data: dataOf(binary) });
    assert.ok(h.root.querySelector('[data-testid="loss-curve"]'));
    assert.equal(h.root.querySelectorAll('[data-testid="confusion"] rect.cell').length, 4);
    assert.equal(q(h.root, '[data-testid="calibration-ece"]').textContent, fixed(binary.ece));
  });

  it('draws the reliability diagram from the non-empty bins', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const nonEmpty = digits.calibration.bins.filter((b) => b.count > 0);
    assert.equal(h.root.querySelectorAll('[data-testid="reliability-diagram"] rect.bar').length, nonEmpty.length);
    assert.equal(h.root.querySelectorAll('[data-testid="reliability-diagram"] figcaption tbody tr').length, nonEmpty.length);
  });
});

describe('webview dashboard: confusion matrix', () => {
  afterEach(closeWindows);
  it('draws a small matrix as SVG cells with counts, and reads a cell by keyboard', async () => {
    const digits = await reportOf('samples/digits.csv');
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const stage = q(h.root, '[data-testid="confusion"]') as HTMLElement;
    assert.equal(stage.getAttribute('data-renderer'), 'svg');
    assert.equal(stage.querySelectorAll('rect.cell').length, 100);
    stage.dispatchEvent(new h.win.FocusEvent('focus') as unknown as Event);
    stage.dispatchEvent(new h.win.KeyboardEvent('keydown', { key: 'ArrowDown' }) as unknown as Event);
    stage.dispatchEvent(new h.win.KeyboardEvent('keydown', { key: 'ArrowRight' }) as unknown as Event);
    assert.equal(stage.getAttribute('data-cursor'), '1,1');
    const m = digits.confusion as number[][];
    assert.match(q(h.root, '[data-testid="confusion-readout"]').textContent ?? '', new RegExp(`^True one, predicted one: ${(m[1] as number[])[1]} samples`));
  });
});

describe('webview dashboard: controls and states', () => {
  afterEach(closeWindows);
  let digits: ReportJson;
  before(async () => {
    digits = await reportOf('samples/digits.csv');
  });

  const setField = (h: ReturnType<typeof harness>, key: string, value: string) => {
    const el = q(h.root, `[data-testid="whatif-${key}"]`) as HTMLInputElement;
    el.value = value;
    el.dispatchEvent(new h.win.Event('input', { bubbles: true }) as unknown as Event);
  };

  it('posts one setWhatIf after typing pauses, with the parsed values', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    h.posted.length = 0;
    setField(h, 'labelSmoothing', '0.');
    setField(h, 'labelSmoothing', '0.1');
    setField(h, 'classWeights', '1, 2 3,4,5,6,7,8,9,10');
    const preset = q(h.root, '[data-testid="whatif-preset"]') as HTMLSelectElement;
    preset.value = 'pytorch';
    preset.dispatchEvent(new h.win.Event('change', { bubbles: true }) as unknown as Event);
    assert.deepEqual(h.posted, []);
    h.flushTimers();
    assert.deepEqual(h.posted, [{
      type: 'setWhatIf',
      whatIf: { preset: 'pytorch', labelSmoothing: 0.1, classWeights: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], posWeight: null, focalGamma: null, focalAlpha: null, input: null, kind: null },
    }]);
  });

  it('keeps the numbers under a progress strip while recomputing, and the edited field focused after', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const field = q(h.root, '[data-testid="whatif-labelSmoothing"]') as HTMLInputElement;
    field.focus();
    field.value = '0.15';
    field.setSelectionRange(2, 2);
    h.dashboard.handle({ type: 'loading', label: 'digits.csv', fraction: 0.5 });
    assert.equal((q(h.root, '[data-testid="busy"]') as HTMLProgressElement).value, 0.5);
    assert.ok(h.root.querySelector('[data-testid="mean-loss"]'));
    assert.equal(h.root.getAttribute('aria-busy'), 'true');
    h.dashboard.handle({ type: 'data', data: dataOf(digits, { whatIf: { ...dataOf(digits).whatIf, labelSmoothing: 0.15 } }) });
    assert.equal(h.root.querySelector('[data-testid="busy"]'), null);
    const again = h.doc.activeElement as HTMLInputElement;
    assert.equal(again.getAttribute('data-testid'), 'whatif-labelSmoothing');
    assert.notEqual(again, field);
    assert.equal(again.value, '0.15');
    assert.equal(again.selectionStart, 2);
  });

  it('does not post an invalid what-if, and says which field is wrong', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    h.posted.length = 0;
    setField(h, 'focalAlpha', '1.5');
    h.flushTimers();
    assert.deepEqual(h.posted, []);
    assert.match(q(h.root, '[data-testid="whatif-error"]').textContent ?? '', /Focal alpha/);
    setField(h, 'focalAlpha', '0.25');
    setField(h, 'focalGamma', '2');
    setField(h, 'posWeight', '3');
    const input = q(h.root, '[data-testid="whatif-input"]') as HTMLSelectElement;
    input.value = 'logits';
    h.flushTimers();
    assert.equal(q(h.root, '[data-testid="whatif-error"]').textContent, '');
    assert.deepEqual(h.posted, [{
      type: 'setWhatIf',
      whatIf: { preset: 'classic', labelSmoothing: 0, classWeights: [], posWeight: 3, focalGamma: 2, focalAlpha: 0.25, input: 'logits', kind: null },
    }]);
  });

  it('asks the host to choose columns from the layout section', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    h.posted.length = 0;
    (q(h.root, '[data-testid="choose-columns"]') as HTMLButtonElement).click();
    assert.deepEqual(h.posted, [{ type: 'command', command: 'chooseColumns' }]);
    assert.deepEqual(texts(h.root, '[data-testid="evidence"] li'), digits.layout.evidence);
  });

  it('shows loading with its fraction, then an error with located problems', () => {
    const h = harness();
    h.dashboard.handle({ type: 'loading', label: 'big.csv', fraction: 0.37 });
    assert.equal((q(h.root, '[data-testid="loading-progress"]') as HTMLProgressElement).value, 0.37);
    assert.match(h.root.textContent ?? '', /37%/);
    h.dashboard.handle({ type: 'error', label: 'bad.csv', message: 'bad.csv has 3 problems', errorCount: 3, problems: [{ line: 4, column: 12, message: 'not a number: "<b>x</b>"' }, { line: 9, column: null, message: 'too few fields' }] });
    assert.deepEqual(texts(h.root, '[data-testid="problems"] li'), ['4:12 not a number: "<b>x</b>"', '9 too few fields']);
    assert.match(h.root.textContent ?? '', /1 more not listed/);
    assert.equal(h.root.querySelectorAll('b').length, 0);
    assert.equal(h.root.querySelector('[data-testid="dashboard-ready"]'), null);
    h.posted.length = 0;
    (h.root.querySelector('[data-testid="problems"] li') as HTMLElement).click();
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: 4 }]);
  });

  it('lists the warnings of a file read with invalid rows skipped, each opening its line', async () => {
    const r = await reportOf('samples/problems.csv', undefined, {}, { skipInvalid: true });
    assert.ok(r.warnings.length > 0);
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(r) });
    const items = [...h.root.querySelectorAll('[data-testid="warnings"] li')];
    assert.deepEqual(items.map((li) => li.textContent), r.warnings.map((w) => `${w.line}${w.column !== null ? `:${w.column}` : ''} ${w.message}`));
    h.posted.length = 0;
    items[0]?.dispatchEvent(new h.win.KeyboardEvent('keydown', { key: 'Enter' }) as unknown as Event);
    assert.deepEqual(h.posted, [{ type: 'revealLine', line: r.warnings[0]?.line }]);
  });

  it('shows an assumption above the numbers with a button for the other reading, and not again among the warnings', async () => {
    const lines = ['label,score'];
    for (let i = 0; i < 20; i++) lines.push(i % 3 === 0 ? 'cat,0.9' : `dog,0.${i % 2 ? 2 : 1}`);
    const r = await reportOf('w.csv', lines.join('\n') + '\n');
    assert.equal(r.layout.assumptions.length, 1);
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(r) });
    const section = q(h.root, '[data-testid="assumptions"]');
    assert.equal(section.querySelector('span')?.textContent, r.layout.assumptions[0]!.text);
    // Above the figures' neighbours: right after the summary.
    assert.equal(h.root.querySelector('#summary')?.nextElementSibling?.id, 'assumptions');
    assert.equal(q(h.root, '[data-testid="other-reading-0"]').textContent, 'Read as P(dog)');
    assert.equal(h.root.querySelector('[data-testid="warnings"]'), null);
    h.posted.length = 0;
    (q(h.root, '[data-testid="other-reading-0"]') as HTMLButtonElement).click();
    assert.deepEqual(h.posted, [{ type: 'otherReading', assumption: 0 }]);
  });

  it('says a whole-file problem once: not again under the headline that says it, and never at a line 0 to open', () => {
    const h = harness();
    const whole = 'the file holds one array, a (<f4, shape (300, 10)), and no labels';
    h.dashboard.handle({ type: 'error', label: 'a.npy', message: `a.npy: ${whole}`, errorCount: 1, problems: [{ line: 0, column: null, message: whole }] });
    assert.equal(h.root.querySelector('[data-testid="problems"]'), null);
    h.dashboard.handle({ type: 'error', label: 'set', message: 'set: 2 problems', errorCount: 2, problems: [{ file: 'b.npy', line: 0, column: null, message: 'not a NumPy file' }, { line: 3, column: null, message: 'x' }] });
    assert.deepEqual(texts(h.root, '[data-testid="problems"] li'), ['b.npy: not a NumPy file', '3 x']);
    h.posted.length = 0;
    (h.root.querySelector('[data-testid="problems"] li') as HTMLElement).click();
    assert.deepEqual(h.posted, []);
  });

  it('offers to skip invalid rows on an error made of bad rows, not on a file that cannot be read', () => {
    const h = harness();
    h.dashboard.handle({ type: 'error', label: 'bad.csv', message: 'm', errorCount: 1, problems: [{ line: 4, column: 2, message: 'x' }], badRows: true });
    h.posted.length = 0;
    (q(h.root, '[data-testid="skip-invalid"]') as HTMLButtonElement).click();
    assert.deepEqual(h.posted, [{ type: 'skipInvalid', skip: true }]);
    h.dashboard.handle({ type: 'error', label: 'bad.csv', message: 'no label column found', errorCount: 1, problems: [{ line: 1, column: null, message: 'no label column found' }] });
    assert.equal(h.root.querySelector('[data-testid="skip-invalid"]'), null);
  });

  it('shows a history sparkline with a text alternative', () => {
    const h = harness();
    const history = [0.5, 0.4, 0.3].map((mean, i) => ({ time: Date.UTC(2026, 0, 1, 0, i), mean }));
    h.dashboard.handle({ type: 'data', data: dataOf(digits, { history }) });
    const fig = q(h.root, '[data-testid="history-sparkline"]');
    assert.equal(q(fig, 'polyline').getAttribute('points')?.split(' ').length, 3);
    assert.match(q(fig, '[role="img"]').getAttribute('aria-label') ?? '', /from 0\.5000 to 0\.3000 nats/);
    assert.equal(fig.querySelectorAll('figcaption li').length, 3);
  });

  it('compares two reports: per-class deltas and the samples that changed most', async () => {
    const smoothed = await reportOf('samples/digits.csv', undefined, { labelSmoothing: 0.1 });
    const h = harness();
    const changed = [{ row: 830, line: 832, before: 5.1, after: 2.0 }, { row: 1, line: 3, before: 0.1, after: 0.9 }];
    // The statistics are test/unit/webview-compare.test.ts's: none here.
    const none = { name: 'none', columns: sampleCollector().result(), classNames: [], multiLabel: false };
    const EMPTY_STATS = compareSamples(none, none);
    h.dashboard.handle({ type: 'comparison', comparison: { base: dataOf(digits, { label: 'a.csv' }), other: dataOf(smoothed, { label: 'b.csv' }), changed, outcome: { stats: EMPTY_STATS } } });
    const rows = [...h.root.querySelectorAll('[data-testid="compare-class-row"]')];
    assert.equal(rows.length, 10);
    rows.forEach((row, i) => {
      const d = (smoothed.perClass[i]?.meanLoss as number) - (digits.perClass[i]?.meanLoss as number);
      assert.equal(Number(q(row, '[data-col="delta"]').getAttribute('data-value')), d);
    });
    assert.deepEqual(texts(h.root, '[data-testid="changed-row"] [data-col="delta"]'), ['-3.1000', '+0.8000']);
    assert.equal(Number(q(h.root, '[data-testid="compare-mean"] td:last-child').getAttribute('data-value')), smoothed.value - digits.value);
    h.posted.length = 0;
    (h.root.querySelector('[data-testid="changed-row"]') as HTMLElement).click();
    assert.deepEqual(h.posted[0], { type: 'revealLine', line: 832 });
  });
});
