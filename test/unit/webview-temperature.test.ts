/** The dashboard's calibration-versus-refinement section, in happy-dom, on the over-confident fixture (gen_temperature.py). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/core/analyze';
import { dataRowReader } from '../../src/core/diagnostics';
import { fitTemperature } from '../../src/core/diagnostics/temperature';
import { bytesSource } from '../../src/core/parse';
import { reportJson, type ReportJson } from '../../src/core/report-json';
import { closeWindows, dataOf, harness, q, reportOf, request, texts } from './webview-helpers';

const FILE = 'test/fixtures/temperature/overconfident_ce.csv';
const ref = (JSON.parse(readFileSync('test/fixtures/temperature/reference.json', 'utf8')) as { cases: { file: string; temperature: number; before: number; after: number; calibration: number; classes: { after: number }[] }[] })
  .cases.find((c) => c.file === 'overconfident_ce.csv')!;

async function diagnosed(): Promise<ReportJson> {
  const text = readFileSync(FILE, 'utf8');
  const analysis = await analyze(bytesSource(FILE, text), request());
  const reader = dataRowReader(analysis, request(), [analysis.layout], (_, read) => read(bytesSource(FILE, text), undefined));
  analysis.diagnostics = { results: { temperature: await fitTemperature(analysis, reader) }, unavailable: {} };
  return reportJson(analysis);
}

const value = (root: ParentNode, testid: string) => Number(q(root, `[data-testid="${testid}"]`).getAttribute('data-value'));

describe('dashboard: calibration versus refinement', () => {
  let report: ReportJson;
  before(async () => {
    report = await diagnosed();
  });
  after(closeWindows);

  it('shows T*, the split, the ECE before and after, per class, and how T* was fitted', () => {
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(report) });
    assert.ok(Math.abs(value(h.root, 'temperature-t') - ref.temperature) < 1e-6 * ref.temperature);
    assert.ok(Math.abs(value(h.root, 'temperature-before') - ref.before) < 1e-12);
    assert.ok(Math.abs(value(h.root, 'temperature-refinement') - ref.after) < 1e-12);
    assert.ok(Math.abs(value(h.root, 'temperature-calibration') - ref.calibration) < 1e-12);
    assert.ok(value(h.root, 'temperature-ece-after') < value(h.root, 'temperature-ece-before'));
    assert.equal(texts(h.root, '[data-testid="temperature-headline"]')[0], 'T* = 2.458 (logits divided by T; over-confident: T* > 1 softens)');
    const after = [...h.root.querySelectorAll('[data-testid="temperature-class-row"] [data-col="after"]')].map((c) => Number(c.getAttribute('data-value')));
    after.forEach((a, k) => assert.ok(Math.abs(a - ref.classes[k]!.after) < 1e-8, `class ${k}`));
    assert.match(texts(h.root, '[data-testid="temperature-fit"]')[0] ?? '', /^How T\* was fitted: Newton on 1\/T over all 3,000 rows in memory after one pass: \d+ iterations, converged/);
    // The diagram: a bar per non-empty bin before, a point per non-empty bin at T*, over the same axes.
    const t = report.diagnostics!.results.temperature!;
    const svg = q(h.root, '[data-testid="temperature-reliability"] svg');
    assert.equal(svg.querySelectorAll('.temperature-before .bar').length, t.before.bins.filter((b) => b.count > 0).length);
    assert.equal(svg.querySelectorAll('.temperature-after .after-point').length, t.after.bins.filter((b) => b.count > 0).length);
    assert.match(svg.getAttribute('aria-label') ?? '', /^Reliability diagram before T\* \(bars\) and at T\* = 2\.4578/);
  });

  it('applies T* in the what-if with a button, and says when a what-if temperature is in force', () => {
    const h = harness();
    const data = dataOf(report);
    h.dashboard.handle({ type: 'data', data });
    const t = report.diagnostics!.results.temperature!.temperature;
    (q(h.root, '[data-testid="temperature-apply"]') as HTMLElement).click();
    assert.deepEqual(h.posted.at(-1), { type: 'setWhatIf', whatIf: { ...data.whatIf, temperature: t } });
    h.dashboard.handle({ type: 'data', data: { ...data, whatIf: { ...data.whatIf, temperature: t } } });
    assert.equal(h.root.querySelector('[data-testid="temperature-apply"]'), null);
    assert.match(texts(h.root, '[data-testid="temperature-whatif-note"]')[0] ?? '', /^The report above is at the what-if temperature T = 2\.4578/);
    assert.equal((q(h.root, '[data-testid="whatif-temperature"]') as HTMLInputElement).value, String(t));
  });

  it('takes a temperature typed in the what-if, and refuses one that is not > 0', () => {
    const h = harness();
    const data = dataOf(report);
    h.dashboard.handle({ type: 'data', data });
    const field = q(h.root, '[data-testid="whatif-temperature"]') as HTMLInputElement;
    field.value = '2.5';
    field.dispatchEvent(new h.win.Event('input', { bubbles: true }) as unknown as Event);
    h.flushTimers();
    assert.deepEqual(h.posted.at(-1), { type: 'setWhatIf', whatIf: { ...data.whatIf, temperature: 2.5 } });
    field.value = '0';
    field.dispatchEvent(new h.win.Event('input', { bubbles: true }) as unknown as Event);
    h.flushTimers();
    assert.match(texts(h.root, '[data-testid="whatif-error"]')[0] ?? '', /^Temperature must be a number > 0\.$/);
  });

  it('says the pass is running, or why there is no temperature', async () => {
    const plain = await reportOf('samples/digits.csv');
    const h = harness();
    h.dashboard.handle({ type: 'data', data: dataOf(plain, { diagnosing: ['temperature'] }) });
    assert.match(texts(h.root, '[data-testid="temperature-pending"]')[0] ?? '', /^Fitting the temperature/);
    h.dashboard.handle({ type: 'data', data: dataOf({ ...plain, diagnostics: { results: {}, unavailable: { temperature: 'the temperature fit needs one given class per row' } } }) });
    assert.match(texts(h.root, '[data-testid="temperature-unavailable"]')[0] ?? '', /one given class per row/);
    h.dashboard.handle({ type: 'data', data: dataOf(plain, { diagnosticsFailed: 'the file changed' }) });
    assert.match(texts(h.root, '[data-testid="temperature-failed"]')[0] ?? '', /the file changed/);
    h.dashboard.handle({ type: 'data', data: dataOf(plain) });
    assert.equal(h.root.querySelector('#temperature'), null);
  });
});
