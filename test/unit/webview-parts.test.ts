import { strict as assert } from 'node:assert';
import { int, num, pct, tick } from '../../src/webview/format';
import { sortRows, type Column } from '../../src/webview/table';
import { fieldsOf, parseWhatIf } from '../../src/webview/sections/whatif';
import { labelStep } from '../../src/webview/sections/confusion';
import { visibleBins } from '../../src/shared/histogram-bins';

describe('webview parts', () => {
  it('formats like the CLI, with ∞ for infinite and a dash for undefined', () => {
    assert.equal(num(0.2755952), '0.2756');
    assert.equal(num(0.27559523, 6), '0.275595');
    assert.equal(num(3.2e-7), '3.20e-7');
    assert.equal(num(0), '0.0000');
    assert.equal(num(Infinity), '∞');
    assert.equal(num(-Infinity), '−∞');
    assert.equal(num(NaN), '–');
    assert.equal(pct(0.1653), '16.5%');
    assert.equal(pct(NaN), '–');
    assert.equal(int(12345), '12,345');
    assert.equal(tick(1e-3), '1e-3');
    assert.equal(tick(0.01), '0.01');
    assert.equal(tick(1e-6), '1e-6');
    assert.equal(tick(10), '10');
  });

  it('sorts numbers with NaN last in both directions, ties by original order', () => {
    const col: Column<{ v: number; id: string }> = { key: 'v', label: 'v', numeric: true, value: (r) => r.v, cell: (r) => r.id };
    const rows = [{ v: 2, id: 'a' }, { v: NaN, id: 'b' }, { v: 1, id: 'c' }, { v: 2, id: 'd' }, { v: Infinity, id: 'e' }];
    assert.deepEqual(sortRows(rows, col, false).map((r) => r.id), ['c', 'a', 'd', 'e', 'b']);
    assert.deepEqual(sortRows(rows, col, true).map((r) => r.id), ['e', 'a', 'd', 'c', 'b']);
  });

  it('parses the what-if fields and round-trips a WhatIf', () => {
    const w = parseWhatIf({ preset: 'keras', labelSmoothing: ' 0.05 ', classWeights: '1;2 ,3', posWeight: '', focalGamma: '2', focalAlpha: '', input: 'probs', kind: 'ce' });
    assert.deepEqual(w, { preset: 'keras', labelSmoothing: 0.05, classWeights: [1, 2, 3], posWeight: null, focalGamma: 2, focalAlpha: null, input: 'probs', kind: 'ce' });
    assert.deepEqual(parseWhatIf(fieldsOf(w)), w);
    assert.throws(() => parseWhatIf({ ...fieldsOf(w), labelSmoothing: '1' }), /Label smoothing/);
    assert.throws(() => parseWhatIf({ ...fieldsOf(w), classWeights: '1, x' }), /"x"/);
    assert.throws(() => parseWhatIf({ ...fieldsOf(w), posWeight: '0' }), /pos_weight/);
    assert.throws(() => parseWhatIf({ ...fieldsOf(w), preset: 'torch' }), /Unknown preset/);
  });

  it('thins the confusion matrix\'s labels to ~11 px', () => {
    assert.equal(labelStep(36), 1);
    assert.equal(labelStep(6), 2);
    assert.equal(labelStep(3), 4);
  });

  it('keeps the histogram bins from the first to the last non-empty decade', () => {
    const edges = Array.from({ length: 41 }, (_, j) => 10 ** (-2 + j / 10));
    const counts = new Array(40).fill(0);
    counts[13] = 4; // [10^-0.7, 10^-0.6)
    counts[21] = 1; // [10^0.1, 10^0.2)
    const bins = visibleBins({ edges, counts, zero: 0, underflow: 0, overflow: 0, infinite: 0 });
    assert.equal(bins.length, 20);
    assert.ok(Math.abs((bins[0] as { lo: number }).lo - 0.1) < 1e-12);
    assert.ok(Math.abs((bins[19] as { hi: number }).hi - 10) < 1e-9);
    assert.equal(bins.reduce((s, b) => s + b.count, 0), 5);
    assert.deepEqual(visibleBins({ edges, counts: new Array(40).fill(0), zero: 3, underflow: 0, overflow: 0, infinite: 0 }), []);
  });
});
