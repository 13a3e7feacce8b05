/**
 * The text report's per-class table at many classes: the 20 classes carrying the largest share of
 * the loss and one "(other)" row, not a thousand lines; every class up to 30, in class order.
 * Expected rows come from --json's perClass sorted by share here, and the supports and shares of
 * the folded classes add up to the whole.
 */
import { strict as assert } from 'node:assert';
import { analyze, type Analysis } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse';
import { reportJson } from '../../src/core/report-json';
import { fileSource } from '../../src/node/file-source';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { renderTextReport } from '../../src/shared/render/report-text';
// @ts-expect-error: a plain-JavaScript module of the scripts, without types
import { manyClassesCsv } from '../../scripts/lib/many-classes.mjs';

/** The lines of a text section, from its title to the blank line after it. */
function section(text: string, title: RegExp): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => title.test(l));
  assert.ok(at >= 0, `no ${title}`);
  return lines.slice(at, lines.indexOf('', at));
}

const cells = (line: string) => line.trim().split(/\s{2,}/);

describe('the text report\'s per-class table at many classes', () => {
  it('10 classes (digits): every class, in class order, no "(other)"', async () => {
    const a = await analyze(await fileSource('samples/digits.csv'), requestFor(DEFAULT_CONFIG, {}));
    const lines = section(renderTextReport(a), /^Per class/);
    assert.equal(lines[0], 'Per class');
    assert.deepEqual(lines.slice(2).map((l) => cells(l)[0]), reportJson(a).perClass.map((c) => c.name));
  });

  describe('1000 classes', () => {
    let a: Analysis;
    before(async function () {
      this.timeout(120_000);
      a = await analyze(bytesSource('many_classes.csv', (manyClassesCsv() as { text: string }).text), requestFor(DEFAULT_CONFIG, {}));
    });

    it('the 20 with the largest share of the loss, largest first, then the other 980 as one row', () => {
      const r = reportJson(a);
      assert.equal(r.perClass.length, 1000);
      const byShare = [...r.perClass].sort((x, y) => y.share - x.share || x.index - y.index);
      const text = renderTextReport(a);
      const lines = section(text, /^Per class/);
      assert.equal(lines[0], 'Per class (the 20 of 1,000 classes carrying the largest share of the loss, then the other 980 as one row; --json lists every one)');
      assert.equal(lines.length, 1 + 1 + 20 + 1);
      const rows = lines.slice(2).map(cells);
      assert.deepEqual(rows.slice(0, 20).map((c) => [c[0], c[1], c[3]]),
        byShare.slice(0, 20).map((c) => [c.name, c.support.toLocaleString('en-US'), `${(c.share * 100).toFixed(1)}%`]));
      const rest = byShare.slice(20);
      const other = rows[20]!;
      assert.equal(other[0], '(other: 980 classes)');
      assert.equal(other[1], rest.reduce((s, c) => s + c.support, 0).toLocaleString('en-US'));
      assert.equal(other[3], `${(rest.reduce((s, c) => s + c.share, 0) * 100).toFixed(1)}%`);
      assert.deepEqual(other.slice(4), ['-', '-', '-', '-', '-']);
      // The listed and folded supports are every sample.
      assert.equal(byShare.slice(0, 20).reduce((s, c) => s + c.support, 0) + rest.reduce((s, c) => s + c.support, 0), r.count);
      assert.ok(text.split('\n').length < 150, `${text.split('\n').length} lines`);
    });
  });
});
