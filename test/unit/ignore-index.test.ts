/**
 * Labels of -100 (PyTorch's ignore_index, Hugging Face's masked tokens): with --ignore-index they
 * are read and left out of the loss in every format, equal to PyTorch's losses
 * (scripts/fixtures/gen_ignore_index.py); without it each is refused at its line with the fix,
 * which the editor offers as a quick fix and the dashboard as a button.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { indexDocument } from '../../src/core/explain';
import { diagnosticSpecs } from '../../src/extension/explain/diagnostic-content';
import { codeLensTitle } from '../../src/extension/explain/codelens-content';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { editorSpeaker } from '../../src/shared/speak';
import { closeWindows, harness } from './webview-helpers';

const CLI = 'dist/cli.js';
const DIR = 'test/fixtures/ignore-index';
const ref = JSON.parse(readFileSync(`${DIR}/reference.json`, 'utf8')) as { rows: number; ignored: number; ce: number; bce: number; firstIgnoredLine: number };

function cli(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]): { value: number; preset: string; count: number; ignored: number } {
  const r = cli(...args, '--json', '--preset', 'pytorch');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const HINT = "label -100 is not a class index (0 to 4); if -100 marks rows to leave out (PyTorch's ignore_index), read with --ignore-index -100";

describe('ignore index (-100 labels)', () => {
  after(closeWindows);

  for (const args of [[`${DIR}/tokens.csv`], [`${DIR}/tokens.jsonl`], [`${DIR}/logits.npy`, '--labels', `${DIR}/labels.npy`]]) {
    it(`${args[0]!.split('/').pop()}: --ignore-index -100 gives PyTorch's cross_entropy, the rows counted as ignored`, () => {
      const r = json(...args, '--ignore-index', '-100');
      assert.ok(Math.abs(r.value - ref.ce) < 1e-12, `${r.value} vs ${ref.ce}`);
      assert.deepEqual([r.preset, r.count, r.ignored], ['pytorch', ref.rows - ref.ignored, ref.ignored]);
    });
  }

  it('binary labels 0/1/-100: --ignore-index -100 gives binary_cross_entropy on the rest', () => {
    const r = json(`${DIR}/binary.csv`, '--ignore-index', '-100');
    assert.ok(Math.abs(r.value - ref.bce) < 1e-12, `${r.value} vs ${ref.bce}`);
    assert.equal(r.ignored, ref.ignored);
  });

  it('without --ignore-index, each -100 row is refused at its line and column with the flag that reads it', () => {
    const r = cli(`${DIR}/tokens.csv`);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], `${DIR}/tokens.csv:${ref.firstIgnoredLine}:1: ${HINT}`);
    const j = cli(`${DIR}/tokens.jsonl`);
    assert.match(j.stderr, new RegExp(`^${DIR}/tokens.jsonl:2:12: label -100 is not a class index`));
  });

  it('the editor: the problem carries the "ignore label" quick fix, spoken in the editor\'s words; the choice reads the file', async () => {
    const text = readFileSync(`${DIR}/tokens.csv`, 'utf8');
    const lines = text.split('\n');
    const refused = await indexDocument(text, 'tokens.csv', requestFor(DEFAULT_CONFIG, {}));
    const spec = diagnosticSpecs(refused, 'csv', ',', (n) => lines[n - 1])[0]!;
    assert.deepEqual([spec.line, spec.start, spec.end, spec.code, spec.fixes, spec.ignoreLabel], [ref.firstIgnoredLine - 1, 0, 4, 'label', ['ignore-label', 'choose-columns'], -100]);
    assert.equal(editorSpeaker(spec.message).split('; ')[1], "if -100 marks rows to leave out (PyTorch's ignore_index), read with Ignore Label -100 (the quick fix, or the button on the error)");

    const read = await indexDocument(text, 'tokens.csv', requestFor({ ...DEFAULT_CONFIG, defaultPreset: 'pytorch' }, { ignoreIndex: -100 }));
    assert.equal(read.problems.length, 0);
    assert.ok(Math.abs(read.analysis!.value - ref.ce) < 1e-12);
    assert.match(codeLensTitle(read), new RegExp(`over ${ref.rows - ref.ignored} samples \\(preset pytorch\\) · ${ref.ignored} labelled -100 ignored$`));
  });

  it('the dashboard: an error whose rows are -100 offers "Ignore label -100", which posts the choice', () => {
    const h = harness();
    const message = editorSpeaker(HINT);
    h.dashboard.handle({ type: 'error', label: 'tokens.csv', message: 'tokens.csv: 54 rows could not be read', errorCount: 54, badRows: true, problems: [{ line: 3, column: 1, message }] });
    const button = h.root.querySelector('[data-testid="ignore-label"]') as HTMLButtonElement;
    assert.equal(button.textContent, 'Ignore label -100');
    h.posted.length = 0;
    button.click();
    assert.deepEqual(h.posted, [{ type: 'ignoreLabel', label: -100 }]);
    h.dashboard.handle({ type: 'error', label: 'x.csv', message: 'x.csv: 1 row could not be read', errorCount: 1, badRows: true, problems: [{ line: 3, column: 1, message: 'label 7 is not a class index (0 to 4)' }] });
    assert.equal(h.root.querySelector('[data-testid="ignore-label"]'), null);
  });
});
