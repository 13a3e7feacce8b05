/**
 * The dashboard's operating points: ROC and precision-recall curves of a binary file, the AUC and
 * AP figures, and a threshold slider whose read-out is the report's point at that threshold;
 * multi-label files pick a label; ce files have no such section.
 */
import { strict as assert } from 'node:assert';
import type { ReportJson } from '../../src/core/report-json';
import { thresholdText } from '../../src/webview/sections/operating-points';
import { closeWindows, dataOf, harness, q, reportOf } from './webview-helpers';

const value = (root: ParentNode, id: string): string => q(root, `[data-testid="op-${id}"]`).textContent ?? '';

describe('webview dashboard: operating points', () => {
  let binary: ReportJson;
  let multilabel: ReportJson;
  before(async () => {
    binary = await reportOf('samples/binary.csv');
    multilabel = await reportOf('samples/multilabel.csv');
  });
  afterEach(closeWindows);

  it('draws both curves, starts the slider at 0.5 with the confusion counts there, and moves the read-out', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(binary) });
    const c = binary.operatingPoints!.curves[0]!;
    assert.ok(q(h.root, '[data-testid="roc-curve"] path.op-curve').getAttribute('d')!.length > 100);
    assert.ok(q(h.root, '[data-testid="pr-curve"] path.op-curve'));
    assert.equal(q(h.root, '[data-testid="op-auc"]').getAttribute('data-value'), String(c.auc));
    const half = c.points.find((p) => p.threshold === 0.5)!;
    assert.equal(value(h.root, 'threshold'), '0.5000');
    assert.deepEqual(['tp', 'fp', 'fn', 'tn'].map((k) => value(h.root, k)), [half.tp, half.fp, half.fn, half.tn].map(String));
    // The counts at 0.5 are the confusion matrix's.
    assert.deepEqual([half.tn, half.fp, half.fn, half.tp], binary.confusion!.flat());
    const slider = q(h.root, '[data-testid="op-slider"]') as HTMLInputElement;
    const lowest = c.points[c.points.length - 1]!;
    slider.value = '0';
    slider.dispatchEvent(new h.win.Event('input') as unknown as Event);
    assert.deepEqual(['tp', 'fp', 'fn', 'tn'].map((k) => value(h.root, k)), [lowest.tp, lowest.fp, 0, 0].map(String));
    assert.equal(value(h.root, 'recall'), '1.0000');
    const marker = q(h.root, '[data-testid="roc-curve"] .op-marker');
    // FPR 1, recall 1: the top right corner of the 220-unit chart (margins 36 left, 8 right and top).
    assert.deepEqual([marker.getAttribute('cx'), marker.getAttribute('cy')], ['212.00', '8.00']);
  });

  it('multi-label: a label picker switches the curves', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(multilabel) });
    const picker = q(h.root, '[data-testid="op-label"]') as HTMLSelectElement;
    assert.equal(q(h.root, '[data-testid="op-body"]').getAttribute('data-label'), 'car');
    picker.value = '2';
    picker.dispatchEvent(new h.win.Event('change') as unknown as Event);
    assert.equal(q(h.root, '[data-testid="op-body"]').getAttribute('data-label'), 'dog');
    assert.equal(q(h.root, '[data-testid="op-auc"]').getAttribute('data-value'), String(multilabel.operatingPoints!.curves[2]!.auc));
  });

  it('writes a threshold near 1 as its distance from 1: the top buckets are narrower than 4 decimals', () => {
    assert.equal(thresholdText(0.5), '0.5000');
    assert.equal(thresholdText(0.9999), '0.9999');
    // 0.99996 would read "1.0000", and "p ≥ 1.0000" with samples above it.
    assert.equal(thresholdText(0.99996), '1 − 4.0e-5');
    assert.equal(thresholdText(1 - 2.3e-10), '1 − 2.3e-10');
    assert.equal(thresholdText(1), '1.0000');
  });
});
