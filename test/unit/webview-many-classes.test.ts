/**
 * The dashboard at 100 and 1000 classes: the folded confusion matrix, the ranked pairs, the full
 * matrix on a canvas drawn only when opened, the class filter, and a bounded number of nodes.
 * Expected values are computed here from the report's matrix by a plain sort of every cell, or
 * come from the generator's own record of what it planted.
 */
import { strict as assert } from 'node:assert';
import type { ReportJson } from '../../src/core/report-json';
import { Dom } from '../../src/webview/dom';
import { PAGE_SIZE, PAGED_FROM, sortableTable } from '../../src/webview/table';
import { closeWindows, dataOf, harness, manyClassesCsv, q, reportOf } from './webview-helpers';
// @ts-expect-error: a plain-JavaScript module of the scripts, without types
import { manyClassesCsv as thousandClasses } from '../../scripts/lib/many-classes.mjs';

interface Planted {
  pairs: { true: number; predicted: number; count: number; support: number }[];
  text: string;
  names: string[];
}

type H = ReturnType<typeof harness>;
const key = (h: H, el: Element, k: string) => el.dispatchEvent(new h.win.KeyboardEvent('keydown', { key: k }) as unknown as Event);

/** Every off-diagonal cell, by count, then share of the true class, then true and predicted index. */
function allPairs(m: number[][]): { t: number; p: number; count: number; share: number }[] {
  const out: { t: number; p: number; count: number; share: number }[] = [];
  m.forEach((row, t) => {
    const support = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      if (t !== p && count > 0) out.push({ t, p, count, share: count / support });
    });
  });
  return out.sort((a, b) => b.count - a.count || b.share - a.share || a.t - b.t || a.p - b.p);
}

function nodes(root: Node): number {
  const w = (root.ownerDocument as Document).createTreeWalker(root, 0xffffffff);
  let n = 0;
  while (w.nextNode()) n++;
  return n;
}

describe('webview dashboard: many classes', () => {
  afterEach(closeWindows);

  it('folds 100 classes onto the 20 most confused with (other), lists the pairs, and draws the full matrix only once opened', async () => {
    const r = await reportOf('k100.csv', manyClassesCsv(100, 1200));
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(r) });
    const section = q(h.root, '#confusion-section');
    const m = r.confusion as number[][];
    // The 20 classes with the most samples off the diagonal in their row and column.
    const score = m.map((row, c) => row.reduce((s, v, p) => s + (p === c ? 0 : v), 0) + m.reduce((s, other, t) => s + (t === c ? 0 : (other[c] as number)), 0));
    const kept = score.map((s, c) => [s, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 20).map(([, c]) => c).sort((a, b) => a - b);
    const note = q(section, '[data-testid="confusion-folded-note"]');
    assert.equal(note.getAttribute('data-kept'), kept.join(','));
    assert.equal(note.getAttribute('data-folded'), '80');
    const stage = q(section, '[data-testid="confusion"]') as HTMLElement;
    assert.equal(stage.getAttribute('data-renderer'), 'svg');
    assert.equal(stage.querySelectorAll('rect.cell').length, 21 * 21);
    assert.equal(stage.querySelectorAll('rect.cell.folded').length, 41);
    // The (other, other) cell holds every sample whose true and predicted classes were both folded.
    const inOther = m.reduce((s, row, t) => s + (kept.includes(t) ? 0 : row.reduce((a, v, p) => a + (kept.includes(p) ? 0 : v), 0)), 0);
    stage.dispatchEvent(new h.win.FocusEvent('focus') as unknown as Event);
    key(h, stage, 'End');
    for (let i = 0; i < 20; i++) key(h, stage, 'ArrowDown');
    assert.equal(stage.getAttribute('data-cursor'), '20,20');
    assert.match(q(section, '[data-testid="confusion-readout"]').textContent ?? '', new RegExp(`^True \\(other\\), predicted \\(other\\): ${inOther} samples`));
    const expected = allPairs(m);
    const rows = [...section.querySelectorAll('[data-testid="confused-pair"]')];
    assert.equal(rows.length, 20);
    rows.forEach((row, i) => {
      const e = expected[i] as (typeof expected)[number];
      assert.deepEqual([...row.querySelectorAll('td')].map((td) => td.textContent), [`c${e.t}`, `c${e.p}`, String(e.count), `${(e.share * 100).toFixed(1)}%`]);
    });
    assert.equal(rows[0]?.getAttribute('data-true'), '3');
    assert.equal(rows[0]?.getAttribute('data-predicted'), '8');
    assert.match(q(section, '[data-testid="confused-pairs-caption"]').textContent ?? '', new RegExp(`^${expected.length.toLocaleString('en-US')} confused pairs`));
    // The full matrix: one canvas, not drawn while its disclosure is closed, even on a theme switch.
    const details = q(section, '[data-testid="confusion-full-details"]') as HTMLDetailsElement;
    const canvas = q(details, '[data-testid="confusion-full"] canvas') as HTMLCanvasElement & { draw: () => void };
    let draws = 0;
    const draw = canvas.draw;
    canvas.draw = () => { draws++; draw(); };
    h.doc.body.className = 'vscode-light';
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(draws, 0);
    details.open = true; // the browser then fires 'toggle'
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(draws, 1);
    h.doc.body.className = 'vscode-dark';
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(draws, 2);
    const full = q(details, '[data-testid="confusion-full"]');
    full.dispatchEvent(new h.win.FocusEvent('focus') as unknown as Event);
    key(h, full, 'End');
    assert.equal(full.getAttribute('data-cursor'), '0,99');
    assert.match(q(details, '[data-testid="confusion-full-readout"]').textContent ?? '', new RegExp(`^True c0, predicted c99: ${(m[0] as number[])[99]} sample`));
    assert.ok(section.querySelectorAll('*').length < 900, `${section.querySelectorAll('*').length} elements`);
    // A recomputation rebuilds the dashboard: the full matrix stays open.
    h.dashboard.handle({ type: 'data', data: dataOf(r) });
    assert.equal((q(h.root, '[data-testid="confusion-full-details"]') as HTMLDetailsElement).open, true);
  });

  it('draws any table of more than 100 rows 50 at a time (the label issues\' and the temperature\'s per-class tables too)', () => {
    const h = harness();
    const dom = new Dom(h.doc);
    const table = (n: number) => sortableTable(dom, {
      caption: 'c', testid: 't', rows: Array.from({ length: n }, (_, i) => i), sort: null, onSort: () => undefined, rowAttrs: (i) => ({ 'data-i': i }),
      columns: [{ key: 'i', label: 'i', numeric: true, value: (i) => i, cell: (i) => String(i) }],
    });
    assert.equal(table(PAGED_FROM).querySelectorAll('tbody tr').length, PAGED_FROM);
    const long = table(PAGED_FROM + 1);
    assert.equal(long.querySelectorAll('tbody tr').length, PAGE_SIZE);
    q(long, '[data-testid="t-show-more"]').dispatchEvent(new h.win.MouseEvent('click') as unknown as Event);
    assert.equal(long.querySelectorAll('tbody tr').length, PAGE_SIZE * 2);
    q(long, '[data-testid="t-show-more"]').dispatchEvent(new h.win.MouseEvent('click') as unknown as Event);
    assert.equal(long.querySelectorAll('tbody tr').length, PAGED_FROM + 1);
    assert.equal(long.querySelector('[data-testid="t-show-more"]'), null);
  });

  describe('1000 classes', () => {
    let planted: Planted;
    let r: ReportJson;
    before(async function () {
      this.timeout(120_000);
      planted = thousandClasses() as Planted;
      r = await reportOf('many_classes.csv', planted.text);
    });

    it('keeps the dashboard to a few thousand nodes, and ranks the planted confusions first', () => {
      assert.equal(r.layout.numClasses, 1000);
      const h = harness();
      h.dashboard.handle({ type: 'data', data: dataOf(r) });
      const total = nodes(h.root);
      assert.ok(total < 8000, `${total} nodes`);
      assert.equal(h.root.querySelectorAll('[data-testid="class-row"]').length, 50);
      const rows = [...h.root.querySelectorAll('[data-testid="confused-pair"]')];
      assert.deepEqual(rows.map((row) => [Number(row.getAttribute('data-true')), Number(row.getAttribute('data-predicted')), Number(row.getAttribute('data-count')), Number(row.getAttribute('data-share'))]),
        planted.pairs.slice(0, 20).map((p) => [p.true, p.predicted, p.count, p.count / p.support]));
      assert.equal(q(rows[0] as Element, 'td').textContent, planted.names[planted.pairs[0]?.true as number]);
      // "Show 50 more", sorted as the header says: by mean loss, the worst first.
      q(h.root, '[data-testid="class-table-show-more"]').dispatchEvent(new h.win.MouseEvent('click') as unknown as Event);
      assert.equal(h.root.querySelectorAll('[data-testid="class-row"]').length, 100);
      q(h.root, '#classes button.sort[data-column="meanLoss"]').dispatchEvent(new h.win.MouseEvent('click') as unknown as Event);
      const shown = [...h.root.querySelectorAll('[data-testid="class-row"] [data-col="meanLoss"]')].map((td) => Number(td.getAttribute('data-value')));
      const worst = r.perClass.map((c) => c.meanLoss).sort((a, b) => b - a).slice(0, 100);
      assert.deepEqual(shown, worst);
    });

    it('filters the per-class table and the confusion matrix by name, and keeps the filter across a re-render', () => {
      const h = harness();
      h.dashboard.handle({ type: 'data', data: dataOf(r) });
      const input = q(h.root, '[data-testid="class-filter"]') as HTMLInputElement;
      input.value = 'Falcon';
      input.dispatchEvent(new h.win.Event('input', { bubbles: true }) as unknown as Event);
      h.flushTimers();
      const falcons = planted.names.flatMap((n, k) => (n.includes('falcon') ? [k] : []));
      assert.equal(falcons.length, 25);
      assert.equal(q(h.root, '[data-testid="class-filter-count"]').textContent, '25 of 1,000 classes match');
      const rows = [...h.root.querySelectorAll('[data-testid="class-row"]')].map((row) => Number(row.getAttribute('data-index')));
      assert.deepEqual(rows, falcons);
      const kept = (q(h.root, '[data-testid="confusion-folded-note"]').getAttribute('data-kept') ?? '').split(',').map(Number);
      assert.equal(kept.length, 20);
      assert.ok(kept.every((k) => falcons.includes(k)));
      const m = r.confusion as number[][];
      const expected = allPairs(m).filter((p) => falcons.includes(p.t) || falcons.includes(p.p));
      const pairs = [...h.root.querySelectorAll('[data-testid="confused-pair"]')].map((row) => [Number(row.getAttribute('data-true')), Number(row.getAttribute('data-predicted'))]);
      assert.deepEqual(pairs, expected.slice(0, 20).map((p) => [p.t, p.p]));
      // A recomputation re-renders the dashboard: the filter, its field and its caret stay.
      input.focus();
      h.dashboard.handle({ type: 'data', data: dataOf(r) });
      const again = q(h.root, '[data-testid="class-filter"]') as HTMLInputElement;
      assert.equal(again.value, 'Falcon');
      assert.equal(h.doc.activeElement, again);
      assert.equal(h.root.querySelectorAll('[data-testid="class-row"]').length, 25);
      again.value = 'no such class';
      again.dispatchEvent(new h.win.Event('input', { bubbles: true }) as unknown as Event);
      h.flushTimers();
      assert.ok(h.root.querySelector('[data-testid="class-filter-none"]'));
      assert.ok(h.root.querySelector('[data-testid="confused-pairs-none"]'));
    });
  });
});
