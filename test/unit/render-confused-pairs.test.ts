/**
 * The text report and the exports at many classes: the largest confused pairs (never a K x K
 * table), and at most MAX_CLASS_BARS bars in the HTML page. Expected pairs come from a plain sort
 * of every cell of the matrix, or from the generator's record of the confusions it planted.
 */
import { strict as assert } from 'node:assert';
import { analyze, type Analysis } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse';
import { reportJson } from '../../src/core/report-json';
import { fileSource } from '../../src/node/file-source';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { MAX_CLASS_BARS, reportHtml, reportMarkdown } from '../../src/shared/render/report-export';
import { renderTextReport } from '../../src/shared/render/report-text';
// @ts-expect-error: a plain-JavaScript module of the scripts, without types
import { manyClassesCsv } from '../../scripts/lib/many-classes.mjs';

interface Planted {
  text: string;
  names: string[];
  pairs: { true: number; predicted: number; count: number; support: number }[];
}

/** The lines of a text section, from its title to the blank line after it. */
function section(text: string, title: RegExp): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => title.test(l));
  assert.ok(at >= 0, `no ${title}`);
  const end = lines.indexOf('', at);
  return lines.slice(at, end);
}

const words = (line: string) => line.trim().split(/\s+/);

describe('confused pairs in the text report and the exports', () => {
  it('digits: the 10 largest off-diagonal cells, by count then share of the true class', async () => {
    const a = await analyze(await fileSource('samples/digits.csv'), requestFor(DEFAULT_CONFIG, {}));
    const m = a.breakdown.confusion as number[][];
    const names = a.breakdown.classNames;
    const cells: [number, number, number, number][] = [];
    m.forEach((row, t) => row.forEach((c, p) => {
      if (t !== p && c > 0) cells.push([t, p, c, c / row.reduce((s, v) => s + v, 0)]);
    }));
    cells.sort((x, y) => y[2] - x[2] || y[3] - x[3] || x[0] - y[0] || x[1] - y[1]);
    const off = cells.reduce((s, c) => s + c[2], 0);
    const lines = section(renderTextReport(a), /^Most confused pairs/);
    assert.equal(lines[0], `Most confused pairs (the 10 largest of ${cells.length} pairs; ${off} samples off the diagonal)`);
    assert.deepEqual(lines.slice(2).map(words), cells.slice(0, 10).map(([t, p, c, s]) => [names[t], '->', names[p], String(c), `${(s * 100).toFixed(1)}%`]));
    // The 3-as-8 and 8-as-1 confusions of breakdown-real.test.ts (scikit-learn's confusion_matrix): 7 each, 8 -> 1 first (the smaller share of a larger class comes second).
    assert.deepEqual(words(lines[2] as string).slice(0, 4), ['eight', '->', 'one', '7']);
    assert.deepEqual(words(lines[3] as string).slice(0, 4), ['three', '->', 'eight', '7']);
  });

  describe('1000 classes', () => {
    let planted: Planted;
    let a: Analysis;
    before(async function () {
      this.timeout(120_000);
      planted = manyClassesCsv() as Planted;
      a = await analyze(bytesSource('many_classes.csv', planted.text), requestFor(DEFAULT_CONFIG, {}));
    });

    const expected = () => planted.pairs.slice(0, 20).map((p) => [`${planted.names[p.true]} -> ${planted.names[p.predicted]}`, String(p.count), `${((p.count / p.support) * 100).toFixed(1)}%`]);

    it('the text report lists the 20 planted confusions, no K x K table', () => {
      const text = renderTextReport(a);
      const lines = section(text, /^Most confused pairs/);
      assert.equal(lines.length, 22);
      assert.deepEqual(lines.slice(2).map((l) => l.trim().split(/\s{2,}/)), expected());
      assert.ok(Math.max(...text.split('\n').map((l) => l.length)) < 200, 'a line as long as a matrix row');
    });

    it('Markdown and HTML: the same 20 pairs, and the bars of the 40 classes with the highest mean loss', () => {
      const r = reportJson(a);
      const md = reportMarkdown(r);
      const rows = (md.split('## Most confused pairs')[1] ?? '').split('\n\n')[1]?.split('\n').slice(2) ?? [];
      assert.deepEqual(rows.map((l) => l.slice(2, -2).split(' | ')), expected());
      const html = reportHtml(r);
      const bars = [...html.matchAll(/<rect x="120" y="\d+" width="[\d.]+" height="\d+"><title>([^:]+):/g)].map((x) => x[1]);
      const worst = [...r.perClass].sort((x, y) => y.meanLoss - x.meanLoss || x.index - y.index).slice(0, MAX_CLASS_BARS).sort((x, y) => x.index - y.index).map((c) => c.name);
      assert.deepEqual(bars, worst);
      assert.ok(html.includes(`<p>Bars: the ${MAX_CLASS_BARS} classes with the highest mean loss; the table lists all 1000.</p>`));
    });
  });
});
