import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze, type Analysis } from '../../src/core/analyze';
import { derive } from '../../src/core/derivation';
import { bytesSource } from '../../src/core/parse';
import { reportJson } from '../../src/core/report-json';
import { renderExplanation } from '../../src/cli/explain';
import { derivationData } from '../../src/extension/dashboard/model';
import { runInWorker } from '../../src/node/analyze-in-worker';
import { sampleOnLine } from '../../src/core/sample-on-line';
import type { DerivationData, HostMessage } from '../../src/shared/protocol';
import { renderText } from '../../src/shared/render';
import katex from 'katex';
import { typeset, withoutInlineStyles } from '../../src/webview/sections/derivation';
import { closeWindows, dataOf, harness, q, request, texts } from './webview-helpers';

const FILE = 'samples/digits.csv';
const LINE = 832;
const text = readFileSync(FILE, 'utf8');
const source = () => bytesSource(FILE, new Uint8Array(readFileSync(FILE)));

/** Line 832 of digits.csv read by hand: an independent reference for the worker's sample. */
function byHand(line: number): { prediction: number[]; target: number } {
  const rows = text.split('\n');
  const classes = (rows[0] as string).split(',').slice(2).map((h) => h.replace(/^prob_/, ''));
  const cells = (rows[line - 1] as string).split(',');
  return { prediction: cells.slice(2).map(Number), target: classes.indexOf(cells[1] as string) };
}

describe('derivation panel: the sample on a line, derived for the dashboard', function () {
  let analysis: Analysis;
  before(async () => {
    analysis = await analyze(source(), request());
  });
  after(closeWindows);

  it('the worker job returns the sample starting on the line, as the file says and as --explain derives it', async () => {
    const r = await runInWorker({ op: 'sample', path: resolve(FILE), name: FILE, layout: analysis.layout, line: LINE }, { workerScript: resolve('dist/file-worker.js') });
    assert.ok(r.hit);
    const ref = byHand(LINE);
    assert.equal(r.hit.row, LINE - 2);
    assert.deepEqual(Array.from(r.hit.sample.prediction), ref.prediction);
    assert.equal(r.hit.sample.target, ref.target);
    // The CLI's --explain reads the same file on its own: its text has this sample's steps.
    const cli = (await renderExplanation(source(), analysis, LINE)) ?? '';
    assert.ok(cli.startsWith(`Sample on line ${LINE} (row ${LINE - 2})`), cli);
    assert.ok(cli.includes(renderText(derive(r.hit.sample, analysis.options, analysis.layout.numClasses, analysis.layout.classNames))));
  });

  it('picks among records that start on one line by their row', async () => {
    const json = '[{"label": 0, "probs": [0.9, 0.1]}, {"label": 1, "probs": [0.3, 0.7]},\n {"label": 1, "probs": [0.4, 0.6]}]\n';
    const src = () => bytesSource('one-line.json', new TextEncoder().encode(json));
    const a = await analyze(src(), request());
    const second = await sampleOnLine(src(), a.layout, 1, undefined, 1);
    assert.equal(second?.row, 1);
    assert.deepEqual(Array.from(second?.sample.prediction ?? []), [0.3, 0.7]);
    // Without a row (or with one not on that line), the first record on the line.
    assert.equal((await sampleOnLine(src(), a.layout, 1))?.row, 0);
    assert.equal((await sampleOnLine(src(), a.layout, 1, undefined, 2))?.row, 0);
    assert.equal((await sampleOnLine(src(), a.layout, 2, undefined, 2))?.row, 2);
  });

  it('finds no sample on the header line or past the end', async () => {
    assert.equal(await sampleOnLine(source(), analysis.layout, 1), undefined);
    assert.equal(await sampleOnLine(source(), analysis.layout, 100000), undefined);
  });

  describe('in the webview', () => {
    let d: DerivationData;
    before(async () => {
      const hit = await sampleOnLine(source(), analysis.layout, LINE);
      assert.ok(hit);
      d = derivationData(analysis, hit, LINE);
    });

    it('carries the loss of the worst sample, -ln p(true), and the data set mean in the preamble', () => {
      const worst = reportJson(analysis).worst[0];
      assert.equal(worst?.line, LINE);
      assert.equal(d.value, worst.loss);
      assert.ok(Math.abs(d.value + Math.log(byHand(LINE).prediction[4] as number)) < 1e-12);
      assert.equal(d.unit, 'nats');
      assert.equal(d.preamble.length >= 6, true);
      assert.match(d.preamble.at(-1)?.text ?? '', new RegExp(`${analysis.breakdown.mean.toPrecision(4)} nats over N = ${analysis.breakdown.count}`));
    });

    it('shows every step typeset by KaTeX, with the renderer text as the screen-reader text, focused when it arrives', () => {
      const h = harness();
      h.send({ type: 'data', data: dataOf(reportJson(analysis)) });
      h.send({ type: 'derivation', derivation: d } satisfies HostMessage);
      const section = q(h.root, '[data-testid="derivation"]') as HTMLElement;
      assert.equal(q(section, 'h2').textContent, `Sample on line ${LINE} (row ${LINE - 2})`);
      assert.equal(section.getAttribute('data-value'), String(d.value));
      assert.equal(q(section, '[data-testid="derivation-value"]').textContent, String(Number(d.value.toPrecision(4))));
      const steps = [...section.querySelectorAll('[data-testid="derivation-step"]')];
      const all = [...d.entries, ...d.preamble];
      assert.deepEqual(steps.map((s) => s.getAttribute('data-kind')), all.map((e) => e.kind));
      assert.deepEqual(texts(section, '[data-testid="derivation-text"]'), all.map((e) => e.text));
      assert.deepEqual(steps.map((s) => s.querySelector('h3')?.textContent), all.map((e) => e.title));
      for (const s of steps) {
        const math = q(s, '.derivation-math');
        assert.equal(math.getAttribute('aria-hidden'), 'true');
        assert.ok(math.querySelector('.katex'), `no KaTeX output in ${s.getAttribute('data-kind')}`);
        assert.equal(math.querySelector('.katex-error'), null);
      }
      // The preamble sits in a closed disclosure; the presets sentence is shown when presets differ.
      assert.equal((q(section, 'details') as HTMLDetailsElement).open, false);
      assert.equal(section.querySelectorAll('details [data-testid="derivation-step"]').length, d.preamble.length);
      if (d.presets) assert.match(q(section, '[data-testid="derivation-presets"]').textContent ?? '', /Under the presets/);
      assert.equal(h.doc.activeElement, section);
    });

    it('says why log loss and not squared error with the sample\'s own probability, in a closed disclosure', () => {
      const h = harness();
      h.send({ type: 'data', data: dataOf(reportJson(analysis)) });
      h.send({ type: 'derivation', derivation: d } satisfies HostMessage);
      const note = q(h.root, '[data-testid="derivation-log-vs-squared"]') as HTMLDetailsElement;
      assert.equal(note.open, false);
      assert.equal(q(note, 'summary').textContent, 'Why log loss and not squared error?');
      const p = byHand(LINE).prediction;
      const sentences = texts(note, 'p');
      assert.equal(sentences.length, 4);
      assert.ok(sentences[0]!.startsWith(`Here the true class has probability ${Number((p[4] as number).toPrecision(4))}: log loss ${Number(d.value.toPrecision(4))} nats, squared error `));
      assert.deepEqual(sentences, d.logVsSquared);
    });

    it('applies KaTeX\'s inline sizes through the CSSOM: no style attribute parsed for the CSP to block', () => {
      // A fraction and a subscript: KaTeX sizes their struts and vertical lists inline.
      const tex = '\\frac{a}{b_k} = x^{2}';
      const html = katex.renderToString(tex, { displayMode: true, output: 'html' });
      const parsed = withoutInlineStyles(html);
      assert.equal(html.match(/ style="/g)?.length, parsed.match(/ data-katex-style="/g)?.length);
      assert.doesNotMatch(parsed, / style=/);
      const h = harness();
      const el = h.doc.createElement('div') as unknown as HTMLElement;
      typeset(el, tex);
      assert.equal(el.querySelectorAll('[data-katex-style]').length, 0);
      const strut = el.querySelector('.strut') as HTMLElement;
      assert.equal(strut.style.height, /class="strut" style="height:([\d.]+em)/.exec(html)?.[1]);
      assert.match(strut.style.verticalAlign, /^-\d+(\.\d+)?em$/);
      assert.ok([...el.querySelectorAll<HTMLElement>('.vlist')].every((v) => v.style.height !== ''));
      // A quote in \text{} stays text: never mistaken for an attribute.
      typeset(el, '\\text{a style="color:red" b}');
      assert.equal(el.querySelectorAll('.mord.text [style]').length, 0);
      assert.match(el.textContent ?? '', /a\sstyle="color:red"\sb/);
    });

    it('keeps the derivation when the data is rendered again, and replaces it with a newer one', async () => {
      const h = harness();
      const data = dataOf(reportJson(analysis));
      h.send({ type: 'data', data });
      h.send({ type: 'derivation', derivation: d });
      h.send({ type: 'data', data });
      assert.equal(h.root.querySelectorAll('[data-testid="derivation"]').length, 1);
      const other = await sampleOnLine(source(), analysis.layout, 2);
      assert.ok(other);
      h.send({ type: 'derivation', derivation: derivationData(analysis, other, 2) });
      const sections = [...h.root.querySelectorAll('[data-testid="derivation"]')];
      assert.equal(sections.length, 1);
      assert.equal(sections[0]?.getAttribute('data-line'), '2');
      assert.ok(Math.abs(Number(sections[0]?.getAttribute('data-value')) + Math.log(0.975406)) < 1e-12);
    });

    it('waits for the data before showing a derivation that arrives first', () => {
      const h = harness();
      h.send({ type: 'derivation', derivation: d });
      assert.equal(h.root.querySelector('[data-testid="derivation"]'), null);
      h.send({ type: 'data', data: dataOf(reportJson(analysis)) });
      assert.equal(q(h.root, '[data-testid="derivation"]').getAttribute('data-line'), String(LINE));
    });
  });
});
