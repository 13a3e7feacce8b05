/**
 * The dashboard's calibration: each equal-width bin's count under the reliability diagram, the
 * Wilson whisker on each bin, the equal-mass diagram, the class-wise ECE and the Brier score, all
 * from the report's numbers.
 */
import { strict as assert } from 'node:assert';
import type { ReportJson } from '../../src/core/report-json';
import { closeWindows, dataOf, harness, q, reportOf, texts } from './webview-helpers';

describe('webview dashboard: calibration with counts and intervals', () => {
  let digits: ReportJson;
  let binary: ReportJson;
  before(async () => {
    digits = await reportOf('samples/digits.csv');
    binary = await reportOf('samples/binary.csv');
  });
  afterEach(closeWindows);

  it('writes each non-empty bin\'s count under its bar and a whisker (3 lines) per bin', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const nonEmpty = digits.calibration.bins.filter((b) => b.count > 0);
    const chart = '[data-testid="reliability-diagram"] svg';
    assert.deepEqual(texts(h.root, `${chart} .bin-count`), nonEmpty.map((b) => (b.count < 1000 ? String(b.count) : `${(b.count / 1000).toFixed(1)}k`)));
    assert.deepEqual([...h.root.querySelectorAll(`${chart} rect.bar`)].map((r) => Number(r.getAttribute('data-count'))), nonEmpty.map((b) => b.count));
    assert.equal(h.root.querySelectorAll(`${chart} line.ci`).length, 3 * nonEmpty.length);
    // The table beside it gives the interval's bounds.
    const cells = texts(h.root, '[data-testid="reliability-diagram"] figcaption tbody tr td:last-child');
    assert.deepEqual(cells, nonEmpty.map((b) => `${b.accuracyCi[0].toFixed(3)}–${b.accuracyCi[1].toFixed(3)}`));
  });

  it('draws the equal-mass bins as points with whiskers, and shows the ECEs and the Brier score', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(digits) });
    const points = [...h.root.querySelectorAll('[data-testid="reliability-diagram-mass"] svg circle.point')];
    assert.deepEqual(points.map((p) => Number(p.getAttribute('data-count'))), digits.calibration.adaptive.bins.map((b) => b.count));
    assert.equal(Number(q(h.root, '[data-testid="adaptive-ece"]').getAttribute('data-value')), digits.adaptiveEce);
    assert.equal(Number(q(h.root, '[data-testid="classwise-ece"]').getAttribute('data-value')), digits.classwiseEce);
    assert.equal(Number(q(h.root, '[data-testid="brier"]').getAttribute('data-value')), digits.brier);
    assert.equal(q(h.root, '[data-testid="brier"]').textContent, digits.brier.toFixed(4));
  });

  it('binary: frequency of y = 1 with intervals, and a per-class table whose rates carry Wilson bounds', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(binary) });
    assert.equal(Number(q(h.root, '[data-testid="calibration-brier"]').getAttribute('data-value')), binary.brier);
    const rows = [...h.root.querySelectorAll('[data-testid="class-row"]')];
    rows.forEach((row, i) => {
      const c = binary.perClass[i]!;
      const ci = q(row, '[data-col="precision"] [data-testid="ci"]');
      assert.deepEqual([Number(ci.getAttribute('data-low')), Number(ci.getAttribute('data-high'))], c.precisionCi);
    });
  });
});
