import { strict as assert } from 'node:assert';
import { analyze } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse';
import { reportJson } from '../../src/core/report-json';
import { fileSource } from '../../src/node/file-source';
import { fmt, reportHtml, reportMarkdown } from '../../src/shared/render/report-export';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

const TINY = 'y,p\n1,0.9\n0,0.2\n1,0.4\n';

async function tinyReport() {
  return reportJson(await analyze(bytesSource('tiny.csv', TINY), requestFor(DEFAULT_CONFIG, {})));
}

// The expected numbers come from the definitions, not from the code under test.
const l = [-Math.log(0.9), -Math.log(0.8), -Math.log(0.4)] as const;
const total = l[0] + l[1] + l[2];
const f4 = (x: number) => x.toFixed(4);
const ece = (Math.abs(1 - 0.9) + Math.abs(1 - 0.8) + Math.abs(0 - 0.6)) / 3;
const brier = ((1 - 0.9) ** 2 + 0.2 ** 2 + (1 - 0.4) ** 2) / 3;
// Wilson intervals of 1 in 2 (0.09-0.91), 1 in 1 (0.21-1.00) and 0 in 1 (0.00-0.79), z = 1.96, worked by hand; a class's
// mean loss over n = 2 has the half-width 1.96 * s / sqrt(2) with s = |l2 - l0| / sqrt(2): 0.98 |l2 - l0|.

describe('Export Report builders', () => {
  it('writes the exact Markdown of a small binary file', async () => {
    const expected = `# Loss Lens report: tiny.csv

|  |  |
| --- | ---: |
| Mean loss (binary cross-entropy) | ${f4(total / 3)} nats |
| Preset | classic: Clip probabilities to [1e-15, 1 - 1e-15] (the textbook log-loss eps); logits exact. |
| Samples | 3 of 3 rows |
| Accuracy | 66.7% |
| Expected calibration error | ${f4(ece)} (15 equal-width bins, positive-probability); equal-mass ${f4(ece)}; class-wise ${f4(ece)} |
| Brier score | ${f4(brier)} (mean of (p - y)^2) |
| Perplexity | ${f4(Math.exp(total / 3))} |
| Input | probs in p; labels in y |
| ROC AUC | 1.0000 |
| Average precision | 1.0000 |

## Per class

| class | support | mean loss ± 95% | share of loss | precision (95%) | recall (95%) | F1 | ECE |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| 0 | 1 | ${f4(l[1])} | ${((100 * l[1]) / total).toFixed(1)}% | 0.5000 (0.09-0.91) | 1.0000 (0.21-1.00) | 0.6667 | ${f4(ece)} |
| 1 | 2 | ${f4((l[0] + l[2]) / 2)} ± ${f4(0.98 * (l[2] - l[0]))} | ${((100 * (l[0] + l[2])) / total).toFixed(1)}% | 1.0000 (0.21-1.00) | 0.5000 (0.09-0.91) | 0.6667 | ${f4(ece)} |

## Calibration (15 equal-width bins, positive-probability; 95% Wilson intervals)

| bin | count | confidence | freq. y=1 (95%) |
| --- | ---: | ---: | ---: |
| 0.13-0.20 | 1 | 0.2000 | 0.0000 (0.00-0.79) |
| 0.33-0.40 | 1 | 0.4000 | 1.0000 (0.21-1.00) |
| 0.87-0.93 | 1 | 0.9000 | 1.0000 (0.21-1.00) |

## Most confused pairs (1 pair; 1 sample off the diagonal)

| true -> predicted | count | share of true class |
| --- | ---: | ---: |
| 1 -> 0 | 1 | 50.0% |

## Worst samples

| row | line | loss | true | predicted | confidence |
| --- | ---: | ---: | ---: | ---: | ---: |
| 2 | 4 | ${f4(l[2])} | 1 | 0 | 0.6000 |
| 1 | 3 | ${f4(l[1])} | 0 | 0 | 0.8000 |
| 0 | 2 | ${f4(l[0])} | 1 | 1 | 0.9000 |
`;
    assert.equal(reportMarkdown(await tinyReport()), expected);
  });

  it('writes one self-contained HTML page: the same tables, inline SVG bars, no script or remote resource', async () => {
    const html = reportHtml(await tinyReport());
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`));
    assert.ok(!/<script|src=|href=|url\(/i.test(html), 'no script and nothing loaded from elsewhere');
    assert.ok(html.includes(`<tr><th>Mean loss (binary cross-entropy)</th><td>${f4(total / 3)} nats</td></tr>`));
    assert.ok(html.includes(`<tr><td>2</td><td>4</td><td>${f4(l[2])}</td><td>1</td><td>0</td><td>0.6000</td></tr>`));
    // Bars are proportional to each class's mean loss; the largest spans the 300 px scale.
    const widths = [...html.matchAll(/<rect x="120" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(widths, [Number(((l[1] / ((l[0] + l[2]) / 2)) * 300).toFixed(1)), 300]);
  });

  it('draws the loss histogram and the reliability diagram into the HTML page, as inline SVG (samples/digits.csv)', async () => {
    const r = reportJson(await analyze(await fileSource('samples/digits.csv'), requestFor(DEFAULT_CONFIG, {})));
    const html = reportHtml(r);
    assert.equal([...html.matchAll(/<svg [^>]*role="img"/g)].length, 3);
    // One bar per bin from the first to the last non-empty decade; every sample is in one of them.
    const bars = [...html.matchAll(/<rect class="hist" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"><title>\[[^,]+, [^)]+\): (\d+)<\/title>/g)];
    const counted = bars.reduce((n, m) => n + Number(m[2]), 0);
    assert.equal(counted + r.histogram.zero + r.histogram.underflow + r.histogram.overflow + r.histogram.infinite, r.count);
    const most = Math.max(...bars.map((m) => Number(m[2])));
    for (const m of bars) assert.ok(Math.abs(Number(m[1]) - (Number(m[2]) / most) * 128) < 0.06);
    // A dot per non-empty reliability bin at (mean confidence, accuracy) on the 144 px square.
    const dots = [...html.matchAll(/<circle class="bin" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const filled = r.calibration.bins.filter((b) => b.count > 0);
    assert.equal(dots.length, filled.length);
    filled.forEach((b, i) => {
      assert.ok(Math.abs((dots[i]?.[0] ?? NaN) - (28 + 144 * b.meanConfidence)) < 0.06);
      assert.ok(Math.abs((dots[i]?.[1] ?? NaN) - (172 - 144 * b.accuracy)) < 0.06);
    });
  });

  it('escapes names from the file in both formats', async () => {
    const csv = 'label,<b>cat</b>,dog\n<b>cat</b>,0.7,0.3\ndog,0.4,0.6\n';
    const r = reportJson(await analyze(bytesSource('a&b.csv', csv), requestFor(DEFAULT_CONFIG, {})));
    const html = reportHtml(r);
    assert.ok(!html.includes('<b>'), 'raw markup from the file');
    assert.deepEqual(r.perClass.map((c) => c.name), ['<b>cat</b>', 'dog']);
    assert.ok(html.includes('<td>&lt;b&gt;cat&lt;/b&gt;</td>') && html.includes('a&amp;b.csv'));
    const piped = reportMarkdown({ ...r, perClass: r.perClass.map((c) => ({ ...c, name: `${c.name}|x` })) });
    assert.ok(piped.includes('| <b>cat</b>\\|x | 1 |'), piped);
  });

  it('summarises a real file as the CLI report does (samples/binary.csv)', async () => {
    const r = reportJson(await analyze(await fileSource('samples/binary.csv'), requestFor(DEFAULT_CONFIG, {})));
    const md = reportMarkdown(r);
    // scikit-learn log_loss(eps=1e-15) of this file (test/unit/cli.test.ts).
    assert.ok(md.includes('| Mean loss (binary cross-entropy) | 0.0812 nats |'));
    assert.ok(md.includes('| Samples | 569 of 569 rows |'));
    const worstRows = md.split('## Worst samples')[1]?.trim().split('\n').slice(2) ?? [];
    assert.equal(worstRows.length, 10);
    assert.equal(fmt(1e-9), '1.00e-9');
    assert.equal(fmt(Infinity), 'Infinity');
    assert.equal(fmt(NaN), '-');
  });
});
