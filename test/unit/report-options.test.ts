/**
 * The loss options a report was made with, in --json's `options` and in the exports' summary: an
 * export made from a dashboard with a what-if temperature says T (SciPy's T* on
 * test/fixtures/temperature/overconfident_ce.csv gives its reference loss at T*).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse';
import { reportJson } from '../../src/core/report-json';
import { reportHtml, reportMarkdown } from '../../src/shared/render/report-export';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const FILE = 'overconfident_ce.csv';
const text = readFileSync(`test/fixtures/temperature/${FILE}`, 'utf8');
const reference = (JSON.parse(readFileSync('test/fixtures/temperature/reference.json', 'utf8')) as { cases: { file: string; temperature: number; after: number }[] })
  .cases.find((c) => c.file === FILE)!;

const summaryRow = (md: string, key: string) => md.split('\n').find((l) => l.startsWith(`| ${key} |`));

describe('report options: what the figures were computed with', () => {
  it('--json options.temperature: the what-if T when set (the mean SciPy finds at T*), null when not', async () => {
    const at = await analyze(bytesSource(FILE, text), { ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, temperature: reference.temperature } });
    const r = reportJson(at);
    assert.equal(r.options.temperature, reference.temperature);
    assert.ok(Math.abs(r.mean - reference.after) <= 1e-12, `${r.mean} vs ${reference.after}`);
    const plain = reportJson(await analyze(bytesSource(FILE, text), CLASSIC_REQUEST));
    assert.equal(plain.options.temperature, null);
  });

  it('the Markdown and HTML exports name the options set, as given, and only those', async () => {
    const loss = { ...CLASSIC_REQUEST.loss, temperature: 2.5, labelSmoothing: 0.1, classWeights: [1, 2, 0.5, 1, 1] };
    const r = reportJson(await analyze(bytesSource(FILE, text), { ...CLASSIC_REQUEST, loss }));
    const md = reportMarkdown(r);
    assert.equal(summaryRow(md, 'Options'),
      '| Options | label smoothing 0.1; class weights 1, 2, 0.5, 1, 1; temperature T = 2.5 (the scores divided by T, probabilities raised to 1/T and renormalised, ' +
      'before the loss and every figure of the report; the temperature split and the likely label errors are of the scores as written) |');
    // Right under the preset: the options qualify the mean above them.
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    assert.deepEqual(rows.slice(2, 5).map((l) => l.split(' | ')[0]), ['| Mean loss (categorical cross-entropy)', '| Preset', '| Options']);
    assert.match(reportHtml(r), /<th[^>]*>Options<\/th>\s*<td>label smoothing 0\.1; class weights 1, 2, 0\.5, 1, 1; temperature T = 2\.5 \(/);
    const plain = reportMarkdown(reportJson(await analyze(bytesSource(FILE, text), CLASSIC_REQUEST)));
    assert.equal(summaryRow(plain, 'Options'), undefined);
  });
});
